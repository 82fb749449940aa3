/// Limits that come with an `ALLOW_WITH_CAPS` decision. Advisory: the client enforces them.
public struct Caps: Hashable, Sendable, Codable {
    /// Upper bound on tokens to generate.
    public var maxTokens: Int64?
    /// Steps the agent may still take.
    public var maxStepsRemaining: Int64?
    /// When non-empty, only these tools may be used.
    public var toolAllowlist: [String]?
    /// When non-empty (and no allowlist), these tools may not be used.
    public var toolDenylist: [String]?
    /// Milliseconds to wait before the next action.
    public var cooldownMs: Int64?

    /// Creates caps.
    public init(
        maxTokens: Int64? = nil, maxStepsRemaining: Int64? = nil, toolAllowlist: [String]? = nil,
        toolDenylist: [String]? = nil, cooldownMs: Int64? = nil
    ) {
        self.maxTokens = maxTokens
        self.maxStepsRemaining = maxStepsRemaining
        self.toolAllowlist = toolAllowlist
        self.toolDenylist = toolDenylist
        self.cooldownMs = cooldownMs
    }

    /// Whether every field is absent or empty.
    public var isEmpty: Bool {
        maxTokens == nil && maxStepsRemaining == nil && (toolAllowlist ?? []).isEmpty
            && (toolDenylist ?? []).isEmpty && cooldownMs == nil
    }

    /// The spec's tool rule: a non-empty allowlist admits only its tools (the denylist is then ignored);
    /// otherwise a non-empty denylist excludes its tools; otherwise everything is allowed. Exact, case-sensitive.
    public func isToolAllowed(_ tool: String) -> Bool {
        if let allow = toolAllowlist, !allow.isEmpty { return allow.contains(tool) }
        if let deny = toolDenylist, !deny.isEmpty { return !deny.contains(tool) }
        return true
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxTokens = "max_tokens"
        case maxStepsRemaining = "max_steps_remaining"
        case toolAllowlist = "tool_allowlist"
        case toolDenylist = "tool_denylist"
        case cooldownMs = "cooldown_ms"
    }
}
