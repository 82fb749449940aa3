/// How strongly the spec requires what a check verifies (RFC 2119 keywords).
public enum ConformanceLevel: String, Codable, Sendable, CaseIterable, Comparable {
    /// A MUST of the spec: failing it means the server is not conformant.
    case must = "MUST"
    /// A SHOULD of the spec (or a SHOULD-level endpoint): recommended behaviour.
    case should = "SHOULD"
    /// Optional behaviour (MAY); checked so vendors can track it.
    case may = "MAY"

    /// Orders MUST before SHOULD before MAY.
    public static func < (lhs: ConformanceLevel, rhs: ConformanceLevel) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .must: 0
        case .should: 1
        case .may: 2
        }
    }
}
