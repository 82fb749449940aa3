public import CyclesProtocol
import GRDB

import Foundation

/// The admin audit log (`GET /v1/admin/audit/logs`), callable without HTTP.
///
/// **Writing an entry.** Every admin mutation calls `recordAudit(_:_:)` inside its own `write` transaction, after
/// every check that can fail, as the last statement before it returns. The entry then commits or rolls back with the
/// change it describes: a rejected or rolled-back mutation leaves no success entry. (Calling it last matters: the
/// write batcher keeps what a job wrote before it threw a `LedgerError`.) A request that fails gets one failure
/// entry instead, written by the HTTP layer (`recordFailedRequest`) in a transaction of its own.
///
/// ```swift
/// try await write { db in
///     // … checks, then the change …
///     try self.recordAudit(db, AuditRecord(
///         operation: "createBudget", tenantID: tenantID, resourceType: "budget", resourceID: scope, status: 201,
///         actor: principal == .admin ? .adminOnBehalfOf : .apiKey(keyID)))
/// }
/// ```
extension Ledger {
    /// Filters, sort and page position of `listAuditLogs`.
    public struct AuditQuery: Sendable, Hashable, Encodable {
        /// Exact tenant id, or a sentinel (`__admin__`, `__unauth__`).
        public var tenantID: String?
        /// Exact key id.
        public var keyID: String?
        /// Any of these operations (at most 25).
        public var operations: [String]?
        /// Exact HTTP status (not with `statusMin`/`statusMax`).
        public var status: Int?
        /// Any of these resource types (at most 25).
        public var resourceTypes: [String]?
        /// Exact resource id.
        public var resourceID: String?
        /// Any of these error codes (at most 25); success entries never match.
        public var errorCodes: [String]?
        /// None of these error codes (at most 25); success entries always pass.
        public var excludedErrorCodes: [String]?
        /// Inclusive lower bound on the status (100–599).
        public var statusMin: Int?
        /// Inclusive upper bound on the status (100–599).
        public var statusMax: Int?
        /// Inclusive lower bound on the time (epoch ms).
        public var fromMs: Int64?
        /// Inclusive upper bound on the time (epoch ms).
        public var toMs: Int64?
        /// Case-insensitive substring of resource_id, log_id, error_code or operation (at most 128 characters).
        public var search: String?
        /// Exact trace id.
        public var traceID: String?
        /// Exact request id.
        public var requestID: String?
        /// `timestamp` (default), `operation`, `resource_type`, `tenant_id`, `key_id` or `status`.
        public var sortBy: String
        /// `asc` or `desc` (default).
        public var sortDirection: String
        /// 1–100 (default 50).
        public var limit: Int
        /// From a previous page's `next_cursor`.
        public var cursor: String?

        /// Creates a query with the spec's defaults.
        public init(
            tenantID: String? = nil, keyID: String? = nil, operations: [String]? = nil, status: Int? = nil,
            resourceTypes: [String]? = nil, resourceID: String? = nil, errorCodes: [String]? = nil,
            excludedErrorCodes: [String]? = nil, statusMin: Int? = nil, statusMax: Int? = nil, fromMs: Int64? = nil,
            toMs: Int64? = nil, search: String? = nil, traceID: String? = nil, requestID: String? = nil,
            sortBy: String = "timestamp", sortDirection: String = "desc", limit: Int = 50, cursor: String? = nil
        ) {
            self.tenantID = tenantID
            self.keyID = keyID
            self.operations = operations
            self.status = status
            self.resourceTypes = resourceTypes
            self.resourceID = resourceID
            self.errorCodes = errorCodes
            self.excludedErrorCodes = excludedErrorCodes
            self.statusMin = statusMin
            self.statusMax = statusMax
            self.fromMs = fromMs
            self.toMs = toMs
            self.search = search
            self.traceID = traceID
            self.requestID = requestID
            self.sortBy = sortBy
            self.sortDirection = sortDirection
            self.limit = limit
            self.cursor = cursor
        }
    }

    /// The sort keys of the audit list and their SQL (never NULL, as keyset comparison needs).
    static let auditSortColumns: [String: (sql: String, numeric: Bool)] = [
        "timestamp": ("at_ms", true), "operation": ("operation", false),
        "resource_type": ("coalesce(resource_type, '')", false), "tenant_id": ("tenant_id", false),
        "key_id": ("coalesce(key_id, '')", false), "status": ("status", true),
    ]

    /// Writes one audit entry inside the caller's write transaction (see the extension's note: call it last).
    /// The time is the tenant's namespace clock; `request_id`, `trace_id` and `user_agent` come from the request
    /// the work runs for (`RequestCorrelation.current`, absent outside HTTP).
    func recordAudit(_ db: Database, _ record: AuditRecord) throws {
        let correlation = RequestCorrelation.current
        let namespace = tenantRecord(record.tenantID)?.namespace ?? Self.defaultNamespace
        var metadata = record.metadata
        metadata["actor_type"] = .string(record.actor.type)
        try db.execute(
            sql: """
                INSERT INTO audit_log (log_id, at_ms, tenant_id, key_id, user_agent, operation, resource_type,
                  resource_id, request_id, trace_id, status, error_code, actor_type, subject_json, action_json,
                  amount_json, metadata_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                "log_" + ids.hex128(), now(namespace: namespace), record.tenantID, record.actor.keyID,
                correlation?.userAgent, record.operation, record.resourceType, record.resourceID,
                correlation?.requestID, correlation?.traceID, record.status, record.errorCode, record.actor.type,
                try Self.encodeJSON(record.subject), try Self.encodeJSON(record.action),
                try Self.encodeJSON(record.amount), try Self.encodeJSON(metadata),
            ])
    }

    /// The failure entry of an admin-plane request that was refused (4xx) or failed (5xx): operation
    /// `METHOD:/path`, the error's status and code, tenant `__admin__` when the admin key was valid, else
    /// `__unauth__`. Its own transaction, after the failed one has ended; never throws (an audit write must not
    /// replace the error the caller is owed).
    public func recordFailedRequest(
        method: String, path: String, status: Int, errorCode: String, message: String, authenticatedAsAdmin: Bool
    ) async {
        let record = AuditRecord(
            operation: "\(method):\(path)",
            tenantID: authenticatedAsAdmin ? AuditLogEntry.adminTenant : AuditLogEntry.unauthenticatedTenant,
            resourceType: nil, resourceID: nil, status: status,
            actor: authenticatedAsAdmin ? .admin : AuditActor(type: "unauthenticated"),
            // Messages are the server's own text; capped so no request can grow a row without bound.
            metadata: ["method": .string(method), "path": .string(path), "error_message": .string(String(message.prefix(1024)))],
            errorCode: errorCode)
        _ = try? await write { db in try self.recordAudit(db, record) }
    }

    /// `GET /v1/admin/audit/logs`: filtered, sorted, keyset-paginated on (sort key, insertion order).
    public func listAuditLogs(_ query: AuditQuery) async throws -> AuditLogListResponse {
        guard let sort = Self.auditSortColumns[query.sortBy] else {
            throw LedgerError.invalid("sort_by must be one of timestamp, operation, resource_type, tenant_id, key_id, status")
        }
        guard ["asc", "desc"].contains(query.sortDirection) else { throw LedgerError.invalid("sort_dir must be asc or desc") }
        guard (1...100).contains(query.limit) else { throw LedgerError.invalid("limit must be an integer between 1 and 100") }
        for (name, list) in [
            ("operation", query.operations), ("resource_type", query.resourceTypes), ("error_code", query.errorCodes),
            ("error_code_exclude", query.excludedErrorCodes),
        ] where (list?.count ?? 0) > 25 {
            throw LedgerError.invalid("\(name) must list at most 25 values")
        }
        if query.status != nil, query.statusMin != nil || query.statusMax != nil {
            throw LedgerError.invalid("status cannot be combined with status_min or status_max")
        }
        for (name, bound) in [("status_min", query.statusMin), ("status_max", query.statusMax)] {
            if let bound, !(100...599).contains(bound) { throw LedgerError.invalid("\(name) must be between 100 and 599") }
        }
        if let low = query.statusMin, let high = query.statusMax, low > high {
            throw LedgerError.invalid("status_min must not be greater than status_max")
        }
        if let from = query.fromMs, let to = query.toMs, from > to {
            throw LedgerError.invalid("from must not be after to")
        }
        if let search = query.search, search.schemaLength > 128 { throw LedgerError.invalid("search must be at most 128 characters") }

        var binding = query
        binding.limit = 0
        binding.cursor = nil
        let fingerprint = try PageCursor.fingerprint(binding)
        let after = try PageCursor.decode(query.cursor, fingerprint: fingerprint)

        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        func add(_ condition: String, _ values: [any DatabaseValueConvertible]) {
            conditions.append(condition)
            arguments += values.map(\.databaseValue)
        }
        func addList(_ column: String, _ values: [String]?, negated: Bool = false) {
            guard let values, !values.isEmpty else { return }
            let marks = Array(repeating: "?", count: values.count).joined(separator: ", ")
            if negated {
                add("(\(column) IS NULL OR \(column) NOT IN (\(marks)))", values)
            } else {
                add("\(column) IN (\(marks))", values)
            }
        }
        if let value = query.tenantID { add("tenant_id = ?", [value]) }
        if let value = query.keyID { add("key_id = ?", [value]) }
        addList("operation", query.operations)
        if let value = query.status { add("status = ?", [value]) }
        addList("resource_type", query.resourceTypes)
        if let value = query.resourceID { add("resource_id = ?", [value]) }
        addList("error_code", query.errorCodes)
        addList("error_code", query.excludedErrorCodes, negated: true)
        if let value = query.statusMin { add("status >= ?", [value]) }
        if let value = query.statusMax { add("status <= ?", [value]) }
        if let value = query.fromMs { add("at_ms >= ?", [value]) }
        if let value = query.toMs { add("at_ms <= ?", [value]) }
        if let search = query.search, !search.isEmpty {
            let needle = search.lowercased()
            add(
                """
                (instr(lower(coalesce(resource_id, '')), ?) > 0 OR instr(lower(log_id), ?) > 0
                  OR instr(lower(coalesce(error_code, '')), ?) > 0 OR instr(lower(operation), ?) > 0)
                """, [needle, needle, needle, needle])
        }
        if let value = query.traceID { add("trace_id = ?", [value]) }
        if let value = query.requestID { add("request_id = ?", [value]) }
        let descending = query.sortDirection == "desc"
        if let after {
            let keyset = try after.keysetCondition(
                sortExpression: sort.sql, tieBreakExpression: "id", descending: descending, integerTieBreak: true)
            add(keyset.sql, keyset.arguments)
        }
        let direction = descending ? "DESC" : "ASC"
        let sql = """
            SELECT *, \(sort.sql) AS sort_value FROM audit_log\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            ORDER BY sort_value \(direction), id \(direction) LIMIT \(query.limit + 1)
            """
        let values = arguments
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
                let sortValue: PageCursor.Value =
                    sort.numeric ? .integer(row["sort_value"]) : .text(row["sort_value"])
                return (entry: Self.auditEntry(row: row), sortValue: sortValue, id: row["id"] as Int64)
            }
        }
        let page = rows.prefix(query.limit)
        let hasMore = rows.count > query.limit
        let nextCursor = hasMore
            ? page.last.map { PageCursor(fingerprint: fingerprint, sortValue: $0.sortValue, tieBreak: String($0.id)).encoded }
            : nil
        return AuditLogListResponse(logs: page.map(\.entry), nextCursor: nextCursor, hasMore: hasMore)
    }

    static func auditEntry(row: Row) -> AuditLogEntry {
        func json(_ column: String) -> JSONValue? {
            (row[column] as String?).flatMap { try? CyclesJSON.decode(JSONValue.self, from: Data($0.utf8)) }
        }
        var metadata: [String: JSONValue]?
        if case .object(let members) = json("metadata_json") { metadata = members }
        return AuditLogEntry(
            logID: row["log_id"], timestamp: RFC3339.string(row["at_ms"]), tenantID: row["tenant_id"],
            keyID: row["key_id"], userAgent: row["user_agent"], sourceIP: row["source_ip"], operation: row["operation"],
            resourceType: row["resource_type"], resourceID: row["resource_id"],
            requestID: row["request_id"], traceID: row["trace_id"], status: row["status"], errorCode: row["error_code"],
            subject: json("subject_json"), action: json("action_json"), amount: json("amount_json"), metadata: metadata)
    }
}
