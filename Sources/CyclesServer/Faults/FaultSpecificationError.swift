/// A fault rule or `X-Cycles-Mock-Fault` header that cannot be understood; answered with 400 `INVALID_REQUEST`.
public struct FaultSpecificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the field.
    public var message: String

    /// Creates the error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
