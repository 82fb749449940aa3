/// The wire schemas of `cycles-protocol-v0.yaml` v0.1.25, described once: the server validates request bodies
/// against the request schemas (``WireShape/validate(_:at:)``), and the conformance kit judges answers against the
/// response schemas (``WireShape/violations(of:at:)``). Every schema is `additionalProperties: false`.
public enum WireShapes {
    static let units = BudgetUnit.knownValues.map(\.rawValue)
    static let unit = WireShape.oneOf(units)

    /// `Amount`: a unit and a non-negative integer amount.
    public static let amount = ObjectShape("Amount", required: ["unit": unit, "amount": .nonNegative])
    /// `SignedAmount` (a remaining that may be negative).
    public static let signedAmount = ObjectShape("SignedAmount", required: ["unit": unit, "amount": .integer()])
}
