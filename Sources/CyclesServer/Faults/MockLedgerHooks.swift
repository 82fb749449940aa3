/// The ledger operations the fault middleware needs, as closures, so the middleware does not depend on
/// how the ledger stores tenants and reservations.
public struct MockLedgerHooks: Sendable {
    /// The tenant and namespace an API key belongs to, or `nil` for an unknown key.
    public var resolveAPIKey: @Sendable (_ apiKey: String) async -> (tenant: String, namespace: String)?
    /// Expires a reservation now, returning its amount to the budgets, as the sweeper would once its
    /// deadline (including grace) has passed. Unknown ids and finalized reservations are left alone.
    public var expireReservation: @Sendable (_ reservationID: String, _ namespace: String?) async throws -> Void

    /// Creates the hooks.
    public init(
        resolveAPIKey: @escaping @Sendable (_ apiKey: String) async -> (tenant: String, namespace: String)?,
        expireReservation: @escaping @Sendable (_ reservationID: String, _ namespace: String?) async throws -> Void
    ) {
        self.resolveAPIKey = resolveAPIKey
        self.expireReservation = expireReservation
    }
}
