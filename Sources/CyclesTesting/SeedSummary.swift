/// What a seed request loaded.
public struct SeedSummary: Codable, Sendable, Hashable {
    /// Tenants in the document.
    public var tenants: Int
    /// Budgets in the document.
    public var budgets: Int

    /// Creates a summary.
    public init(tenants: Int, budgets: Int) {
        self.tenants = tenants
        self.budgets = budgets
    }
}
