public import CyclesProtocol

/// One budget a check wants, relative to its fresh tenant.
public struct BudgetPlan: Sendable, Hashable {
    /// Segments below `tenant:<id>`, for example `[(.workspace, "w1")]`; empty for the tenant budget itself.
    public var below: [ScopePath.Segment]
    /// The unit.
    public var unit: BudgetUnit
    /// The cap.
    public var allocated: Int64
    /// Allowed debt (0 = none).
    public var overdraftLimit: Int64
    /// The starting status.
    public var status: BudgetStatus
    /// Debt the budget starts with (only provisioners that can seed ledger state support a non-zero value).
    public var debt: Int64

    /// Creates a plan; `below` is written like `"workspace:w1/agent:a1"` (empty for the tenant scope).
    public init(
        _ below: String = "", unit: BudgetUnit = .tokens, allocated: Int64, overdraftLimit: Int64 = 0,
        status: BudgetStatus = .active, debt: Int64 = 0
    ) {
        self.below = below.isEmpty ? [] : (ScopePath(parsing: below)?.segments ?? [])
        self.unit = unit
        self.allocated = allocated
        self.overdraftLimit = overdraftLimit
        self.status = status
        self.debt = debt
    }

    /// The full scope for `tenantID`, for example `tenant:conf-1a2b/workspace:w1`.
    public func scope(tenantID: String) -> String {
        ScopePath(segments: [ScopePath.Segment(level: .tenant, value: tenantID)] + below).description
    }
}
