public import CyclesProtocol
import GRDB

import Foundation

/// The protocol event stream (the spec's `Event`, listed by `GET /v1/admin/events` and `GET /v1/events`). Not to be
/// confused with `POST /v1/events` charges (`Ledger+Events.swift`, table `event`).
///
/// Every event is appended by `appendEvent` **inside the write transaction of the change that caused it**, so a change
/// that rolls back never emits and a committed change always has its events. Operations on other branches of the
/// admin plane (budget funding, freeze/unfreeze, close; policies) emit through the same function:
/// `budget.funded` … `budget.closed` with an `EventDataBudgetLifecycle` payload, `policy.*` with `EventDataPolicy`,
/// passing the operation's `EventContext` (read with `EventContext.currentOrInternal()` before `write`).
extension Ledger {
    /// The `source` of every event this server emits.
    static let eventSource = "cycles-server"

    /// Appends one event in the caller's transaction, with its deliveries to every matching ACTIVE subscription
    /// (the outbox). `data` is one of the `EventData…` payloads; `correlationID` defaults to the request id (else the
    /// operation's trace id).
    func appendEvent(
        _ db: Database, _ type: EventType, tenantID: String, scope: String? = nil, actor: ProtocolEvent.Actor,
        data: some Encodable, correlationID: String? = nil, context: EventContext, now: Int64,
        notDeliveredTo excludedSubscription: String? = nil
    ) throws {
        let payload = try CyclesJSON.decode([String: JSONValue].self, from: CyclesJSON.encode(data))
        // Event ids are random even under `deterministicIDSeed`: drawing them from the seeded generator would shift
        // every reservation id a seeded run produces after the first event.
        let event = ProtocolEvent(
            eventID: "evt_" + RandomIdentifier.hex(byteCount: 16), eventType: type, timestamp: RFC3339.string(now),
            tenantID: tenantID, scope: scope, actor: actor, source: Self.eventSource, data: payload,
            correlationID: correlationID ?? context.defaultCorrelationID, requestID: context.requestID,
            traceID: context.traceID)
        try db.cachedStatement(
            sql: """
                INSERT INTO event_log (event_id, event_type, category, tenant_id, scope, timestamp_ms, correlation_id,
                  request_id, trace_id, trace_flags, traceparent_inbound_valid, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            event.eventID, type.rawValue, event.category.rawValue, tenantID, scope, now, event.correlationID,
            context.requestID, context.traceID, context.traceFlags, context.traceparentInboundValid,
            String(decoding: try CyclesJSON.encode(event), as: UTF8.self),
        ])
        try enqueueDeliveries(db, event, context: context, now: now, excluding: excludedSubscription)
        signalEventStreamChangeOnCommit(db)
    }

    // MARK: - Budget transitions

    /// The utilization thresholds `budget.threshold_crossed` fires at: the spec's default
    /// (`WebhookThresholdConfig.budget_utilization`). Per-subscription thresholds are a delivery filter on top.
    static let utilizationThresholds: [Double] = [0.80, 0.95, 1.0]

    /// Appends the runtime budget events a change from `before` to `after` (same rows, same order) causes:
    /// `budget.threshold_crossed` (each threshold crossed, rising or falling), `budget.exhausted` (remaining went from
    /// positive to zero or below), `budget.over_limit_entered` / `_exited` (the flag flipped) and
    /// `budget.debt_incurred` (debt grew). A change that crosses nothing costs a few comparisons and writes nothing,
    /// which keeps the successful reserve path as fast as before.
    func appendBudgetTransitions(
        _ db: Database, before: [BudgetRecord], after: [BudgetRecord], reservationID: String? = nil,
        policy: CommitOveragePolicy? = nil, actor: ProtocolEvent.Actor, context: EventContext?, now: Int64
    ) throws {
        // Resolved only when something is emitted, so a change that crosses nothing makes no trace id.
        var resolved = context
        func eventContext() -> EventContext {
            if let resolved { return resolved }
            let made = EventContext.currentOrInternal()
            resolved = made
            return made
        }
        for (old, new) in zip(before, after) {
            let oldUsed = Self.utilization(old)
            let newUsed = Self.utilization(new)
            let exhausted = old.remaining > 0 && new.remaining <= 0
            let crossed = Self.utilizationThresholds.filter { threshold in
                guard let oldUsed, let newUsed else { return false }
                return (oldUsed < threshold && newUsed >= threshold) || (oldUsed >= threshold && newUsed < threshold)
            }
            guard exhausted || !crossed.isEmpty || old.isOverLimit != new.isOverLimit || new.debt > old.debt else {
                continue
            }
            let context = eventContext()
            func threshold(_ value: Double?, direction: String?) -> EventDataBudgetThreshold {
                EventDataBudgetThreshold(
                    scope: new.scopePath, unit: new.unit, threshold: value, utilization: newUsed,
                    allocated: new.allocated, remaining: new.remaining, spent: new.spent, reserved: new.reserved,
                    direction: direction)
            }
            for value in crossed {
                try appendEvent(
                    db, .budgetThresholdCrossed, tenantID: new.tenantID, scope: new.scopePath, actor: actor,
                    data: threshold(value, direction: (newUsed ?? 0) > (oldUsed ?? 0) ? "rising" : "falling"),
                    context: context, now: now)
            }
            if exhausted {
                try appendEvent(
                    db, .budgetExhausted, tenantID: new.tenantID, scope: new.scopePath, actor: actor,
                    data: threshold(nil, direction: "rising"), context: context, now: now)
            }
            if old.isOverLimit != new.isOverLimit {
                try appendEvent(
                    db, new.isOverLimit ? .budgetOverLimitEntered : .budgetOverLimitExited, tenantID: new.tenantID,
                    scope: new.scopePath, actor: actor,
                    data: EventDataBudgetOverLimit(
                        scope: new.scopePath, unit: new.unit, debt: new.debt, overdraftLimit: new.overdraftLimit,
                        isOverLimit: new.isOverLimit,
                        debtUtilization: new.overdraftLimit > 0 ? Double(new.debt) / Double(new.overdraftLimit) : nil),
                    context: context, now: now)
            }
            if new.debt > old.debt {
                try appendEvent(
                    db, .budgetDebtIncurred, tenantID: new.tenantID, scope: new.scopePath, actor: actor,
                    data: EventDataBudgetDebtIncurred(
                        scope: new.scopePath, unit: new.unit, reservationID: reservationID,
                        debtIncurred: new.debt - old.debt, totalDebt: new.debt, overdraftLimit: new.overdraftLimit,
                        overagePolicy: policy),
                    context: context, now: now)
            }
        }
    }

    /// (spent + reserved) / allocated, the spec's utilization; `nil` for a budget with nothing allocated.
    static func utilization(_ budget: BudgetRecord) -> Double? {
        guard budget.allocated > 0 else { return nil }
        return (Double(budget.spent) + Double(budget.reserved)) / Double(budget.allocated)
    }

    // MARK: - Listing

    /// Filters, sort and page position of the event listings.
    public struct EventQuery: Sendable, Hashable, Encodable {
        /// Only this tenant's events (`GET /v1/events` always sets it to the caller's tenant).
        public var tenantID: String?
        /// Only this type.
        public var eventType: EventType?
        /// Only this category.
        public var category: EventCategory?
        /// Only scopes starting with this text.
        public var scope: String?
        /// Exact correlation id.
        public var correlationID: String?
        /// Exact trace id (32 lowercase hex).
        public var traceID: String?
        /// Exact request id.
        public var requestID: String?
        /// At or after this instant (epoch ms).
        public var fromMs: Int64?
        /// At or before this instant (epoch ms).
        public var toMs: Int64?
        /// Case-insensitive substring of the correlation id or scope (at most 128 characters).
        public var search: String?
        /// `timestamp` (default), `event_type`, `category`, `scope` or `tenant_id`.
        public var sortBy: String
        /// `desc` (default) or `asc`.
        public var sortDirection: String
        /// 1–100 (default 50).
        public var limit: Int
        /// From a previous page's `next_cursor`.
        public var cursor: String?
        /// Only the tenant-accessible categories (budget, reservation, tenant), as `GET /v1/events` answers.
        public var tenantAccessibleOnly: Bool

        /// Creates a query with the spec's defaults.
        public init(
            tenantID: String? = nil, eventType: EventType? = nil, category: EventCategory? = nil, scope: String? = nil,
            correlationID: String? = nil, traceID: String? = nil, requestID: String? = nil, fromMs: Int64? = nil,
            toMs: Int64? = nil, search: String? = nil, sortBy: String = "timestamp", sortDirection: String = "desc",
            limit: Int = 50, cursor: String? = nil, tenantAccessibleOnly: Bool = false
        ) {
            self.tenantID = tenantID
            self.eventType = eventType
            self.category = category
            self.scope = scope
            self.correlationID = correlationID
            self.traceID = traceID
            self.requestID = requestID
            self.fromMs = fromMs
            self.toMs = toMs
            self.search = search
            self.sortBy = sortBy
            self.sortDirection = sortDirection
            self.limit = limit
            self.cursor = cursor
            self.tenantAccessibleOnly = tenantAccessibleOnly
        }

        /// Everything but the page position: what a cursor is bound to.
        var fingerprintSource: EventQuery {
            var copy = self
            copy.cursor = nil
            copy.limit = 0
            return copy
        }
    }

    static let eventSortColumns: [String: (column: String, numeric: Bool)] = [
        "timestamp": ("timestamp_ms", true), "event_type": ("event_type", false), "category": ("category", false),
        "scope": ("coalesce(scope, '')", false), "tenant_id": ("tenant_id", false),
    ]

    /// `GET /v1/admin/events` and (with `tenantID` and `tenantAccessibleOnly` set) `GET /v1/events`: filtered,
    /// sorted, keyset-paginated on (sort key, append order).
    public func listEvents(_ query: EventQuery) async throws -> EventListResponse {
        guard let sort = Self.eventSortColumns[query.sortBy] else {
            throw LedgerError.invalid("sort_by must be one of event_type, category, scope, tenant_id, timestamp")
        }
        guard ["asc", "desc"].contains(query.sortDirection) else { throw LedgerError.invalid("sort_dir must be asc or desc") }
        guard (1...100).contains(query.limit) else { throw LedgerError.invalid("limit must be an integer between 1 and 100") }
        if let type = query.eventType, !type.isKnown {
            throw LedgerError.invalid("event_type must be one of the spec's EventType values (got '\(type.rawValue)')")
        }
        if let category = query.category, !category.isKnown {
            throw LedgerError.invalid(
                "category must be one of \(EventCategory.knownValues.map(\.rawValue).joined(separator: ", "))")
        }
        if let traceID = query.traceID, TraceContext.validTraceID(traceID) != traceID {
            throw LedgerError.invalid("trace_id must be 32 lowercase hex characters")
        }
        if let search = query.search, search.schemaLength > 128 {
            throw LedgerError.invalid("search must be at most 128 characters")
        }
        let fingerprint = try PageCursor.fingerprint(query.fingerprintSource)
        let position = try PageCursor.decode(query.cursor, fingerprint: fingerprint)
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        func require(_ condition: String, _ values: (any DatabaseValueConvertible)...) {
            conditions.append(condition)
            arguments += values.map(\.databaseValue)
        }
        if let tenantID = query.tenantID { require("tenant_id = ?", tenantID) }
        if query.tenantAccessibleOnly {
            conditions.append(
                "category IN (\(EventCategory.tenantAccessible.map { "'\($0.rawValue)'" }.joined(separator: ", ")))")
        }
        if let type = query.eventType { require("event_type = ?", type.rawValue) }
        if let category = query.category { require("category = ?", category.rawValue) }
        if let scope = query.scope { require("substr(scope, 1, length(?)) = ?", scope, scope) }
        if let correlationID = query.correlationID { require("correlation_id = ?", correlationID) }
        if let traceID = query.traceID { require("trace_id = ?", traceID) }
        if let requestID = query.requestID { require("request_id = ?", requestID) }
        if let fromMs = query.fromMs { require("timestamp_ms >= ?", fromMs) }
        if let toMs = query.toMs { require("timestamp_ms <= ?", toMs) }
        if let search = query.search, !search.isEmpty {
            let needle = search.lowercased()
            require(
                "(instr(lower(coalesce(correlation_id, '')), ?) > 0 OR instr(lower(coalesce(scope, '')), ?) > 0)",
                needle, needle)
        }
        let descending = query.sortDirection == "desc"
        let comparison = descending ? "<" : ">"
        if let position {
            guard let seq = Int64(position.tieBreak) else { throw LedgerError.invalid("cursor is malformed") }
            let value: any DatabaseValueConvertible
            switch position.sortValue {
            case .integer(let number) where sort.numeric: value = number
            case .text(let text) where !sort.numeric: value = text
            default: throw LedgerError.invalid("cursor is malformed")
            }
            require("(\(sort.column) \(comparison) ? OR (\(sort.column) = ? AND seq \(comparison) ?))", value, value, seq)
        }
        let direction = descending ? "DESC" : "ASC"
        let sql = """
            SELECT seq, body, \(sort.column) AS sort_value FROM event_log\
            \(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            ORDER BY sort_value \(direction), seq \(direction) LIMIT \(query.limit + 1)
            """
        let values = arguments
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
                (
                    seq: row["seq"] as Int64, body: row["body"] as String,
                    sortValue: sort.numeric
                        ? PageCursor.Value.integer(row["sort_value"]) : PageCursor.Value.text(row["sort_value"])
                )
            }
        }
        let page = rows.prefix(query.limit)
        let hasMore = rows.count > query.limit
        let nextCursor = hasMore
            ? page.last.map { PageCursor(fingerprint: fingerprint, sortValue: $0.sortValue, tieBreak: String($0.seq)).encoded }
            : nil
        return EventListResponse(
            events: try page.map { try CyclesJSON.decode(ProtocolEvent.self, from: Data($0.body.utf8)) },
            nextCursor: nextCursor, hasMore: hasMore)
    }

    /// `GET /v1/admin/events/{event_id}`; 404 `EVENT_NOT_FOUND` for an unknown id.
    public func protocolEvent(_ eventID: String) async throws -> ProtocolEvent {
        let body = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM event_log WHERE event_id = ?", arguments: [eventID])
        }
        guard let body else { throw LedgerError(.eventNotFound, "Event \(eventID) not found", httpStatus: 404) }
        return try CyclesJSON.decode(ProtocolEvent.self, from: Data(body.utf8))
    }
}
