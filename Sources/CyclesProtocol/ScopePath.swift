/// The canonical scope path derived from a `Subject`, such as `tenant:acme/workspace:prod/agent:bot`.
///
/// Levels the subject leaves out are skipped, not filled. Values are lowercased, as the reference
/// server does (`protocol.md` §16.5), so `agent:Bot` and `agent:bot` address the same budget.
public struct ScopePath: Hashable, Sendable, CustomStringConvertible {
    /// One `level:value` segment.
    public struct Segment: Hashable, Sendable {
        /// The level.
        public var level: ScopeLevel
        /// The lowercased value.
        public var value: String
        /// `level:value`.
        public var text: String { "\(level.rawValue):\(value)" }
        /// Creates a segment; the value is lowercased.
        public init(level: ScopeLevel, value: String) {
            self.level = level
            self.value = value.lowercased()
        }
    }

    /// Segments in canonical order.
    public var segments: [Segment]

    /// Derives the path from the subject's standard levels (empty values are skipped).
    public init(subject: Subject) {
        segments = ScopeLevel.allCases.compactMap { level in
            guard let value = subject[level], !value.isEmpty else { return nil }
            return Segment(level: level, value: value)
        }
    }

    /// Creates a path from segments.
    public init(segments: [Segment]) { self.segments = segments }

    /// Parses `tenant:acme/agent:bot`; returns `nil` when a segment is malformed or out of order.
    public init?(parsing text: String) {
        var parsed: [Segment] = []
        for part in text.split(separator: "/", omittingEmptySubsequences: false) {
            guard let colon = part.firstIndex(of: ":"),
                let level = ScopeLevel(rawValue: String(part[..<colon]))
            else { return nil }
            let value = String(part[part.index(after: colon)...])
            guard !value.isEmpty else { return nil }
            if let last = parsed.last, !(last.level < level) { return nil }
            parsed.append(Segment(level: level, value: value))
        }
        guard !parsed.isEmpty else { return nil }
        segments = parsed
    }

    /// The full path, segments joined by `/`.
    public var description: String { segments.map(\.text).joined(separator: "/") }

    /// The leaf segment (`agent:bot`), used as `Balance.scope`.
    public var leaf: String { segments.last?.text ?? "" }

    /// Cumulative prefixes root first (`affected_scopes`); the last equals the full path.
    public var affectedScopes: [String] {
        var result: [String] = []
        var current = ""
        for segment in segments {
            current = current.isEmpty ? segment.text : current + "/" + segment.text
            result.append(current)
        }
        return result
    }

    /// The value of `level`, if the path has that level.
    public func value(at level: ScopeLevel) -> String? { segments.first { $0.level == level }?.value }
}
