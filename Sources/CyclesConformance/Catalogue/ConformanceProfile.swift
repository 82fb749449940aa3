/// Which levels a run includes.
public enum ConformanceProfile: String, Codable, Sendable, CaseIterable {
    /// MUST checks only.
    case must
    /// MUST and SHOULD checks.
    case should
    /// Every check, MAY included.
    case all

    /// Whether a check of `level` belongs to this profile.
    public func includes(_ level: ConformanceLevel) -> Bool {
        switch self {
        case .must: level == .must
        case .should: level != .may
        case .all: true
        }
    }
}
