/// What is being paid for, for example `Action(kind: "llm.completion", name: "openai:gpt-4o-mini")`.
public struct Action: Hashable, Sendable, Codable {
    /// Category and operation, at most 64 characters (recommended `<category>.<operation>`).
    public var kind: String
    /// The concrete model or tool, at most 256 characters.
    public var name: String
    /// Up to 10 tags of at most 64 characters.
    public var tags: [String]?

    /// Creates an action.
    public init(kind: String, name: String, tags: [String]? = nil) {
        self.kind = kind
        self.name = name
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, name, tags
    }
}
