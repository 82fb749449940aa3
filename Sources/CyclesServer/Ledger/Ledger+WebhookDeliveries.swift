public import CyclesProtocol
import GRDB

import Foundation

/// Webhook deliveries: the outbox rows `appendEvent` enqueues, what the dispatcher reads and records, the delivery
/// listings (normative) and replay (normative).
extension Ledger {
    // MARK: - Outbox

    /// One ACTIVE subscription as matching sees it.
    struct DeliveryTarget {
        var subscriptionID: String
        var owner: String
        var eventTypes: Set<String>
        var categories: Set<String>
        var scopeFilter: String?

        init(row: Row) {
            subscriptionID = row["subscription_id"]
            owner = row["tenant_id"]
            eventTypes = Set(Ledger.decodeList(row["event_types"]) ?? [])
            categories = Set(Ledger.decodeList(row["event_categories"]) ?? [])
            scopeFilter = row["scope_filter"]
        }

        /// Whether the event goes to this subscription: its own tenant's events (a `__system__` one: every tenant's);
        /// type or category selected (additive); the scope filter, when set, matched by the event's scope. A
        /// tenant-owned subscription never receives an admin-only event, whatever it stores (INVARIANT 2 again at
        /// dispatch); `system.webhook_test` only ever goes out through `/test`.
        func matches(_ event: ProtocolEvent) -> Bool {
            guard event.eventType != .systemWebhookTest else { return false }
            guard owner == ProtocolEvent.systemTenant || owner == event.tenantID else { return false }
            if owner != ProtocolEvent.systemTenant, !event.eventType.isTenantAccessible { return false }
            guard eventTypes.contains(event.eventType.rawValue) || categories.contains(event.category.rawValue) else {
                return false
            }
            if let scopeFilter {
                guard let scope = event.scope else { return false }
                return WebhookURLPolicy.glob(scopeFilter, matches: scope)
            }
            return true
        }
    }

    /// Inserts a PENDING delivery, due now, for every ACTIVE subscription the event matches (in the event's
    /// transaction). PAUSED and DISABLED subscriptions get nothing: the spec does not queue events for them.
    func enqueueDeliveries(
        _ db: Database, _ event: ProtocolEvent, context: EventContext, now: Int64, excluding: String? = nil
    ) throws {
        let targets = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT subscription_id, tenant_id, event_types, event_categories, scope_filter
                    FROM webhook_subscription WHERE status = 'ACTIVE' AND tenant_id IN (?, '__system__')
                    """), arguments: [event.tenantID]
        ).map(DeliveryTarget.init(row:))
        for target in targets where target.subscriptionID != excluding && target.matches(event) {
            try insertDelivery(db, subscriptionID: target.subscriptionID, event: event, context: context, now: now)
        }
    }

    func insertDelivery(
        _ db: Database, subscriptionID: String, event: ProtocolEvent, context: EventContext, now: Int64
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO webhook_delivery (delivery_id, subscription_id, event_id, event_type, status, created_at_ms,
                  next_attempt_ms, trace_id, trace_flags, traceparent_inbound_valid)
                VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            "whdel_" + RandomIdentifier.hex(byteCount: 12), subscriptionID, event.eventID, event.eventType.rawValue,
            now, now, event.traceID ?? context.traceID, context.traceFlags, context.traceparentInboundValid,
        ])
        try db.execute(
            sql: "UPDATE webhook_subscription SET last_triggered_at_ms = ? WHERE subscription_id = ?",
            arguments: [now, subscriptionID])
        outboxWatch.deliveriesEnqueued()
    }

    // MARK: - Listing

    /// `GET /v1/admin/webhooks/{id}/deliveries` and `GET /v1/webhooks/{id}/deliveries`: newest first; 404 as for
    /// get (a tenant sees only its own subscriptions' deliveries).
    public func listDeliveries(
        _ subscriptionID: String, caller: WebhookCaller, status: String? = nil, fromMs: Int64? = nil,
        toMs: Int64? = nil, limit: Int = 50, cursor: String? = nil
    ) async throws -> WebhookDeliveryListResponse {
        guard (1...100).contains(limit) else { throw LedgerError.invalid("limit must be an integer between 1 and 100") }
        if let status, !["PENDING", "SUCCESS", "FAILED", "RETRYING"].contains(status) {
            throw LedgerError.invalid("status must be one of PENDING, SUCCESS, FAILED, RETRYING")
        }
        _ = try await webhookSubscription(subscriptionID, caller: caller)
        struct Fingerprint: Encodable {
            var subscriptionID: String
            var status: String?
            var fromMs: Int64?
            var toMs: Int64?
        }
        let fingerprint = try PageCursor.fingerprint(
            Fingerprint(subscriptionID: subscriptionID, status: status, fromMs: fromMs, toMs: toMs))
        var conditions = ["subscription_id = ?"]
        var arguments: [DatabaseValue] = [subscriptionID.databaseValue]
        if let status {
            conditions.append("status = ?")
            arguments.append(status.databaseValue)
        }
        if let fromMs {
            conditions.append("coalesce(attempted_at_ms, created_at_ms) >= ?")
            arguments.append(fromMs.databaseValue)
        }
        if let toMs {
            conditions.append("coalesce(attempted_at_ms, created_at_ms) <= ?")
            arguments.append(toMs.databaseValue)
        }
        if let position = try PageCursor.decode(cursor, fingerprint: fingerprint) {
            guard case .integer(let id) = position.sortValue else { throw LedgerError.invalid("cursor is malformed") }
            conditions.append("id < ?")
            arguments.append(id.databaseValue)
        }
        let sql = """
            SELECT * FROM webhook_delivery WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT \(limit + 1)
            """
        let values = arguments
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
                (id: row["id"] as Int64, delivery: Self.delivery(row: row))
            }
        }
        let page = rows.prefix(limit)
        let hasMore = rows.count > limit
        let next = hasMore
            ? page.last.map { PageCursor(fingerprint: fingerprint, sortValue: .integer($0.id), tieBreak: "").encoded } : nil
        return WebhookDeliveryListResponse(deliveries: page.map(\.delivery), hasMore: hasMore, nextCursor: next)
    }

    static func delivery(row: Row) -> WebhookDelivery {
        WebhookDelivery(
            deliveryID: row["delivery_id"], subscriptionID: row["subscription_id"], eventID: row["event_id"],
            status: row["status"],
            attemptedAt: RFC3339.string((row["attempted_at_ms"] as Int64?) ?? row["created_at_ms"]),
            eventType: EventType(rawValue: row["event_type"]),
            completedAt: (row["completed_at_ms"] as Int64?).map(RFC3339.string), attempts: row["attempts"],
            responseStatus: row["response_status"], responseTimeMs: row["response_time_ms"],
            errorMessage: row["error_message"],
            nextRetryAt: (row["status"] as String) == "RETRYING"
                ? (row["next_attempt_ms"] as Int64?).map(RFC3339.string) : nil,
            traceID: row["trace_id"], traceFlags: row["trace_flags"],
            traceparentInboundValid: row["traceparent_inbound_valid"])
    }

    // MARK: - Replay

    /// `POST /v1/admin/webhooks/{id}/replay` (202): enqueues a fresh delivery of every event in the window that the
    /// subscription selects, oldest first. Selection is complete or refused: more deliverable events than
    /// `max_events` is 400. 409 `TENANT_CLOSED` for a closed owner; only an ACTIVE subscription replays.
    public func replay(_ subscriptionID: String, _ request: WebhookReplayRequest) async throws -> WebhookReplayResponse {
        let maxEvents = request.maxEvents ?? 100
        guard (1...1000).contains(maxEvents) else { throw LedgerError.invalid("max_events: must be between 1 and 1000") }
        let fromMs = try request.from.map { text throws(LedgerError) in try Self.parseInstant(text, field: "from") }
        let toMs = try request.to.map { text throws(LedgerError) in try Self.parseInstant(text, field: "to") }
        for (index, type) in (request.eventTypes ?? []).enumerated() where !type.isKnown {
            throw LedgerError.invalid("event_types[\(index)]: unknown event type '\(type.rawValue)'")
        }
        let context = EventContext.currentOrInternal()
        return try await write { db -> WebhookReplayResponse in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT subscription_id, tenant_id, event_types, event_categories, scope_filter, status
                    FROM webhook_subscription WHERE subscription_id = ?
                    """, arguments: [subscriptionID])
            else { throw LedgerError(.webhookNotFound, "Webhook subscription \(subscriptionID) not found", httpStatus: 404) }
            let target = DeliveryTarget(row: row)
            let namespace = try self.requireOpenOwner(db, target.owner, unknownIsNotFound: false)
            guard (row["status"] as String) == "ACTIVE" else {
                throw LedgerError.invalid("subscription \(subscriptionID) is \(row["status"] as String); resume it to replay")
            }
            var conditions: [String] = []
            var arguments: [DatabaseValue] = []
            if target.owner != ProtocolEvent.systemTenant {
                conditions.append("tenant_id = ?")
                arguments.append(target.owner.databaseValue)
            }
            if let fromMs {
                conditions.append("timestamp_ms >= ?")
                arguments.append(fromMs.databaseValue)
            }
            if let toMs {
                conditions.append("timestamp_ms <= ?")
                arguments.append(toMs.databaseValue)
            }
            let only = request.eventTypes.map { Set($0.map(\.rawValue)) }
            let events = try String.fetchAll(
                db,
                sql: "SELECT body FROM event_log\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) ORDER BY timestamp_ms, seq",
                arguments: StatementArguments(arguments)
            ).compactMap { try? CyclesJSON.decode(ProtocolEvent.self, from: Data($0.utf8)) }
                .filter { target.matches($0) && (only?.contains($0.eventType.rawValue) ?? true) }
            guard events.count <= maxEvents else {
                throw LedgerError.invalid(
                    "max_events: the window holds \(events.count) deliverable events, more than \(maxEvents); "
                        + "narrow from/to or raise max_events")
            }
            let now = self.now(namespace: namespace)
            for event in events {
                try self.insertDelivery(db, subscriptionID: subscriptionID, event: event, context: context, now: now)
            }
            self.signalEventStreamChangeOnCommit(db)
            return WebhookReplayResponse(
                replayID: "replay_" + RandomIdentifier.hex(byteCount: 8), eventsQueued: events.count,
                estimatedCompletionSeconds: max(1, events.count / 10))
        }
    }

    // MARK: - Test probe

    /// The synthetic `system.webhook_test` probe of `/test`, ready to send to the subscription's own endpoint (the
    /// INVARIANT 2 test-probe exception: it bypasses matching and the outbox, is not stored in the event stream,
    /// and changes neither the failure count nor the status). 404 as for get; 409 `TENANT_CLOSED` for a closed
    /// owner (Rule 2 lists webhook test among the guarded operations).
    func webhookTestProbe(_ subscriptionID: String, caller: WebhookCaller) async throws -> DueDelivery {
        let context = EventContext.currentOrInternal()
        return try await pool.read { db in
            let subscription = try Self.visible(try self.fetchWebhook(db, subscriptionID), subscriptionID, to: caller)
            let namespace = try self.requireOpenOwner(db, subscription.tenantID, unknownIsNotFound: false)
            guard let row = try Row.fetchOne(
                db, sql: "SELECT signing_secret, headers_json, url FROM webhook_subscription WHERE subscription_id = ?",
                arguments: [subscriptionID])
            else { throw LedgerError(.webhookNotFound, "Webhook subscription \(subscriptionID) not found", httpStatus: 404) }
            let event = ProtocolEvent(
                eventID: "evt_" + RandomIdentifier.hex(byteCount: 16), eventType: .systemWebhookTest,
                timestamp: RFC3339.string(self.now(namespace: namespace)), tenantID: subscription.tenantID,
                actor: caller.actor, source: Self.eventSource,
                data: try Self.jsonObject(
                    EventDataSystem(
                        component: "webhook_dispatcher", message: "Test event for subscription \(subscriptionID)",
                        severity: "info", details: ["subscription_id": .string(subscriptionID)])),
                correlationID: "webhook_test:\(subscriptionID)", requestID: context.requestID, traceID: context.traceID)
            return DueDelivery(
                deliveryID: "whtest_" + RandomIdentifier.hex(byteCount: 12), subscriptionID: subscriptionID,
                eventID: event.eventID, eventType: event.eventType.rawValue,
                body: String(decoding: try CyclesJSON.encode(event), as: UTF8.self), url: row["url"],
                secret: row["signing_secret"],
                headers: (row["headers_json"] as String?).flatMap {
                    try? CyclesJSON.decode([String: String].self, from: Data($0.utf8))
                } ?? [:],
                retryPolicy: .defaults, attempts: 0, traceID: context.traceID, traceFlags: context.traceFlags)
        }
    }

    // MARK: - Dispatcher support

    /// One due delivery with everything the dispatcher needs to send it.
    struct DueDelivery: Sendable {
        var deliveryID: String
        var subscriptionID: String
        var eventID: String
        var eventType: String
        var body: String
        var url: String
        var secret: String
        var headers: [String: String]
        var retryPolicy: WebhookRetryPolicy
        var attempts: Int
        var traceID: String
        var traceFlags: String
    }

    /// Up to `limit` deliveries due by the default namespace's clock (so `--mock`'s virtual clock drives retries),
    /// oldest first. Deliveries whose subscription is no longer ACTIVE are closed as FAILED here.
    func dueDeliveries(limit: Int) async throws -> [DueDelivery] {
        let now = now(namespace: Self.defaultNamespace)
        // A read: the dispatcher polls often, and an idle poll must never take the write lock from requests.
        // Rows are read and turned into `DueDelivery` values inside the read: `Row` is not Sendable, and only the
        // async read (which does not block a cooperative thread) needs a Sendable result.
        let (due, inactive) = try await pool.read { db -> ([DueDelivery], [String]) in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.delivery_id, d.subscription_id, d.event_id, d.event_type, d.attempts, d.trace_id,
                      d.trace_flags, e.body, s.url, s.signing_secret, s.headers_json, s.retry_policy_json, s.status
                    FROM webhook_delivery d
                    JOIN event_log e ON e.event_id = d.event_id
                    JOIN webhook_subscription s ON s.subscription_id = d.subscription_id
                    WHERE d.status IN ('PENDING', 'RETRYING') AND d.next_attempt_ms <= ?
                    ORDER BY d.next_attempt_ms, d.id LIMIT ?
                    """, arguments: [now, limit])
            var due: [DueDelivery] = []
            var inactive: [String] = []
            for row in rows {
                let deliveryID: String = row["delivery_id"]
                guard (row["status"] as String) == "ACTIVE" else {
                    inactive.append(deliveryID)
                    continue
                }
                due.append(
                    DueDelivery(
                        deliveryID: deliveryID, subscriptionID: row["subscription_id"], eventID: row["event_id"],
                        eventType: row["event_type"], body: row["body"], url: row["url"], secret: row["signing_secret"],
                        headers: (row["headers_json"] as String?).flatMap {
                            try? CyclesJSON.decode([String: String].self, from: Data($0.utf8))
                        } ?? [:],
                        retryPolicy: (row["retry_policy_json"] as String?).flatMap {
                            try? CyclesJSON.decode(WebhookRetryPolicy.self, from: Data($0.utf8))
                        } ?? .defaults,
                        attempts: row["attempts"], traceID: row["trace_id"] ?? RandomIdentifier.hex(byteCount: 16),
                        traceFlags: row["trace_flags"] ?? "01"))
            }
            return (due, inactive)
        }
        if !inactive.isEmpty {
            // Queued before the subscription was paused or disabled: closed, not sent.
            let ids = inactive
            try await write { db in
                self.signalEventStreamChangeOnCommit(db)
                for deliveryID in ids {
                    try db.execute(
                        sql: """
                            UPDATE webhook_delivery SET status = 'FAILED', completed_at_ms = ?,
                              error_message = 'subscription is not ACTIVE' WHERE delivery_id = ?
                            """, arguments: [now, deliveryID])
                }
            }
        }
        return due
    }

    /// What one attempt produced.
    struct DeliveryOutcome: Sendable {
        /// HTTP status, when the endpoint answered.
        var responseStatus: Int?
        var responseTimeMs: Int64
        /// Why it failed (transport error, non-2xx, blocked address).
        var error: String?
        var succeeded: Bool { error == nil && (responseStatus.map { (200..<300).contains($0) } ?? false) }
    }

    /// The retry delay before attempt `attempt + 1` (1-based `attempt` that just failed):
    /// min(initial_delay_ms × backoff_multiplier^(attempt−1), max_delay_ms).
    static func retryDelayMs(after attempt: Int, policy: WebhookRetryPolicy) -> Int64 {
        let resolved = policy.resolved
        let initial = Double(resolved.initialDelayMs!)
        let multiplier = resolved.backoffMultiplier!
        let maximum = Double(resolved.maxDelayMs!)
        return Int64(min(initial * pow(multiplier, Double(max(attempt - 1, 0))), maximum))
    }

    /// Records an attempt: SUCCESS (failures reset), RETRYING on the policy's schedule, or FAILED once the retries
    /// are spent, which emits `system.webhook_delivery_failed` and, at `disable_after_failures` consecutive failures,
    /// disables the subscription with `webhook.disabled`.
    func recordDeliveryAttempt(_ delivery: DueDelivery, _ outcome: DeliveryOutcome) async throws {
        let context = EventContext(requestID: nil, traceID: delivery.traceID, traceFlags: delivery.traceFlags)
        try await write { db in
            self.signalEventStreamChangeOnCommit(db)
            let now = self.now(namespace: Self.defaultNamespace)
            let attempts = delivery.attempts + 1
            if outcome.succeeded {
                try db.execute(
                    sql: """
                        UPDATE webhook_delivery SET status = 'SUCCESS', attempts = ?, attempted_at_ms = ?,
                          completed_at_ms = ?, response_status = ?, response_time_ms = ?, error_message = NULL,
                          next_attempt_ms = NULL
                        WHERE delivery_id = ?
                        """,
                    arguments: [attempts, now, now, outcome.responseStatus, outcome.responseTimeMs, delivery.deliveryID])
                try db.execute(
                    sql: """
                        UPDATE webhook_subscription SET consecutive_failures = 0, last_success_at_ms = ?
                        WHERE subscription_id = ?
                        """, arguments: [now, delivery.subscriptionID])
                return
            }
            let error = outcome.error ?? "HTTP \(outcome.responseStatus ?? 0)"
            let retries = delivery.retryPolicy.resolved.maxRetries!
            if attempts <= retries {
                let next = now + Self.retryDelayMs(after: attempts, policy: delivery.retryPolicy)
                try db.execute(
                    sql: """
                        UPDATE webhook_delivery SET status = 'RETRYING', attempts = ?, attempted_at_ms = ?,
                          response_status = ?, response_time_ms = ?, error_message = ?, next_attempt_ms = ?
                        WHERE delivery_id = ?
                        """,
                    arguments: [
                        attempts, now, outcome.responseStatus, outcome.responseTimeMs, error, next, delivery.deliveryID,
                    ])
                self.outboxWatch.retryScheduled(atMs: next)
                return
            }
            try db.execute(
                sql: """
                    UPDATE webhook_delivery SET status = 'FAILED', attempts = ?, attempted_at_ms = ?, completed_at_ms = ?,
                      response_status = ?, response_time_ms = ?, error_message = ?, next_attempt_ms = NULL
                    WHERE delivery_id = ?
                    """,
                arguments: [
                    attempts, now, now, outcome.responseStatus, outcome.responseTimeMs, error, delivery.deliveryID,
                ])
            try db.execute(
                sql: """
                    UPDATE webhook_subscription SET consecutive_failures = consecutive_failures + 1,
                      last_failure_at_ms = ? WHERE subscription_id = ?
                    """, arguments: [now, delivery.subscriptionID])
            // The meta-alert is never delivered to the subscription that failed (it would feed its own failures).
            try self.appendEvent(
                db, .systemWebhookDeliveryFailed, tenantID: ProtocolEvent.systemTenant, actor: .system,
                data: EventDataSystem(
                    component: "webhook_dispatcher", message: "Delivery \(delivery.deliveryID) failed after \(attempts) attempts",
                    severity: "warning",
                    details: [
                        "subscription_id": .string(delivery.subscriptionID), "delivery_id": .string(delivery.deliveryID),
                        "event_id": .string(delivery.eventID), "error": .string(error),
                    ]),
                context: context, now: now, notDeliveredTo: delivery.subscriptionID)
            guard let row = try Row.fetchOne(
                db,
                sql: "SELECT tenant_id, status, consecutive_failures, disable_after_failures FROM webhook_subscription WHERE subscription_id = ?",
                arguments: [delivery.subscriptionID]),
                (row["status"] as String) != "DISABLED",
                (row["consecutive_failures"] as Int) >= (row["disable_after_failures"] as Int)
            else { return }
            try db.execute(
                sql: "UPDATE webhook_subscription SET status = 'DISABLED', updated_at_ms = ? WHERE subscription_id = ?",
                arguments: [now, delivery.subscriptionID])
            let owner: String = row["tenant_id"]
            try self.appendEvent(
                db, .webhookDisabled, tenantID: owner, actor: .system,
                data: EventDataWebhookLifecycle(
                    subscriptionID: delivery.subscriptionID, tenantID: owner, previousStatus: row["status"],
                    newStatus: "DISABLED", changedFields: [], disableReason: "consecutive_failures_exceeded_threshold"),
                correlationID: "webhook_auto_disable:\(delivery.subscriptionID):\(delivery.deliveryID)",
                context: context, now: now, notDeliveredTo: delivery.subscriptionID)
        }
    }
}
