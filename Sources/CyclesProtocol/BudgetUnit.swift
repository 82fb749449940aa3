/// The unit a budget, estimate or charge is measured in (`UnitEnum` in the spec).
///
/// Named `BudgetUnit` rather than `Unit` so it never collides with Foundation's `Unit` class.
public struct BudgetUnit: OpenEnumeration {
    /// The wire spelling, for example `USD_MICROCENTS`.
    public let rawValue: String
    /// Creates a unit from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// One hundred-millionth of a US dollar (1 USD = 10^8).
    public static let usdMicrocents: BudgetUnit = "USD_MICROCENTS"
    /// Model tokens.
    public static let tokens: BudgetUnit = "TOKENS"
    /// Abstract credits (optional in v0 implementations).
    public static let credits: BudgetUnit = "CREDITS"
    /// Risk points (optional in v0 implementations).
    public static let riskPoints: BudgetUnit = "RISK_POINTS"

    /// Every unit defined by protocol v0.1.25.
    public static let knownValues: [BudgetUnit] = [.usdMicrocents, .tokens, .credits, .riskPoints]
}
