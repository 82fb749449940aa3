public import CyclesProtocol

/// What a check needs provisioned: one or more tenants that share a namespace.
public struct FixturePlan: Sendable, Hashable {
    /// The tenants; the first is the check's main tenant.
    public var tenants: [TenantPlan]

    /// Creates a plan.
    public init(tenants: [TenantPlan]) { self.tenants = tenants }

    /// One tenant with one budget on `tenant:<id>` of `allocated` in `unit`.
    public static func single(allocated: Int64 = 1_000_000, unit: BudgetUnit = .tokens, overdraftLimit: Int64 = 0)
        -> FixturePlan
    {
        FixturePlan(tenants: [
            TenantPlan(budgets: [BudgetPlan(unit: unit, allocated: allocated, overdraftLimit: overdraftLimit)])
        ])
    }

    /// One tenant with the given budgets.
    public static func budgets(_ budgets: BudgetPlan...) -> FixturePlan {
        FixturePlan(tenants: [TenantPlan(budgets: budgets)])
    }

    /// Two tenants with one budget of `allocated` each, for isolation checks (the first is the one under test).
    public static func twoTenants(allocated: Int64 = 1_000) -> FixturePlan {
        FixturePlan(tenants: [
            TenantPlan(budgets: [BudgetPlan(allocated: allocated)]), TenantPlan(budgets: [BudgetPlan(allocated: allocated)]),
        ])
    }
}
