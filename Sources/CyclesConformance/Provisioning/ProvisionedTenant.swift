/// A tenant the provisioner created: its id, a working API key and its budget scopes.
public struct ProvisionedTenant: Sendable, Hashable {
    /// The tenant id (also `subject.tenant`).
    public var tenantID: String
    /// A tenant API key for `X-Cycles-API-Key`.
    public var apiKey: String
    /// The full scopes of its budgets, in plan order.
    public var budgetScopes: [String]

    /// Creates a record.
    public init(tenantID: String, apiKey: String, budgetScopes: [String]) {
        self.tenantID = tenantID
        self.apiKey = apiKey
        self.budgetScopes = budgetScopes
    }
}
