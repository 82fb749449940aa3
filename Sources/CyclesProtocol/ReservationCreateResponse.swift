/// The answer to `POST /v1/reservations`.
public struct ReservationCreateResponse: Hashable, Sendable, Codable {
    /// ALLOW or ALLOW_WITH_CAPS for a live reservation; DENY only on dry run.
    public var decision: Decision
    /// Present on a live ALLOW/ALLOW_WITH_CAPS; absent on dry run and DENY.
    public var reservationID: ReservationID?
    /// What is held.
    public var reserved: Amount?
    /// Authoritative expiry (epoch ms).
    public var expiresAtMs: Int64?
    /// Milliseconds left on the lease when the server answered; drives the heartbeat.
    public var remainingTTLMs: Int64?
    /// The canonical path of the subject.
    public var scopePath: String?
    /// Every derived scope, root first.
    public var affectedScopes: [String]
    /// Present only with ALLOW_WITH_CAPS.
    public var caps: Caps?
    /// Balances of the budgeted scopes after the hold.
    public var balances: [Balance]?
    /// Why a dry run was denied.
    public var reasonCode: DecisionReasonCode?
    /// A hint for when to try again.
    public var retryAfterMs: Int64?
    /// Evidence for the decision.
    public var cyclesEvidence: EvidenceReference?

    /// Creates a reservation response.
    public init(
        decision: Decision, reservationID: ReservationID? = nil, reserved: Amount? = nil, expiresAtMs: Int64? = nil,
        remainingTTLMs: Int64? = nil, scopePath: String? = nil, affectedScopes: [String], caps: Caps? = nil,
        balances: [Balance]? = nil, reasonCode: DecisionReasonCode? = nil, retryAfterMs: Int64? = nil,
        cyclesEvidence: EvidenceReference? = nil
    ) {
        self.decision = decision
        self.reservationID = reservationID
        self.reserved = reserved
        self.expiresAtMs = expiresAtMs
        self.remainingTTLMs = remainingTTLMs
        self.scopePath = scopePath
        self.affectedScopes = affectedScopes
        self.caps = caps
        self.balances = balances
        self.reasonCode = reasonCode
        self.retryAfterMs = retryAfterMs
        self.cyclesEvidence = cyclesEvidence
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case decision
        case reservationID = "reservation_id"
        case reserved
        case expiresAtMs = "expires_at_ms"
        case remainingTTLMs = "remaining_ttl_ms"
        case scopePath = "scope_path"
        case affectedScopes = "affected_scopes"
        case caps, balances
        case reasonCode = "reason_code"
        case retryAfterMs = "retry_after_ms"
        case cyclesEvidence = "cycles_evidence"
    }
}
