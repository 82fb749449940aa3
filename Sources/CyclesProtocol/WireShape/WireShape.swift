/// What one JSON value of a wire schema must look like: the single description of the protocol's schemas that the
/// server's strict request reader (``WireShape/validate(_:at:)``) and the conformance kit's response oracle
/// (``WireShape/violations(of:at:)``) both read, so a field's type and limits are written once, in ``WireShapes``.
public indirect enum WireShape: Sendable {
    /// A string whose length in Unicode code points (JSON Schema `minLength`/`maxLength`) is within the bounds.
    case string(minLength: Int = 0, maxLength: Int = .max)
    /// A string of 32 lowercase hex digits (trace ids).
    case hex32
    /// An integer (never a fraction) within the bounds.
    case integer(minimum: Int64 = .min, maximum: Int64 = .max)
    /// A JSON number, integer or fraction (`type: number`, `format: double`), within the bounds.
    case number(minimum: Double = -.infinity, maximum: Double = .infinity)
    /// `true` or `false`.
    case boolean
    /// One of the listed strings (a closed enum).
    case oneOf([String])
    /// An object that follows a schema.
    case object(ObjectShape)
    /// An object of string values (`dimensions`).
    case stringMap(maxCount: Int, valueMaxLength: Int)
    /// An array whose items follow `element`, with at most `maxCount` items.
    case array(WireShape, maxCount: Int = .max)
    /// Any JSON object (free-form, such as `metadata`).
    case anyObject

    /// Any string.
    public static let anyString = WireShape.string()
    /// An array of strings of any length.
    public static let stringArray = WireShape.array(.anyString)
    /// A non-negative integer.
    public static let nonNegative = WireShape.integer(minimum: 0)
}
