/// The answer to a commit.
public struct CommitResponse: Hashable, Sendable, Codable {
    /// Always `COMMITTED`.
    public var status: ReservationStatus
    /// What was charged (may be below the actual under ALLOW_IF_AVAILABLE).
    public var charged: Amount
    /// What went back to the budget because the actual was below the estimate.
    public var released: Amount?
    /// Balances of the budgeted scopes after the commit.
    public var balances: [Balance]?
    /// Evidence for the commit.
    public var cyclesEvidence: EvidenceReference?

    /// Creates a commit response.
    public init(
        status: ReservationStatus = .committed, charged: Amount, released: Amount? = nil, balances: [Balance]? = nil,
        cyclesEvidence: EvidenceReference? = nil
    ) {
        self.status = status
        self.charged = charged
        self.released = released
        self.balances = balances
        self.cyclesEvidence = cyclesEvidence
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status, charged, released, balances
        case cyclesEvidence = "cycles_evidence"
    }
}
