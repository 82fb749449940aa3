/// The ledger operations the fault middleware needs, as closures, so the middleware does not depend on
/// how the ledger stores tenants and reservations (and can be tested without one).
public struct MockLedgerHooks: Sendable {
    /// The tenant and namespace an API key belongs to, or `nil` for an unknown key.
    public var resolveAPIKey: @Sendable (_ apiKey: String) async -> (tenant: String, namespace: String)?
    /// Expires a reservation now, returning its amount to the budgets, as the sweeper would once its
    /// deadline (including grace) has passed, but only when `requester` may act on it (its owning tenant, or the
    /// operator). Unknown ids, other tenants' and finalized reservations are left alone.
    public var expireReservation: @Sendable (_ reservationID: String, _ requester: Principal) async throws -> Void
    /// Whether `key` is an accepted `X-Admin-API-Key`: `X-Cycles-Mock-Fault` is honoured only on requests carrying
    /// one, so a tenant cannot break requests (its own or anyone's) by a header.
    public var isAdminKey: @Sendable (_ key: String) -> Bool
    /// Whether the control plane is on (the mock layer is registered and an admin key is configured). When it is
    /// off the fault middleware
    /// passes every request straight through: no faults, no `X-Cycles-Mock-Fault`, no journal, no overhead,
    /// so a server without admin key behaves (and benchmarks) like a plain Cycles server.
    public var controlPlaneEnabled: @Sendable () -> Bool
    /// A request id for an injected error answer (reproducible when the server's ids are).
    public var makeRequestID: @Sendable () -> String

    /// Creates the hooks.
    public init(
        resolveAPIKey: @escaping @Sendable (_ apiKey: String) async -> (tenant: String, namespace: String)?,
        expireReservation: @escaping @Sendable (_ reservationID: String, _ requester: Principal) async throws -> Void,
        isAdminKey: @escaping @Sendable (_ key: String) -> Bool,
        controlPlaneEnabled: @escaping @Sendable () -> Bool,
        makeRequestID: @escaping @Sendable () -> String
    ) {
        self.resolveAPIKey = resolveAPIKey
        self.expireReservation = expireReservation
        self.isAdminKey = isAdminKey
        self.controlPlaneEnabled = controlPlaneEnabled
        self.makeRequestID = makeRequestID
    }
}
