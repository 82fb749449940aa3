import CyclesProtocol

/// An opaque page cursor: an offset bound to a fingerprint of the query that produced it, so reusing it under
/// different filters or sort is detected (400) instead of silently skipping rows.
struct PageCursor {
    var fingerprint: String
    var offset: Int

    init(fingerprint: String, offset: Int) {
        self.fingerprint = fingerprint
        self.offset = offset
    }

    /// `c1.<fingerprint>.<offset>`.
    var encoded: String { "c1.\(fingerprint).\(offset)" }

    /// Parses a cursor and checks it belongs to `fingerprint`.
    static func decode(_ text: String?, fingerprint: String) throws -> Int {
        guard let text, !text.isEmpty else { return 0 }
        let parts = text.split(separator: ".")
        guard parts.count == 3, parts[0] == "c1", let offset = Int(parts[2]), offset >= 0 else {
            throw LedgerError.invalid("cursor is malformed")
        }
        guard parts[1] == fingerprint else {
            throw LedgerError.invalid("cursor does not belong to this query (filters, windows or sort changed)")
        }
        return offset
    }

    static func fingerprint(_ value: some Encodable) throws -> String {
        String(try Ledger.requestHash(value).prefix(16))
    }
}
