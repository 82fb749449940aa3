/// What `applySeed` created: counts of tenants and budgets.
public struct SeedSummary: Codable, Sendable, Hashable {
    /// Tenants created or updated.
    public var tenants: Int
    /// Budgets created.
    public var budgets: Int

    /// Creates a summary.
    public init(tenants: Int, budgets: Int) {
        self.tenants = tenants
        self.budgets = budgets
    }
}
