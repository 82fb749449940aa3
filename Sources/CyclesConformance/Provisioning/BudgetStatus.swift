/// The status a provisioned budget starts in.
public enum BudgetStatus: String, Codable, Sendable {
    /// Open for reservations.
    case active = "ACTIVE"
    /// No new reservations (409 BUDGET_FROZEN).
    case frozen = "FROZEN"
    /// Permanently closed (409 BUDGET_CLOSED).
    case closed = "CLOSED"
}
