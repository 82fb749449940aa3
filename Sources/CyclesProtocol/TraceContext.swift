/// W3C `traceparent` parsing and the spec's trace-id precedence (`protocol.md` §4).
public enum TraceContext {
    /// The trace id from a valid version-00 `traceparent`, or `nil` when it is malformed or all-zero.
    public static func traceID(fromTraceparent header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.trimmingSpaces().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", isLowerHex(parts[1], count: 32), isLowerHex(parts[2], count: 16),
            isLowerHex(parts[3], count: 2), !isAllZero(parts[1]), !isAllZero(parts[2])
        else { return nil }
        return String(parts[1])
    }

    /// The header value when it is 32 lowercase hex digits and not all zero.
    public static func validTraceID(_ header: String?) -> String? {
        guard let header else { return nil }
        let value = header.trimmingSpaces()
        guard isLowerHex(Substring(value), count: 32), !isAllZero(Substring(value)) else { return nil }
        return value
    }

    /// The effective trace id: `traceparent`, else `X-Cycles-Trace-Id`, else a fresh random id.
    public static func resolve(traceparent: String?, traceIDHeader: String?) -> String {
        traceID(fromTraceparent: traceparent) ?? validTraceID(traceIDHeader) ?? RandomIdentifier.hex(byteCount: 16)
    }

    /// A `traceparent` header for `traceID` with a fresh span id and `flags` (sampled by default).
    public static func makeTraceparent(traceID: String, flags: String = "01") -> String {
        "00-\(traceID)-\(RandomIdentifier.hex(byteCount: 8))-\(flags)"
    }

    static func isLowerHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func isAllZero(_ text: Substring) -> Bool { text.utf8.allSatisfy { $0 == 48 } }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
