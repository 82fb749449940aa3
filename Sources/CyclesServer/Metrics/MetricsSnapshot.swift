import GRDB
public import Prometheus

/// What `/metrics` reads from the ledger when scraped: the worst budgets one by one, the rest summed per unit, and
/// the counts operators alert on (scopes over limit, webhook deliveries by status).
public struct MetricsSnapshot: Sendable {
    /// One budget's balances (or, for the overflow row, the sums of the budgets not listed one by one).
    public struct BudgetGauges: Sendable {
        /// Owning tenant (`__other__` for the overflow row).
        public var tenant: String
        /// Scope path (`__other__` for the overflow row).
        public var scope: String
        /// Budget unit.
        public var unit: String
        /// Balances.
        public var allocated, remaining, reserved, spent, debt: Int64
        /// Over its overdraft limit (for the overflow row: how many of the summed budgets are).
        public var overLimit: Int64
    }

    /// The listed budgets, then one overflow row per unit when budgets were left out.
    public var budgets: [BudgetGauges]
    /// Every budget in the ledger.
    public var budgetCount: Int
    /// Budgets not listed one by one (summed into the overflow rows).
    public var omittedBudgetCount: Int
    /// Budgets over their overdraft limit (all of them, listed or not).
    public var overLimitCount: Int
    /// Webhook deliveries by status (PENDING, RETRYING, SUCCESS, FAILED).
    public var deliveriesByStatus: [String: Int]

    static let overflowLabel = "__other__"

    /// Adds the gauges to a (fresh, per-scrape) registry.
    func register(in registry: PrometheusCollectorRegistry) {
        // Every per-budget gauge has labels tenant, scope and unit, and at most `scopeLimit` + (units) series.
        let bound = " Per tenant, scope and unit; only the worst budgets (--metrics-scope-limit) have their own series, "
            + "the rest are summed per unit under tenant=\"\(Self.overflowLabel)\",scope=\"\(Self.overflowLabel)\"."
        let balances: [(String, String, KeyPath<BudgetGauges, Int64>)] = [
            ("cycles_budget_allocated", "Budget allocated, in the budget's unit.", \.allocated),
            ("cycles_budget_remaining", "Budget remaining, in the budget's unit.", \.remaining),
            ("cycles_budget_reserved", "Budget held by active reservations, in the budget's unit.", \.reserved),
            ("cycles_budget_spent", "Budget spent by commits and events, in the budget's unit.", \.spent),
            ("cycles_budget_debt", "Budget debt (overdraft in use), in the budget's unit.", \.debt),
            ("cycles_budget_over_limit", "1 when the budget is over its overdraft limit (summed rows: how many are).",
             \.overLimit),
        ]
        for budget in budgets {
            let labels = [("tenant", budget.tenant), ("scope", budget.scope), ("unit", budget.unit)]
            for (name, help, value) in balances {
                registry.makeGauge(name: name, labels: labels, help: help + bound).set(budget[keyPath: value])
            }
        }
        registry.makeGauge(name: "cycles_budget_scopes", help: "Budgets (tenant, scope, unit) in the ledger.")
            .set(Int64(budgetCount))
        registry.makeGauge(
            name: "cycles_budget_scopes_omitted",
            help: "Budgets without a series of their own (beyond the scope limit), summed under \(Self.overflowLabel)."
        ).set(Int64(omittedBudgetCount))
        registry.makeGauge(
            name: "cycles_budget_scopes_over_limit",
            help: "Budgets over their overdraft limit (debt above overdraft_limit); operators should act on any."
        ).set(Int64(overLimitCount))
        for status in ["PENDING", "RETRYING", "SUCCESS", "FAILED"] {
            registry.makeGauge(
                name: "cycles_webhook_deliveries", labels: [("status", status)],
                help: "Webhook deliveries in the ledger by status."
            ).set(Int64(deliveriesByStatus[status, default: 0]))
        }
    }
}

extension Ledger {
    /// Reads the `/metrics` gauges: the `scopeLimit` worst budgets (over limit first, then most debt, then the
    /// highest share of the allocation reserved or spent; ties by tenant, scope, unit), the rest summed per unit.
    public func metricsSnapshot(scopeLimit: Int) async throws -> MetricsSnapshot {
        try await pool.read { db in
            func gauges(_ row: Row) -> MetricsSnapshot.BudgetGauges {
                MetricsSnapshot.BudgetGauges(
                    tenant: row["tenant_id"], scope: row["scope_path"], unit: row["unit"], allocated: row["allocated"],
                    remaining: row["remaining"], reserved: row["reserved"], spent: row["spent"], debt: row["debt"],
                    overLimit: row["is_over_limit"])
            }
            // The ranking is one ORDER BY, so the listed set is stable from scrape to scrape while balances are.
            let ranked = """
                SELECT tenant_id, scope_path, unit, allocated, remaining, reserved, spent, debt, is_over_limit,
                  row_number() OVER (
                    ORDER BY is_over_limit DESC, debt DESC,
                      CAST(reserved + spent AS REAL) / max(allocated, 1) DESC, tenant_id, scope_path, unit
                  ) AS rank
                FROM budget
                """
            var budgets = try Row.fetchAll(db, sql: "SELECT * FROM (\(ranked)) WHERE rank <= ? ORDER BY rank",
                arguments: [scopeLimit]).map(gauges)
            // Sums as REAL: a sum of many Int64 balances could overflow SQLite's integer sum (which throws).
            let overflow = try Row.fetchAll(
                db,
                sql: """
                    SELECT '\(MetricsSnapshot.overflowLabel)' AS tenant_id, '\(MetricsSnapshot.overflowLabel)' AS scope_path,
                      unit, total(allocated) AS allocated, total(remaining) AS remaining, total(reserved) AS reserved,
                      total(spent) AS spent, total(debt) AS debt, total(is_over_limit) AS is_over_limit, count(*) AS n
                    FROM (\(ranked)) WHERE rank > ? GROUP BY unit ORDER BY unit
                    """,
                arguments: [scopeLimit])
            var omitted = 0
            for row in overflow {
                omitted += row["n"] as Int
                budgets.append(
                    MetricsSnapshot.BudgetGauges(
                        tenant: row["tenant_id"], scope: row["scope_path"], unit: row["unit"],
                        allocated: Self.clampedInt64(row["allocated"]), remaining: Self.clampedInt64(row["remaining"]),
                        reserved: Self.clampedInt64(row["reserved"]), spent: Self.clampedInt64(row["spent"]),
                        debt: Self.clampedInt64(row["debt"]), overLimit: Self.clampedInt64(row["is_over_limit"])))
            }
            let counts = try Row.fetchOne(
                db, sql: "SELECT count(*) AS total, coalesce(sum(is_over_limit != 0), 0) AS over_limit FROM budget")!
            var deliveries: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM webhook_delivery GROUP BY status") {
                deliveries[row["status"]] = row["n"]
            }
            return MetricsSnapshot(
                budgets: budgets, budgetCount: counts["total"], omittedBudgetCount: omitted,
                overLimitCount: counts["over_limit"], deliveriesByStatus: deliveries)
        }
    }

    /// A REAL sum back to Int64, saturating instead of trapping (a metric, not money that moves).
    static func clampedInt64(_ value: Double) -> Int64 {
        if value >= 9.2e18 { return .max }
        if value <= -9.2e18 { return .min }
        return Int64(value)
    }
}
