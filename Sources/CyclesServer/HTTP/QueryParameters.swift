import CyclesProtocol
import Hummingbird

import Foundation

/// Typed access to a request's query string. A blank value (`?from=`) counts as absent, as the spec requires.
struct QueryParameters {
    let values: [String: String]

    init(_ request: Request) {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where !value.isEmpty {
            values[String(key)] = String(value)
        }
        self.values = values
    }

    subscript(name: String) -> String? { values[name] }

    func limit() throws -> Int {
        guard let text = values["limit"] else { return ProtocolLimits.defaultPageLimit }
        guard let limit = Int(text), ProtocolLimits.pageLimit.contains(limit) else {
            throw LedgerError.invalid("limit must be an integer between 1 and 200")
        }
        return limit
    }

    func bool(_ name: String) throws -> Bool {
        guard let text = values[name] else { return false }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw LedgerError.invalid("\(name) must be true or false")
        }
    }

    /// An RFC 3339 date-time (fractional seconds allowed), or epoch milliseconds, as epoch ms.
    func instant(_ name: String) throws -> Int64? {
        guard let text = values[name] else { return nil }
        if let milliseconds = Int64(text) { return milliseconds }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var date = formatter.date(from: text)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime]
            date = formatter.date(from: text)
        }
        guard let date else { throw LedgerError.invalid("\(name) must be an RFC 3339 date-time") }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    func balanceFilter() throws -> BalanceFilter {
        BalanceFilter(
            tenant: values["tenant"], workspace: values["workspace"], app: values["app"],
            workflow: values["workflow"], agent: values["agent"], toolset: values["toolset"],
            includeChildren: try bool("include_children"), limit: try limit(), cursor: values["cursor"])
    }

    func reservationFilter() throws -> ReservationFilter {
        var query = ReservationFilter(
            tenant: values["tenant"], idempotencyKey: values["idempotency_key"], workspace: values["workspace"],
            app: values["app"], workflow: values["workflow"], agent: values["agent"], toolset: values["toolset"],
            createdFromMs: try instant("from"), createdToMs: try instant("to"),
            expiresFromMs: try instant("expires_from"), expiresToMs: try instant("expires_to"),
            finalizedFromMs: try instant("finalized_from"), finalizedToMs: try instant("finalized_to"),
            limit: try limit(), cursor: values["cursor"])
        if let status = values["status"] {
            let parsed = ReservationStatus(rawValue: status)
            guard parsed.isKnown else {
                throw LedgerError.invalid("status must be one of ACTIVE, COMMITTED, RELEASED, EXPIRED")
            }
            query.status = parsed
        }
        if let sortBy = values["sort_by"] {
            guard let field = ReservationFilter.SortField(rawValue: sortBy) else {
                throw LedgerError.invalid(
                    "sort_by must be one of \(ReservationFilter.SortField.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            query.sortBy = field
        }
        if let direction = values["sort_dir"] {
            guard direction == "asc" || direction == "desc" else {
                throw LedgerError.invalid("sort_dir must be asc or desc")
            }
            query.ascending = direction == "asc"
        }
        if let include = values["include"] {
            // Projection only: unknown or empty tokens and whitespace are ignored.
            query.include = Set(
                include.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        return query
    }
}
