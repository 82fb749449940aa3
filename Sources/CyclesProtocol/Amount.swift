/// A quantity of budget in one unit (`Amount`, and `SignedAmount` where it may be negative).
///
/// Money is `Int64` end to end; helpers that add amounts report overflow instead of wrapping.
public struct Amount: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The unit of `amount`.
    public var unit: BudgetUnit
    /// The quantity. Non-negative everywhere except `Balance.remaining`.
    public var amount: Int64

    /// Creates an amount.
    public init(unit: BudgetUnit, amount: Int64) {
        self.unit = unit
        self.amount = amount
    }

    /// An amount in `USD_MICROCENTS` (1 USD = 100 000 000).
    public static func usdMicrocents(_ amount: Int64) -> Amount { Amount(unit: .usdMicrocents, amount: amount) }
    /// An amount in `TOKENS`.
    public static func tokens(_ amount: Int64) -> Amount { Amount(unit: .tokens, amount: amount) }
    /// An amount in `CREDITS`.
    public static func credits(_ amount: Int64) -> Amount { Amount(unit: .credits, amount: amount) }
    /// An amount in `RISK_POINTS`.
    public static func riskPoints(_ amount: Int64) -> Amount { Amount(unit: .riskPoints, amount: amount) }

    /// `"1500 USD_MICROCENTS"`.
    public var description: String { "\(amount) \(unit.rawValue)" }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case unit, amount
    }
}
