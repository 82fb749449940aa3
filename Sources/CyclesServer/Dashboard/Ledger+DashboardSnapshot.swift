import CyclesProtocol
import GRDB

/// What the dashboard shows of one namespace, read in one pass over the ledger's tables.
///
/// Bounded on purpose: the dashboard may watch a server under load, so every list is a small `LIMIT` rather than the
/// whole namespace that `state(namespace:)` dumps. Active reservations, events and deliveries are read in index
/// order (deadline, sequence, id; a delivery's event is found through `event_log`'s unique `event_id`); the finished
/// list sorts the namespace's finished reservations, which no index orders by end time.
struct DashboardLedgerSnapshot: Sendable {
    /// Every namespace, for the selector.
    var namespaces: [String]
    /// The namespace's budgets by (tenant, scope, unit), at most `budgetLimit`.
    var budgets: [BudgetRecord]
    /// ACTIVE reservations, soonest deadline first, at most `activeLimit`.
    var active: [ReservationRecord]
    /// How many ACTIVE reservations there are in all.
    var activeCount: Int
    /// Committed, released and expired reservations, most recently finalized first.
    var finished: [ReservationRecord]
    /// The namespace's latest protocol events, newest first.
    var events: [EventRow]
    /// The latest webhook deliveries of the namespace's events (the rule the event list follows: an event belongs to
    /// its tenant's namespace), newest first.
    var deliveries: [DeliveryRow]

    /// One event as the dashboard lists it (the stored columns; the JSON body is not decoded).
    struct EventRow: Sendable {
        var eventType: String
        var tenantID: String
        var scope: String?
        var timestampMs: Int64
        var correlationID: String?
    }

    /// One webhook delivery as the dashboard lists it.
    struct DeliveryRow: Sendable {
        var deliveryID: String
        var eventType: String
        var url: String?
        var status: String
        var attempts: Int
        var responseStatus: Int?
        var errorMessage: String?
        var atMs: Int64
    }

    static let budgetLimit = 200
    static let activeLimit = 50
    static let finishedLimit = 15
    /// Beyond this many ACTIVE reservations the page says "at least" instead of counting them all.
    static let activeCountCap = 10_000
    /// How many of the most recently created reservations the finished list is chosen from.
    static let recentWindow = 500
    static let eventLimit = 12
    static let deliveryLimit = 12
}

extension Ledger {
    /// The dashboard's view of `namespace` (see `DashboardLedgerSnapshot`), with what fell due expired first (as
    /// every listing does), so the page never shows a reservation ACTIVE that the ledger would answer as expired.
    func dashboardSnapshot(namespace: String) async throws -> DashboardLedgerSnapshot {
        try await readExpiringFirst(namespace: { _ in namespace }) { db in
            let namespaces = try String.fetchAll(db, sql: "SELECT name FROM namespace ORDER BY name")
            let budgets = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(BudgetRecord.columns(qualifiedBy: "b")) FROM budget b
                    JOIN tenant t ON t.tenant_id = b.tenant_id WHERE t.namespace = ?
                    ORDER BY b.tenant_id, b.scope_path, b.unit LIMIT \(DashboardLedgerSnapshot.budgetLimit)
                    """, arguments: [namespace]
            ).map(BudgetRecord.init(row:))
            // `reservation_due` (namespace, status, deadline_ms) serves both ACTIVE queries.
            let active = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM reservation WHERE namespace = ? AND status = 'ACTIVE'
                    ORDER BY deadline_ms, reservation_id LIMIT \(DashboardLedgerSnapshot.activeLimit)
                    """, arguments: [namespace]
            ).map(ReservationRecord.init(row:))
            // Counted up to a cap: a count over every ACTIVE reservation each second is a scan that grows with the
            // load the page is watching.
            let activeCount = try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM (SELECT 1 FROM reservation WHERE namespace = ? AND status = 'ACTIVE'
                    LIMIT \(DashboardLedgerSnapshot.activeCountCap))
                    """,
                arguments: [namespace]) ?? 0
            // An expired reservation has no finalized_at_ms; its deadline is when it ended. Only the most recently
            // created reservations are looked at (walking the rowid backwards stops after `recentWindow` rows):
            // sorting every finished reservation by its end was a full scan per re-render, which cost a server under
            // load about a third of its reserve throughput while a page was open (BENCHMARKS.md), and an index on the
            // end time would cost every commit instead.
            let finished = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (
                      SELECT * FROM reservation WHERE namespace = ? ORDER BY rowid DESC
                      LIMIT \(DashboardLedgerSnapshot.recentWindow)
                    ) WHERE status != 'ACTIVE'
                    ORDER BY coalesce(finalized_at_ms, deadline_ms) DESC, reservation_id
                    LIMIT \(DashboardLedgerSnapshot.finishedLimit)
                    """, arguments: [namespace]
            ).map(ReservationRecord.init(row:))
            let events = try Row.fetchAll(
                db,
                sql: """
                    SELECT event_type, tenant_id, scope, timestamp_ms, correlation_id FROM event_log
                    WHERE tenant_id IN (SELECT tenant_id FROM tenant WHERE namespace = ?)
                    ORDER BY seq DESC LIMIT \(DashboardLedgerSnapshot.eventLimit)
                    """, arguments: [namespace]
            ).map { row in
                DashboardLedgerSnapshot.EventRow(
                    eventType: row[0], tenantID: row[1], scope: row[2], timestampMs: row[3], correlationID: row[4])
            }
            let deliveries = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.delivery_id, d.event_type, s.url, d.status, d.attempts, d.response_status,
                      d.error_message, coalesce(d.attempted_at_ms, d.created_at_ms)
                    FROM webhook_delivery d LEFT JOIN webhook_subscription s USING (subscription_id)
                    WHERE EXISTS (
                      SELECT 1 FROM event_log e JOIN tenant t ON t.tenant_id = e.tenant_id
                      WHERE e.event_id = d.event_id AND t.namespace = ?
                    )
                    ORDER BY d.id DESC LIMIT \(DashboardLedgerSnapshot.deliveryLimit)
                    """, arguments: [namespace]
            ).map { row in
                DashboardLedgerSnapshot.DeliveryRow(
                    deliveryID: row[0], eventType: row[1], url: row[2], status: row[3], attempts: row[4],
                    responseStatus: row[5], errorMessage: row[6], atMs: row[7])
            }
            return DashboardLedgerSnapshot(
                namespaces: namespaces, budgets: budgets, active: active, activeCount: activeCount,
                finished: finished, events: events, deliveries: deliveries)
        }
    }
}
