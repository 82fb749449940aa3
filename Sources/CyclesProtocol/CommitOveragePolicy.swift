/// What a commit or event does when the actual amount exceeds what is available.
public struct CommitOveragePolicy: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates a policy from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Refuse the overage with 409 `BUDGET_EXCEEDED`.
    public static let reject: CommitOveragePolicy = "REJECT"
    /// Charge what is available and flag the scope over limit (the protocol default since v0.1.24).
    public static let allowIfAvailable: CommitOveragePolicy = "ALLOW_IF_AVAILABLE"
    /// Charge in full, recording debt up to the scope's overdraft limit.
    public static let allowWithOverdraft: CommitOveragePolicy = "ALLOW_WITH_OVERDRAFT"

    /// Every policy defined by protocol v0.1.25.
    public static let knownValues: [CommitOveragePolicy] = [.reject, .allowIfAvailable, .allowWithOverdraft]
}
