public import CyclesProtocol
import GRDB

/// The admin dashboard's one-request snapshot (`GET /v1/admin/overview`), computed from the ledger's tables.
extension Ledger {
    /// The window of the overview's event figures, as the spec's design notes fix it (one hour).
    static let overviewEventWindowSeconds = 3600

    /// `GET /v1/admin/overview`: tenant and budget counts across every namespace, and the ten worst over-limit and
    /// indebted budgets (most debt first).
    ///
    /// Webhook and event figures count what this server holds of them: it has no webhook subscriptions and no
    /// governance event stream yet (the runtime plane's `/v1/events` records are usage, not the spec's `Event`), so
    /// those counts are zero and the lists empty until those tables exist; they are read here, not invented.
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
            return AdminOverviewResponse(
                asOf: RFC3339.string(asOf), eventWindowSeconds: Self.overviewEventWindowSeconds,
                tenantCounts: tenantCounts, budgetCounts: budgetCounts, overLimitScopes: overLimit,
                debtScopes: indebted, webhookCounts: .init(total: 0, active: 0, disabled: 0, withFailures: 0),
                failingWebhooks: [], eventCounts: .init(totalRecent: 0, byCategory: [:]), recentDenials: [],
                recentExpiries: [])
        }
    }
}
