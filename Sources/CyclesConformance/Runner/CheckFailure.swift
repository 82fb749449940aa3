/// Thrown by a check when the server did something the spec forbids.
///
/// It says what was expected and why (the spec reference); the runner attaches the exchanges the check made,
/// each with a reproducing `curl` command.
public struct CheckFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var message: String
    /// What the spec requires instead.
    public var expected: String?
    /// The spec section that requires it.
    public var spec: String?
    /// The exchange that showed the problem, if one did.
    public var exchange: WireExchange?

    /// Creates a failure.
    public init(_ message: String, expected: String? = nil, spec: String? = nil, exchange: WireExchange? = nil) {
        self.message = message
        self.expected = expected
        self.spec = spec
        self.exchange = exchange
    }

    /// The message, with the expectation when there is one.
    public var description: String {
        var text = message
        if let expected { text += " (expected: \(expected))" }
        if let spec { text += " [\(spec)]" }
        return text
    }
}
