public import CyclesProtocol

/// Usage accumulated while a token stream runs.
public struct StreamUsage: Sendable, Hashable {
    /// Prompt tokens so far.
    public var tokensInput: Int64 = 0
    /// Completion tokens so far.
    public var tokensOutput: Int64 = 0
    /// An explicit actual cost, when the caller knows it (takes precedence over the cost function).
    public var actualCost: Amount?
    /// The exact model version, when known.
    public var modelVersion: String?

    /// Creates empty usage.
    public init() {}

    /// The usage as commit metrics.
    public var metrics: StandardMetrics {
        StandardMetrics(tokensInput: tokensInput, tokensOutput: tokensOutput, modelVersion: modelVersion)
    }
}
