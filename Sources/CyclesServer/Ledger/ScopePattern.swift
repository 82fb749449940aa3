import CyclesProtocol

/// A policy's `scope_pattern`, parsed once and matched against a request's scope path.
///
/// The spec gives the grammar by example only (`tenant:acme-corp` exact, `tenant:acme-corp/*` all descendants,
/// `agent:*` all agents, `*/agent:summarizer` an agent anywhere). Read here as:
/// - segments are `level:value` (a canonical level, levels in canonical order), `level:*` (any value of that
///   level), or a bare `*`;
/// - a trailing bare `*` stands for one or more further segments (descendants, not the scope itself);
/// - a pattern that does not start with `tenant:` is anchored at the end only, as if it began with a bare `*`
///   (zero or more leading segments): `agent:*` matches every scope whose last segment is an agent;
/// - values compare lowercased, as scope paths are (`protocol.md` §16.5).
///
/// A pattern is matched against the reservation's `scope_path` (its deepest scope), so `tenant:acme` governs
/// reservations made at the tenant level and `tenant:acme/*` every reservation below it. A policy only ever
/// applies to its own tenant's requests, so `agent:*` means "every agent of the owning tenant"; a pattern naming
/// another tenant is refused when the policy is written.
struct ScopePattern: Sendable, Hashable {
    enum Element: Sendable, Hashable {
        /// `level:value`.
        case exact(ScopeLevel, String)
        /// `level:*`.
        case anyValue(ScopeLevel)
    }

    /// Whether the pattern may be preceded by any number of segments (it did not start with `tenant:`).
    var floatingStart: Bool
    /// The fixed segments.
    var elements: [Element]
    /// Whether a trailing bare `*` asks for at least one further segment.
    var descendants: Bool

    /// The tenant the pattern names (`tenant:<id>`), if any.
    var tenant: String? {
        guard case .exact(.tenant, let id) = elements.first else { return nil }
        return id
    }

    /// Parses a pattern; the error message names `scope_pattern` and says what is wrong.
    init(parsing text: String) throws(LedgerError) {
        func invalid(_ why: String) -> LedgerError { .invalid("scope_pattern: \(why)") }
        guard !text.isEmpty, text.schemaLength <= 512 else { throw invalid("must be 1-512 characters") }
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        floatingStart = false
        descendants = false
        if parts.first == "*" {
            floatingStart = true
            parts.removeFirst()
        }
        if parts.last == "*" {
            descendants = true
            parts.removeLast()
        }
        guard !parts.isEmpty else { throw invalid("must name at least one level:value segment") }
        if let first = parts.first, !first.hasPrefix("tenant:") { floatingStart = true }
        var parsed: [Element] = []
        var previous: ScopeLevel?
        for part in parts {
            guard let colon = part.firstIndex(of: ":"), let level = ScopeLevel(rawValue: String(part[..<colon])) else {
                if part == "*" { throw invalid("a bare * may only start or end the pattern") }
                throw invalid(
                    "segment '\(part)' must be level:value with a level of \(ScopeLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let value = String(part[part.index(after: colon)...])
            guard !value.isEmpty, value.schemaLength <= 128, !value.contains("/") else {
                throw invalid("segment '\(part)' needs a value of 1-128 characters")
            }
            if let previous, !(previous < level) { throw invalid("levels must follow the canonical order without repeats") }
            previous = level
            if value == "*" {
                parsed.append(.anyValue(level))
            } else {
                guard !value.contains("*") else { throw invalid("* must stand for a whole value, as in \(level.rawValue):*") }
                parsed.append(.exact(level, value.lowercased()))
            }
        }
        elements = parsed
    }

    /// Whether the pattern governs `path`.
    func matches(_ path: ScopePath) -> Bool {
        let segments = path.segments
        let fixed = elements.count
        if descendants {
            // The fixed part, then at least one more segment.
            if floatingStart {
                // Any start position whose fixed part is followed by at least one segment.
                guard segments.count > fixed else { return false }
                for start in 0...(segments.count - fixed - 1) where matches(segments, from: start) { return true }
                return false
            }
            return segments.count > fixed && matches(segments, from: 0)
        }
        if floatingStart {
            return segments.count >= fixed && matches(segments, from: segments.count - fixed)
        }
        return segments.count == fixed && matches(segments, from: 0)
    }

    private func matches(_ segments: [ScopePath.Segment], from start: Int) -> Bool {
        for (offset, element) in elements.enumerated() {
            let segment = segments[start + offset]
            switch element {
            case .exact(let level, let value):
                guard segment.level == level, segment.value == value else { return false }
            case .anyValue(let level):
                guard segment.level == level else { return false }
            }
        }
        return true
    }
}
