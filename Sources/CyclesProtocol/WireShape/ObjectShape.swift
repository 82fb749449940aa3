/// An object schema: its name in the spec (for messages), its fields, which of them are required, and whether
/// members it does not list are violations (`additionalProperties: false`, true of almost every protocol schema).
public struct ObjectShape: Sendable {
    /// The schema's name in the spec, for example `CommitResponse`.
    public var name: String
    /// Every field the schema lists.
    public var fields: [String: WireShape]
    /// The fields that must be present.
    public var required: Set<String>
    /// Whether members the schema does not list are violations.
    public var closed: Bool

    /// Creates a schema from its required and optional fields.
    public init(
        _ name: String, required: [String: WireShape], optional: [String: WireShape] = [:], closed: Bool = true
    ) {
        self.name = name
        self.fields = required.merging(optional) { required, _ in required }
        self.required = Set(required.keys)
        self.closed = closed
    }

    /// The same fields under another schema name (`ReservationSummary` lists `ReservationDetail`'s fields).
    public func renamed(_ name: String) -> ObjectShape {
        var copy = self
        copy.name = name
        return copy
    }
}
