/// One level of the budget hierarchy, in canonical order (tenant > workspace > app > workflow > agent > toolset).
public enum ScopeLevel: String, CaseIterable, Sendable, Codable, Comparable {
    /// The tenant.
    case tenant
    /// A workspace within the tenant.
    case workspace
    /// An application.
    case app
    /// A workflow run or definition.
    case workflow
    /// An agent.
    case agent
    /// A set of tools.
    case toolset

    /// Orders levels from root (`tenant`) to leaf (`toolset`).
    public static func < (lhs: ScopeLevel, rhs: ScopeLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
