/// Optional usage figures attached to a commit or event.
public struct StandardMetrics: Hashable, Sendable, Codable {
    /// Prompt tokens.
    public var tokensInput: Int64?
    /// Completion tokens.
    public var tokensOutput: Int64?
    /// Wall time of the action in milliseconds.
    public var latencyMs: Int64?
    /// The exact model version used, at most 128 characters.
    public var modelVersion: String?
    /// Anything else, free-form.
    public var custom: [String: JSONValue]?

    /// Creates metrics.
    public init(
        tokensInput: Int64? = nil, tokensOutput: Int64? = nil, latencyMs: Int64? = nil, modelVersion: String? = nil,
        custom: [String: JSONValue]? = nil
    ) {
        self.tokensInput = tokensInput
        self.tokensOutput = tokensOutput
        self.latencyMs = latencyMs
        self.modelVersion = modelVersion
        self.custom = custom
    }

    /// Whether no field is set.
    public var isEmpty: Bool {
        tokensInput == nil && tokensOutput == nil && latencyMs == nil && modelVersion == nil && (custom ?? [:]).isEmpty
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tokensInput = "tokens_input"
        case tokensOutput = "tokens_output"
        case latencyMs = "latency_ms"
        case modelVersion = "model_version"
        case custom
    }
}
