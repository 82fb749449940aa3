/// The answer to a release.
public struct ReleaseResponse: Hashable, Sendable, Codable {
    /// Always `RELEASED`.
    public var status: ReservationStatus
    /// What went back to the budget.
    public var released: Amount
    /// Balances of the budgeted scopes after the release.
    public var balances: [Balance]?
    /// Evidence for the release.
    public var cyclesEvidence: EvidenceReference?

    /// Creates a release response.
    public init(
        status: ReservationStatus = .released, released: Amount, balances: [Balance]? = nil,
        cyclesEvidence: EvidenceReference? = nil
    ) {
        self.status = status
        self.released = released
        self.balances = balances
        self.cyclesEvidence = cyclesEvidence
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status, released, balances
        case cyclesEvidence = "cycles_evidence"
    }
}
