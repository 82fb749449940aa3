/// A configuration value that cannot be used, naming the environment variable it came from.
public struct CyclesConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The variable, for example `CYCLES_READ_TIMEOUT`.
    public var variable: String
    /// The offending value (`nil` when the variable is missing). API keys are never echoed.
    public var value: String?
    /// Why it was rejected.
    public var reason: String

    /// Creates an error.
    public init(variable: String, value: String?, reason: String) {
        self.variable = variable
        self.value = value
        self.reason = reason
    }

    /// `"CYCLES_READ_TIMEOUT=abc: must be a whole number of milliseconds"`.
    public var description: String {
        if let value { return "\(variable)=\(value): \(reason)" }
        return "\(variable): \(reason)"
    }
}
