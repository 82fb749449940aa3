/// The IDs an implementation is known to fail (as s3-tests' `fails_on_*` markers): listed failures are reported
/// as `expected-fail` and do not fail the run; a listed check that passes is flagged so the list can shrink.
///
/// File format: one check ID per line; `#` starts a comment (use it for the reason); blank lines are ignored.
public struct ExpectedFailures: Sendable, Hashable {
    /// The listed IDs with their comments.
    public var reasons: [String: String]

    /// An empty list.
    public init() { reasons = [:] }

    /// Parses the file format; IDs not in `knownIDs` (when given) are reported in `unknownIDs`.
    public init(parsing text: String) {
        var reasons: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let parts = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let id = parts[0].trimmed(of: " \t")
            guard !id.isEmpty else { continue }
            let comment = parts.count > 1 ? parts[1].trimmed(of: " \t") : ""
            reasons[id] = comment
        }
        self.reasons = reasons
    }

    /// Whether `id` is listed.
    public func contains(_ id: String) -> Bool { reasons[id] != nil }

    /// Listed IDs that are not in `catalogue`.
    public func unknownIDs(in catalogue: [CheckDescriptor]) -> [String] {
        let known = Set(catalogue.map(\.id))
        return reasons.keys.filter { !known.contains($0) }.sorted()
    }
}

extension Substring {
    func trimmed(of set: String) -> String {
        var slice = self
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
