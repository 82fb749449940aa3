/// Why a decision was `DENY`. An open string in the spec: clients must accept unknown values.
public struct DecisionReasonCode: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates a reason code from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Remaining budget is below the estimate.
    public static let budgetExceeded: DecisionReasonCode = "BUDGET_EXCEEDED"
    /// A budget on the path is frozen.
    public static let budgetFrozen: DecisionReasonCode = "BUDGET_FROZEN"
    /// A budget on the path is closed.
    public static let budgetClosed: DecisionReasonCode = "BUDGET_CLOSED"
    /// No budget exists on any derived scope.
    public static let budgetNotFound: DecisionReasonCode = "BUDGET_NOT_FOUND"
    /// A scope on the path is over its overdraft limit.
    public static let overdraftLimitExceeded: DecisionReasonCode = "OVERDRAFT_LIMIT_EXCEEDED"
    /// A scope carries debt and allows no overdraft.
    public static let debtOutstanding: DecisionReasonCode = "DEBT_OUTSTANDING"
    /// The owning tenant is closed.
    public static let tenantClosed: DecisionReasonCode = "TENANT_CLOSED"

    /// Every reason code defined by protocol v0.1.25.
    public static let knownValues: [DecisionReasonCode] = [
        .budgetExceeded, .budgetFrozen, .budgetClosed, .budgetNotFound, .overdraftLimitExceeded,
        .debtOutstanding, .tenantClosed,
    ]
}
