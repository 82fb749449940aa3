/// The answer to `POST /v1/decide`.
public struct DecisionResponse: Hashable, Sendable, Codable {
    /// ALLOW, ALLOW_WITH_CAPS or DENY.
    public var decision: Decision
    /// Present only with ALLOW_WITH_CAPS.
    public var caps: Caps?
    /// Why the decision is DENY.
    public var reasonCode: DecisionReasonCode?
    /// A hint for when to try again.
    public var retryAfterMs: Int64?
    /// Every derived scope, root first.
    public var affectedScopes: [String]?
    /// Evidence for the decision.
    public var cyclesEvidence: EvidenceReference?

    /// Creates a decision response.
    public init(
        decision: Decision, caps: Caps? = nil, reasonCode: DecisionReasonCode? = nil, retryAfterMs: Int64? = nil,
        affectedScopes: [String]? = nil, cyclesEvidence: EvidenceReference? = nil
    ) {
        self.decision = decision
        self.caps = caps
        self.reasonCode = reasonCode
        self.retryAfterMs = retryAfterMs
        self.affectedScopes = affectedScopes
        self.cyclesEvidence = cyclesEvidence
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case decision, caps
        case reasonCode = "reason_code"
        case retryAfterMs = "retry_after_ms"
        case affectedScopes = "affected_scopes"
        case cyclesEvidence = "cycles_evidence"
    }
}
