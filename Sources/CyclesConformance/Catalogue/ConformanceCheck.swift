/// One executable check: its descriptor plus the code that verifies it through a ``CheckContext``.
public struct ConformanceCheck: Sendable, Identifiable {
    /// The body of a check; it throws ``CheckFailure`` or ``CheckSkipped`` (any other error is a failure too).
    public typealias Body = @Sendable (CheckContext) async throws -> Void

    /// The catalogue data.
    public let descriptor: CheckDescriptor
    /// The verification.
    public let body: Body

    /// The check's ID.
    public var id: String { descriptor.id }

    /// Creates a check.
    public init(_ descriptor: CheckDescriptor, body: @escaping Body) {
        self.descriptor = descriptor
        self.body = body
    }

    /// Creates a check from its fields.
    public init(
        _ id: String, _ level: ConformanceLevel, _ section: CheckSection, _ title: String, spec: String,
        requires: [CheckRequirement] = [.fixtures], runsAlone: Bool = false, note: String? = nil,
        body: @escaping Body
    ) {
        self.init(
            CheckDescriptor(
                id: id, level: level, section: section, title: title, spec: spec, requires: requires,
                runsAlone: runsAlone, note: note),
            body: body)
    }
}
