public import CyclesProtocol

/// A budget ledger in a seed document (fields as in the governance spec's Budget schema).
public struct SeedBudget: Codable, Sendable, Hashable {
    /// The owning tenant.
    public var tenantID: String
    /// The canonical scope path; must start with `tenant:<tenant_id>`.
    public var scope: String
    /// The unit.
    public var unit: BudgetUnit
    /// The funded cap.
    public var allocated: Int64
    /// Most debt allowed (default 0: no overdraft).
    public var overdraftLimit: Int64?
    /// Informational; reservations carry their own resolved policy.
    public var commitOveragePolicy: CommitOveragePolicy?
    /// `ACTIVE` (default), `FROZEN` or `CLOSED`.
    public var status: String?
    /// Caps returned with `ALLOW_WITH_CAPS` when this is the deepest enforced scope.
    public var caps: Caps?
    /// Already spent (default 0), to seed a partly used budget.
    public var spent: Int64?
    /// Outstanding debt (default 0).
    public var debt: Int64?
    /// Start over limit (default false).
    public var isOverLimit: Bool?

    /// Creates a seed budget.
    public init(
        tenantID: String, scope: String, unit: BudgetUnit, allocated: Int64, overdraftLimit: Int64? = nil,
        commitOveragePolicy: CommitOveragePolicy? = nil, status: String? = nil, caps: Caps? = nil,
        spent: Int64? = nil, debt: Int64? = nil, isOverLimit: Bool? = nil
    ) {
        self.tenantID = tenantID
        self.scope = scope
        self.unit = unit
        self.allocated = allocated
        self.overdraftLimit = overdraftLimit
        self.commitOveragePolicy = commitOveragePolicy
        self.status = status
        self.caps = caps
        self.spent = spent
        self.debt = debt
        self.isOverLimit = isOverLimit
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case scope, unit, allocated
        case overdraftLimit = "overdraft_limit"
        case commitOveragePolicy = "commit_overage_policy"
        case status, caps, spent, debt
        case isOverLimit = "is_over_limit"
    }
}
