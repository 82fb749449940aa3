/// Everything provisioned for one check. Checks never share fixtures, so they can run in parallel.
public struct Fixture: Sendable, Hashable {
    /// The server-side namespace (our control API), or `nil` when the target has none.
    public var namespace: String?
    /// The tenants, in plan order.
    public var tenants: [ProvisionedTenant]

    /// Creates a fixture record.
    public init(namespace: String?, tenants: [ProvisionedTenant]) {
        self.namespace = namespace
        self.tenants = tenants
    }

    /// The first tenant.
    public var tenant: ProvisionedTenant { tenants[0] }
}
