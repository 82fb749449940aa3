/// The answer to an extend.
public struct ExtendResponse: Hashable, Sendable, Codable {
    /// Always `ACTIVE`.
    public var status: ReservationStatus
    /// The new authoritative expiry (epoch ms).
    public var expiresAtMs: Int64
    /// Milliseconds left on the lease when the server answered.
    public var remainingTTLMs: Int64?
    /// Unchanged balances of the budgeted scopes.
    public var balances: [Balance]?

    /// Creates an extend response.
    public init(
        status: ReservationStatus = .active, expiresAtMs: Int64, remainingTTLMs: Int64? = nil,
        balances: [Balance]? = nil
    ) {
        self.status = status
        self.expiresAtMs = expiresAtMs
        self.remainingTTLMs = remainingTTLMs
        self.balances = balances
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status
        case expiresAtMs = "expires_at_ms"
        case remainingTTLMs = "remaining_ttl_ms"
        case balances
    }
}
