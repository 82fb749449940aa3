import CyclesProtocol
import GRDB

/// The one opaque keyset cursor of every list (reservations, balances, admin tenants, API keys, audit log): the sort key of the last row a page returned, plus a fingerprint of the query that
/// produced it, so reusing it under different filters or sort is detected (400) instead of silently skipping rows.
///
/// The spec says the cursor encodes the sort key; an offset would not keep its place when data changes (a row
/// created between pages would repeat, a row leaving an ACTIVE filter would make the next page skip one). The next
/// page starts strictly after (sort value, tie-break id) of the last row, whatever happened in between.
struct PageCursor: Equatable {
    /// A sort value: integer columns compare as integers, text columns as text.
    enum Value: Equatable {
        case integer(Int64)
        case text(String)
    }

    var fingerprint: String
    /// The last row's sort value.
    var sortValue: Value
    /// The last row's tie-break key (reservation id; for balances the unit, tenants the tenant id, API keys the key
    /// id, audit entries their row number).
    var tieBreak: String

    /// `c2.<fingerprint>.<i<int>|t<hex>>.<hex tie-break>`; text is hex-encoded so no value can contain the `.`.
    var encoded: String {
        let value =
            switch sortValue {
            case .integer(let number): "i\(number)"
            case .text(let text): "t" + RandomIdentifier.hexString(Array(text.utf8))
            }
        return "c2.\(fingerprint).\(value).\(RandomIdentifier.hexString(Array(tieBreak.utf8)))"
    }

    /// Parses a cursor and checks it belongs to `fingerprint`; `nil` for the first page.
    static func decode(_ text: String?, fingerprint: String) throws -> PageCursor? {
        guard let text, !text.isEmpty else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "c2", let value = parts[2].first,
            let tieBreak = Self.unhex(parts[3])
        else { throw LedgerError.invalid("cursor is malformed") }
        let sortValue: Value
        switch value {
        case "i":
            guard let number = Int64(parts[2].dropFirst()) else { throw LedgerError.invalid("cursor is malformed") }
            sortValue = .integer(number)
        case "t":
            guard let text = Self.unhex(parts[2].dropFirst()) else { throw LedgerError.invalid("cursor is malformed") }
            sortValue = .text(text)
        default:
            throw LedgerError.invalid("cursor is malformed")
        }
        guard parts[1] == fingerprint else {
            throw LedgerError.invalid("cursor does not belong to this query (filters, windows or sort changed)")
        }
        return PageCursor(fingerprint: fingerprint, sortValue: sortValue, tieBreak: tieBreak)
    }

    /// The SQL condition "strictly after this cursor" for rows ordered by `sortExpression` then `tieBreakExpression`,
    /// both ascending or both descending. The expressions must never be NULL (wrap nullable columns in `coalesce`);
    /// an integer tie-break (a rowid) is compared as an integer, so a cursor whose tie-break is not one is malformed.
    func keysetCondition(
        sortExpression: String, tieBreakExpression: String, descending: Bool, integerTieBreak: Bool = false
    ) throws -> (sql: String, arguments: [DatabaseValue]) {
        let comparison = descending ? "<" : ">"
        let sort: DatabaseValue =
            switch sortValue {
            case .integer(let number): number.databaseValue
            case .text(let text): text.databaseValue
            }
        let tie: DatabaseValue
        if integerTieBreak {
            guard let number = Int64(tieBreak) else { throw LedgerError.invalid("cursor is malformed") }
            tie = number.databaseValue
        } else {
            tie = tieBreak.databaseValue
        }
        return (
            "(\(sortExpression) \(comparison) ? OR (\(sortExpression) = ? AND \(tieBreakExpression) \(comparison) ?))",
            [sort, sort, tie]
        )
    }

    static func fingerprint(_ value: some Encodable) throws -> String {
        String(try Ledger.requestHash(value).prefix(16))
    }

    private static func unhex(_ text: Substring) -> String? {
        guard text.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = nibble(high), let l = nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
