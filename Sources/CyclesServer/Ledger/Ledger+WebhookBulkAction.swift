public import CyclesProtocol
import GRDB

import Foundation

/// `POST /v1/admin/webhooks/bulk-action` (admin key only): PAUSE, RESUME or DELETE applied to every subscription a
/// filter matches, in one transaction, with the tenant and budget bulk actions' safety rules (`Ledger+BulkActions`):
/// counted before anything changes (more than 500: 400 `LIMIT_EXCEEDED` with `details.total_matched`; a differing
/// `expected_count`: 409 `COUNT_MISMATCH`; both write nothing), every matched row attempted with a per-row outcome,
/// and the answer replayed for 15 minutes under its `idempotency_key`.
///
/// Where the spec makes this operation differ from the tenant bulk action, it is followed: one event per row that
/// actually changed (`webhook.paused`, `webhook.resumed`, `webhook.deleted`; none for skipped or failed rows), each
/// with `correlation_id = webhook_bulk_action:<action>:<request_id>`; and **one** audit entry per invocation (not
/// per row).
extension Ledger {
    static let webhookBulkActions = ["PAUSE", "RESUME", "DELETE"]

    /// Row outcomes: PAUSE moves ACTIVE → PAUSED (PAUSED or DISABLED: `skipped`, `ALREADY_IN_TARGET_STATE`); RESUME
    /// moves PAUSED → ACTIVE and resets the failure count as a single resume does (ACTIVE: `skipped`; DISABLED:
    /// `failed`, `INVALID_TRANSITION`); DELETE removes the subscription and its deliveries as a single delete does. A
    /// subscription whose owner is closed is `failed` with `TENANT_CLOSED` (the single operations answer 409). The
    /// filter has `listWebhooks`'s semantics.
    public func bulkActionWebhooks(_ request: WebhookBulkActionRequest) async throws -> WebhookBulkActionResponse {
        guard Self.webhookBulkActions.contains(request.action) else {
            throw LedgerError.invalid("action: must be one of \(Self.webhookBulkActions.joined(separator: ", "))")
        }
        let filter = request.filter
        // An empty filter is refused (the spec: minProperties 1) so nobody acts on every subscription by accident.
        guard filter.tenantID != nil || filter.status != nil || filter.eventType != nil || !(filter.search ?? "").isEmpty
        else {
            throw LedgerError.invalid("filter: must name at least one of tenant_id, status, event_type, search")
        }
        if let status = filter.status, !Self.webhookStatuses.contains(status) {
            throw LedgerError.invalid("filter.status: must be one of ACTIVE, PAUSED, DISABLED")
        }
        if let type = filter.eventType, !type.isKnown {
            throw LedgerError.invalid("filter.event_type: must be one of the spec's EventType values (got '\(type.rawValue)')")
        }
        if let search = filter.search, search.schemaLength > 128 {
            throw LedgerError.invalid("filter.search: must be at most 128 characters")
        }
        try Self.validateBulkEnvelope(expectedCount: request.expectedCount, idempotencyKey: request.idempotencyKey)
        let hash = try Self.requestHash(request)
        let endpoint = "admin:webhooks/bulk-action"
        let context = EventContext.currentOrInternal()
        let correlationID = "webhook_bulk_action:\(request.action.lowercased()):\(context.requestID ?? context.traceID)"
        return try await write { db -> WebhookBulkActionResponse in
            let now = self.now(namespace: Self.defaultNamespace)
            if let stored = try self.storedAdminReply(db, endpoint: endpoint, key: request.idempotencyKey, hash: hash, now: now) {
                return try CyclesJSON.decode(WebhookBulkActionResponse.self, from: stored)
            }
            // The same conditions as `listWebhooks`.
            var conditions: [String] = []
            var arguments: [DatabaseValue] = []
            if let tenantID = filter.tenantID {
                conditions.append("tenant_id = ?")
                arguments.append(tenantID.databaseValue)
            }
            if let status = filter.status {
                conditions.append("status = ?")
                arguments.append(status.databaseValue)
            }
            if let type = filter.eventType {
                conditions.append("instr(event_types, ?) > 0")
                arguments.append("\"\(type.rawValue)\"".databaseValue)
            }
            if let search = filter.search, !search.isEmpty {
                conditions.append("(instr(lower(subscription_id), ?) > 0 OR instr(lower(url), ?) > 0)")
                arguments += [search.lowercased().databaseValue, search.lowercased().databaseValue]
            }
            let whereClause = " WHERE " + conditions.joined(separator: " AND ")
            let matched = try Row.fetchAll(
                db,
                sql: """
                    SELECT subscription_id, tenant_id, status FROM webhook_subscription\(whereClause)
                    ORDER BY subscription_id LIMIT \(Self.bulkActionLimit + 1)
                    """, arguments: StatementArguments(arguments))
            if matched.count > Self.bulkActionLimit {
                let total = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM webhook_subscription\(whereClause)",
                    arguments: StatementArguments(arguments)) ?? 0
                throw Self.bulkLimitExceeded(total, what: "webhook subscriptions")
            }
            try Self.checkExpectedCount(request.expectedCount, matched: matched.count)
            var response = WebhookBulkActionResponse(
                action: request.action, totalMatched: matched.count, succeeded: [], failed: [], skipped: [],
                idempotencyKey: request.idempotencyKey)
            for row in matched {
                let subscriptionID: String = row["subscription_id"]
                let owner: String = row["tenant_id"]
                let status: String = row["status"]
                let namespace: String
                do {
                    namespace = try self.requireOpenOwner(db, owner, unknownIsNotFound: false)
                } catch let error as LedgerError {
                    response.failed.append(
                        BulkActionRowOutcome(id: subscriptionID, errorCode: Self.rowErrorCode(error), message: error.message))
                    continue
                }
                let ownerNow = self.now(namespace: namespace)
                let type: EventType
                var newStatus: String?
                switch (request.action, status) {
                case ("PAUSE", "PAUSED"), ("PAUSE", "DISABLED"), ("RESUME", "ACTIVE"):
                    response.skipped.append(BulkActionRowOutcome(id: subscriptionID, reason: "ALREADY_IN_TARGET_STATE"))
                    continue
                case ("RESUME", "DISABLED"):
                    response.failed.append(
                        BulkActionRowOutcome(
                            id: subscriptionID, errorCode: "INVALID_TRANSITION",
                            message: "Subscription \(subscriptionID) is DISABLED; re-enable it with PATCH status ACTIVE"))
                    continue
                case ("PAUSE", _):
                    newStatus = "PAUSED"
                    type = .webhookPaused
                    try db.execute(
                        sql: "UPDATE webhook_subscription SET status = 'PAUSED', updated_at_ms = ? WHERE subscription_id = ?",
                        arguments: [ownerNow, subscriptionID])
                case ("RESUME", _):
                    newStatus = "ACTIVE"
                    type = .webhookResumed
                    try db.execute(
                        sql: """
                            UPDATE webhook_subscription SET status = 'ACTIVE', consecutive_failures = 0, updated_at_ms = ?
                            WHERE subscription_id = ?
                            """, arguments: [ownerNow, subscriptionID])
                default:
                    type = .webhookDeleted
                    try db.execute(
                        sql: "DELETE FROM webhook_subscription WHERE subscription_id = ?", arguments: [subscriptionID])
                    // Pending deliveries are cancelled and finished ones go with the subscription, as a single delete.
                    try db.execute(sql: "DELETE FROM webhook_delivery WHERE subscription_id = ?", arguments: [subscriptionID])
                }
                try self.appendEvent(
                    db, type, tenantID: owner, actor: .admin,
                    data: EventDataWebhookLifecycle(
                        subscriptionID: subscriptionID, tenantID: owner, previousStatus: status, newStatus: newStatus,
                        changedFields: []),
                    correlationID: correlationID, context: context, now: ownerNow)
                response.succeeded.append(BulkActionRowOutcome(id: subscriptionID))
            }
            try self.storeAdminReply(
                db, endpoint: endpoint, key: request.idempotencyKey, hash: hash, body: try LedgerJSON.data(response), now: now)
            try self.recordAudit(db, AuditRecord(
                operation: "bulkActionWebhooks", tenantID: AuditLogEntry.adminTenant, resourceType: "webhook",
                resourceID: nil,
                metadata: [
                    "action": .string(request.action), "total_matched": .integer(Int64(response.totalMatched)),
                    "succeeded": .integer(Int64(response.succeeded.count)), "failed": .integer(Int64(response.failed.count)),
                    "skipped": .integer(Int64(response.skipped.count)),
                ]))
            return response
        }
    }
}
