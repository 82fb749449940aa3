/// The JSON type a response field must have.
public indirect enum FieldShape: Sendable {
    /// Any string.
    case string
    /// A string matching 32 lowercase hex digits (trace ids).
    case hex32
    /// An integer (never a fraction), at least `minimum` when given.
    case integer(minimum: Int64?)
    /// `true` or `false`.
    case boolean
    /// One of the listed strings.
    case enumeration([String])
    /// An array of strings.
    case stringArray
    /// An array whose elements follow a schema.
    case array(ShapeSchema)
    /// An object that follows a schema.
    case object(ShapeSchema)
    /// Any JSON object (free-form, such as `metadata`).
    case anyObject
}
