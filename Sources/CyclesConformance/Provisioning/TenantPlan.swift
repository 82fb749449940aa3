/// One fresh tenant a check wants, with its budgets and optional settings.
public struct TenantPlan: Sendable, Hashable {
    /// Budgets to create under the tenant.
    public var budgets: [BudgetPlan]
    /// `max_reservation_extensions` tenant setting, when the check needs a specific one.
    public var maxReservationExtensions: Int?

    /// Creates a tenant plan.
    public init(budgets: [BudgetPlan], maxReservationExtensions: Int? = nil) {
        self.budgets = budgets
        self.maxReservationExtensions = maxReservationExtensions
    }
}
