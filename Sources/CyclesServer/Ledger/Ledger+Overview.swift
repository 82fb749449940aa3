public import CyclesProtocol
import GRDB

import Foundation

/// The admin dashboard's one-request snapshot (`GET /v1/admin/overview`), computed from the ledger's tables.
extension Ledger {
    /// The window of the overview's event figures, as the spec's design notes fix it (one hour).
    static let overviewEventWindowSeconds = 3600

    /// `GET /v1/admin/overview`: tenant and budget counts across every namespace, and the ten worst over-limit and
    /// indebted budgets (most debt first).
    ///
    /// Webhook figures count the subscriptions (failing: at least one consecutive failure, worst first); event
    /// figures read the event log over the last `event_window_seconds` of the default namespace's clock: counts by
    /// category and the ten most recent `reservation.denied` and `reservation.expired` events, as stored.
    public func adminOverview() async throws -> AdminOverviewResponse {
        let asOf = now(namespace: Self.defaultNamespace)
        return try await pool.read { db in
            var tenantsByStatus: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM tenant GROUP BY status") {
                tenantsByStatus[row["status"]] = row["n"]
            }
            let tenantCounts = AdminOverviewResponse.TenantCounts(
                total: tenantsByStatus.values.reduce(0, +), active: tenantsByStatus["ACTIVE", default: 0],
                suspended: tenantsByStatus["SUSPENDED", default: 0], closed: tenantsByStatus["CLOSED", default: 0])

            let totals = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) AS total, coalesce(sum(status = 'ACTIVE'), 0) AS active,
                      coalesce(sum(status = 'FROZEN'), 0) AS frozen, coalesce(sum(status = 'CLOSED'), 0) AS closed,
                      coalesce(sum(is_over_limit != 0), 0) AS over_limit, coalesce(sum(debt > 0), 0) AS with_debt
                    FROM budget
                    """)!
            var byUnit: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT unit, count(*) AS n FROM budget GROUP BY unit") {
                byUnit[row["unit"]] = row["n"]
            }
            let budgetCounts = AdminOverviewResponse.BudgetCounts(
                total: totals["total"], active: totals["active"], frozen: totals["frozen"], closed: totals["closed"],
                overLimit: totals["over_limit"], withDebt: totals["with_debt"], byUnit: byUnit)

            let overLimit = try Row.fetchAll(
                db,
                sql: """
                    SELECT scope_path, unit, allocated, remaining, debt FROM budget WHERE is_over_limit != 0
                    ORDER BY debt DESC, scope_path, unit LIMIT 10
                    """
            ).map { row in
                AdminOverviewResponse.OverLimitScope(
                    scope: row["scope_path"], unit: BudgetUnit(rawValue: row["unit"]), allocated: row["allocated"],
                    remaining: row["remaining"], debt: row["debt"])
            }
            let indebted = try Row.fetchAll(
                db,
                sql: """
                    SELECT scope_path, unit, debt, overdraft_limit FROM budget WHERE debt > 0
                    ORDER BY debt DESC, scope_path, unit LIMIT 10
                    """
            ).map { row in
                AdminOverviewResponse.DebtScope(
                    scope: row["scope_path"], unit: BudgetUnit(rawValue: row["unit"]), debt: row["debt"],
                    overdraftLimit: row["overdraft_limit"])
            }
            let hooks = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) AS total, coalesce(sum(status = 'ACTIVE'), 0) AS active,
                      coalesce(sum(status = 'DISABLED'), 0) AS disabled,
                      coalesce(sum(consecutive_failures > 0), 0) AS failing
                    FROM webhook_subscription
                    """)!
            let failing = try Row.fetchAll(
                db,
                sql: """
                    SELECT subscription_id, url, consecutive_failures, last_failure_at_ms FROM webhook_subscription
                    WHERE consecutive_failures > 0 ORDER BY consecutive_failures DESC, subscription_id LIMIT 10
                    """
            ).map { row in
                AdminOverviewResponse.FailingWebhook(
                    subscriptionID: row["subscription_id"], url: row["url"], consecutiveFailures: row["consecutive_failures"],
                    lastFailureAt: (row["last_failure_at_ms"] as Int64?).map(RFC3339.string))
            }
            let since = asOf - Int64(Self.overviewEventWindowSeconds) * 1000
            var byCategory: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT category, count(*) AS n FROM event_log WHERE timestamp_ms >= ? GROUP BY category",
                arguments: [since])
            {
                byCategory[row["category"]] = row["n"]
            }
            func recent(_ type: EventType) throws -> [JSONValue] {
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT body FROM event_log WHERE event_type = ? AND timestamp_ms >= ?
                        ORDER BY timestamp_ms DESC, seq DESC LIMIT 10
                        """, arguments: [type.rawValue, since]
                ).compactMap { try? CyclesJSON.decode(JSONValue.self, from: Data($0.utf8)) }
            }
            return AdminOverviewResponse(
                asOf: RFC3339.string(asOf), eventWindowSeconds: Self.overviewEventWindowSeconds,
                tenantCounts: tenantCounts, budgetCounts: budgetCounts, overLimitScopes: overLimit,
                debtScopes: indebted,
                webhookCounts: .init(
                    total: hooks["total"], active: hooks["active"], disabled: hooks["disabled"], withFailures: hooks["failing"]),
                failingWebhooks: failing,
                eventCounts: .init(totalRecent: byCategory.values.reduce(0, +), byCategory: byCategory),
                recentDenials: try recent(.reservationDenied), recentExpiries: try recent(.reservationExpired))
        }
    }
}
