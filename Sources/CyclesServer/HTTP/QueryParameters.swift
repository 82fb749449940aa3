import CyclesProtocol
import Hummingbird

import Foundation

/// Typed access to a request's query string, strict about values:
/// - names and values are decoded as `application/x-www-form-urlencoded` (`+` is a space, then `%XX`), as form
///   encoding and the reference server do; a value that is not valid percent-encoding is a 400 naming it;
/// - a blank value of a typed parameter (`include_children=`, `limit=`, `status=`, `sort_by=`, `sort_dir=`,
///   `idempotency_key=`) is a 400 naming it, because "" is not a boolean, integer, enum member or 1..256-character
///   key;
/// - the six window bounds (`from`, `to`, `expires_from`, …) are the exception the spec makes by name: "Blank-string
///   values for any window bound MUST be treated as unset (NORMATIVE) … Servers MUST NOT 400 on empty-string
///   values" (listReservations, TIME-RANGE FILTERS), so a blank bound counts as absent;
/// - untyped string filters (`tenant`, `workspace`, …, `cursor`) treat a blank value as absent, as before.
struct QueryParameters {
    /// The decoded values by name; a repeated name keeps its last value.
    let values: [String: String]

    /// The window bounds the spec lets a client leave blank.
    static let windowBounds: Set<String> = ["from", "to", "expires_from", "expires_to", "finalized_from", "finalized_to"]

    init(_ request: Request) throws {
        try self.init(query: request.uri.query)
    }

    init(query: String?) throws {
        var values: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.formDecode(parts[0], what: "query parameter name")
            values[name] = try Self.formDecode(parts.count > 1 ? parts[1] : "", what: "query parameter \(name)")
        }
        self.values = values
    }

    private static func formDecode(_ text: Substring, what: String) throws -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw LedgerError.invalid("\(what) is not valid percent-encoding")
        }
        return decoded
    }

    /// A string filter; blank counts as absent.
    subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// The raw value of a typed parameter: `nil` when absent, a 400 naming it when present but blank.
    func typed(_ name: String, expecting: String) throws -> String? {
        guard let value = values[name] else { return nil }
        guard !value.isEmpty else { throw LedgerError.invalid("\(name) must be \(expecting); it is present but empty") }
        return value
    }

    /// The page size: `defaultLimit` when absent, a 400 when blank, not an integer or outside `range` (runtime lists
    /// allow 1–200, the admin plane's 1–100).
    func limit(in range: ClosedRange<Int> = ProtocolLimits.pageLimit, default defaultLimit: Int = ProtocolLimits.defaultPageLimit)
        throws -> Int
    {
        let expecting = "an integer between \(range.lowerBound) and \(range.upperBound)"
        guard let text = try typed("limit", expecting: expecting) else { return defaultLimit }
        guard let limit = Int(text), range.contains(limit) else { throw LedgerError.invalid("limit must be \(expecting)") }
        return limit
    }

    func bool(_ name: String) throws -> Bool {
        guard let text = try typed(name, expecting: "true or false") else { return false }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw LedgerError.invalid("\(name) must be true or false")
        }
    }

    /// An RFC 3339 date-time (fractional seconds allowed) as epoch ms; blank counts as absent (see the type's note).
    /// A bare number is refused: the spec declares these bounds `format: date-time`, not epoch milliseconds.
    func instant(_ name: String) throws -> Int64? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard let epochMs = RFC3339.epochMs(text) else {
            throw LedgerError.invalid(
                "\(name) must be an RFC 3339 date-time such as 2026-01-15T08:00:00Z (got '\(text)')")
        }
        return epochMs
    }

    func balanceFilter() throws -> BalanceFilter {
        BalanceFilter(
            tenant: self["tenant"], workspace: self["workspace"], app: self["app"],
            workflow: self["workflow"], agent: self["agent"], toolset: self["toolset"],
            includeChildren: try bool("include_children"), limit: try limit(), cursor: self["cursor"])
    }

    func reservationFilter() throws -> ReservationFilter {
        var query = ReservationFilter(
            tenant: self["tenant"],
            idempotencyKey: try typed("idempotency_key", expecting: "1 to 256 characters"),
            workspace: self["workspace"], app: self["app"], workflow: self["workflow"], agent: self["agent"],
            toolset: self["toolset"],
            createdFromMs: try instant("from"), createdToMs: try instant("to"),
            expiresFromMs: try instant("expires_from"), expiresToMs: try instant("expires_to"),
            finalizedFromMs: try instant("finalized_from"), finalizedToMs: try instant("finalized_to"),
            limit: try limit(), cursor: self["cursor"])
        if let status = try typed("status", expecting: "one of ACTIVE, COMMITTED, RELEASED, EXPIRED") {
            let parsed = ReservationStatus(rawValue: status)
            guard parsed.isKnown else {
                throw LedgerError.invalid("status must be one of ACTIVE, COMMITTED, RELEASED, EXPIRED")
            }
            query.status = parsed
        }
        if let sortBy = try typed("sort_by", expecting: "a sort field") {
            guard let field = ReservationFilter.SortField(rawValue: sortBy) else {
                throw LedgerError.invalid(
                    "sort_by must be one of \(ReservationFilter.SortField.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            query.sortBy = field
        }
        if let direction = try typed("sort_dir", expecting: "asc or desc") {
            guard direction == "asc" || direction == "desc" else {
                throw LedgerError.invalid("sort_dir must be asc or desc")
            }
            query.ascending = direction == "asc"
        }
        if let include = self["include"] {
            // Projection only: unknown or empty tokens and whitespace are ignored.
            query.include = Set(
                include.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        return query
    }
}
