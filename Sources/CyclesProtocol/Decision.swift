/// The outcome of a budget evaluation (`DecisionEnum`).
public struct Decision: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates a decision from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The action may proceed.
    public static let allow: Decision = "ALLOW"
    /// The action may proceed within the returned caps.
    public static let allowWithCaps: Decision = "ALLOW_WITH_CAPS"
    /// The action must not proceed.
    public static let deny: Decision = "DENY"

    /// Every decision defined by protocol v0.1.25.
    public static let knownValues: [Decision] = [.allow, .allowWithCaps, .deny]

    /// `true` for `ALLOW` and `ALLOW_WITH_CAPS`; unknown future values count as not allowed.
    public var isAllowed: Bool { self == .allow || self == .allowWithCaps }
}
