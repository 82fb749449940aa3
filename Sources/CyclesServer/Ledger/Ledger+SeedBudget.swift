import CyclesProtocol
import GRDB

/// A seed budget is applied as the admin operations that build it, through the same functions the admin API uses:
/// create (`validate` + `insertBudget`), RESET_SPENT for a seeded `spent` (`applyFunding`), and freeze for a FROZEN
/// status (`transitionBudgetStatus`). What the admin plane has no operation for stays seed-only and is written last:
/// outstanding debt, an explicit `is_over_limit`, caps, and a CLOSED status (budgets close only with their tenant).
extension Ledger {
    func seedBudget(_ db: Database, _ seed: SeedBudget, keepExisting: Bool, now: Int64) throws {
        let request = BudgetCreateRequest(
            tenantID: seed.tenantID, scope: seed.scope, unit: seed.unit,
            allocated: Amount(unit: seed.unit, amount: seed.allocated),
            overdraftLimit: seed.overdraftLimit.map { Amount(unit: seed.unit, amount: $0) },
            commitOveragePolicy: seed.commitOveragePolicy)
        let scope = try Self.validate(request, tenantID: seed.tenantID).description
        if keepExisting, try fetchBudgetLedger(db, tenantID: seed.tenantID, scope: scope, unit: seed.unit) != nil {
            // A restart over a persistent database: the budget keeps its ledger state.
            return
        }
        var ledger = try insertBudget(db, tenantID: seed.tenantID, scope: scope, request: request, now: now)
        // Not audited: a seed is the operator's setup before any request, like seeded tenants and keys.
        if let spent = seed.spent, spent != 0 {
            _ = try applyFunding(
                db, ledger, operation: .resetSpent, amount: seed.allocated, spent: spent, now: now)
        }
        let debt = seed.debt ?? 0
        // Seeds state the flag explicitly (default false), so a seeded debt without an overdraft limit exercises
        // DEBT_OUTSTANDING rather than being folded into over-limit.
        try db.execute(
            sql: """
                UPDATE budget SET debt = ?, remaining = remaining - ?, is_over_limit = ?, caps_json = ?
                WHERE tenant_id = ? AND scope_path = ? AND unit = ?
                """,
            arguments: [
                debt, debt, seed.isOverLimit ?? false, try seed.caps.map { try LedgerJSON.string($0) }, seed.tenantID,
                scope, seed.unit.rawValue,
            ])
        switch seed.status ?? "ACTIVE" {
        case "FROZEN":
            ledger = try fetchBudgetLedger(db, tenantID: seed.tenantID, scope: scope, unit: seed.unit)!
            _ = try transitionBudgetStatus(db, ledger, to: "FROZEN")
        case "CLOSED":
            try db.execute(
                sql: "UPDATE budget SET status = 'CLOSED' WHERE tenant_id = ? AND scope_path = ? AND unit = ?",
                arguments: [seed.tenantID, scope, seed.unit.rawValue])
        default:
            break
        }
    }
}
