/// A pointer to a signed evidence envelope (`CyclesEvidenceRef`). Emission is optional in v0.1.25.
public struct EvidenceReference: Hashable, Sendable, Codable {
    /// 64 lowercase hex digits.
    public var evidenceID: String
    /// Where the envelope can be fetched.
    public var cyclesEvidenceURL: String

    /// Creates a reference.
    public init(evidenceID: String, cyclesEvidenceURL: String) {
        self.evidenceID = evidenceID
        self.cyclesEvidenceURL = cyclesEvidenceURL
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case evidenceID = "evidence_id"
        case cyclesEvidenceURL = "cycles_evidence_url"
    }
}
