import CyclesProtocol
import GRDB

/// Finding the budgets a subject is enforced against, and the reserve-time checks on them.
extension Ledger {
    /// The budgets that apply to a request: its derived scopes that hold a budget in the request's unit.
    enum Enforcement {
        /// At least one derived scope is budgeted in the unit (root first).
        case budgets([BudgetRecord])
        /// No derived scope has a budget in the unit, but some has one in another unit (400 UNIT_MISMATCH).
        case unitMismatch(LedgerError)
        /// No derived scope has a budget in any unit (404 NOT_FOUND / DENY BUDGET_NOT_FOUND).
        case noBudget(LedgerError)
    }

    /// A reason a scope blocks a new reservation, in the order reserve checks them.
    struct Denial: Sendable {
        var reason: DecisionReasonCode
        var error: LedgerError
    }

    func enforcement(_ db: Database, tenant: String, path: ScopePath, unit: BudgetUnit, field: String) throws
        -> Enforcement
    {
        let scopes = path.affectedScopes
        let placeholders = Array(repeating: "?", count: scopes.count).joined(separator: ", ")
        var arguments: [(any DatabaseValueConvertible)?] = [tenant]
        arguments.append(contentsOf: scopes.map { $0 as (any DatabaseValueConvertible)? })
        // A cursor, decoding each row as it is stepped: no copy of the rows as fetchAll would make.
        let cursor = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT \(BudgetRecord.columns) FROM budget WHERE tenant_id = ? AND scope_path IN (\(placeholders))"
            ), arguments: StatementArguments(arguments))
        var all: [BudgetRecord] = []
        while let row = try cursor.next() { all.append(BudgetRecord(row: row)) }
        let matching = all.filter { $0.unit == unit }
            .sorted { (scopes.firstIndex(of: $0.scopePath) ?? 0) < (scopes.firstIndex(of: $1.scopePath) ?? 0) }
        if !matching.isEmpty { return .budgets(matching) }
        let description = path.description
        if let other = all.sorted(by: { $0.scopePath < $1.scopePath }).first {
            let expected = Array(Set(all.map(\.unit.rawValue))).sorted()
            return .unitMismatch(
                LedgerError(
                    .unitMismatch,
                    "\(field).unit \(unit.rawValue) does not match the budget unit(s) \(expected.joined(separator: ", ")) at scope \(other.scopePath)",
                    details: [
                        "scope": .string(other.scopePath), "requested_unit": .string(unit.rawValue),
                        "expected_units": .array(expected.map(JSONValue.string)),
                    ], tenant: tenant))
        }
        return .noBudget(
            LedgerError(.notFound, "Budget not found for provided scope: \(description)", tenant: tenant))
    }

    /// Reserve-time checks across **all** budgeted scopes, one condition at a time (protocol.md §16.8):
    /// FROZEN/CLOSED, then over-limit, then debt, then remaining. Checking each condition across every scope before
    /// the next guarantees "over-limit beats debt" even when the two sit on different scopes.
    func denial(for budgets: [BudgetRecord], amount: Int64, tenant: String) -> Denial? {
        for budget in budgets where budget.status == "FROZEN" {
            return Denial(
                reason: .budgetFrozen,
                error: LedgerError(.budgetFrozen, "Budget is frozen at scope \(budget.scopePath)", tenant: tenant))
        }
        for budget in budgets where budget.status == "CLOSED" {
            return Denial(
                reason: .budgetClosed,
                error: LedgerError(.budgetClosed, "Budget is closed at scope \(budget.scopePath)", tenant: tenant))
        }
        for budget in budgets where budget.isOverLimit {
            return Denial(
                reason: .overdraftLimitExceeded,
                error: LedgerError(
                    .overdraftLimitExceeded, "Scope \(budget.scopePath) is over its limit; new reservations are blocked",
                    tenant: tenant))
        }
        // DEBT_OUTSTANDING only when the scope allows no overdraft. The Balance prose says "when debt > 0, new
        // reservations MUST be rejected with DEBT_OUTSTANDING (unless explicitly allowed by policy)"; the reason-code
        // definition says "debt > 0 and overdraft_limit == 0 (no policy permits further debt accrual)". Read together,
        // a positive overdraft_limit *is* the policy that allows it, so only the second reading satisfies both texts
        // (and it is the reference server's, protocol.md §16.7). With 0 < debt ≤ limit the remaining check below
        // decides. The kit (SRV-ERR-021, SRV-ERR-039) also accepts the stricter prose-only reading.
        for budget in budgets where budget.debt > 0 && budget.overdraftLimit == 0 {
            return Denial(
                reason: .debtOutstanding,
                error: LedgerError(
                    .debtOutstanding, "Scope \(budget.scopePath) has outstanding debt \(budget.debt)", tenant: tenant))
        }
        for budget in budgets where budget.remaining < amount {
            return Denial(
                reason: .budgetExceeded,
                error: LedgerError(
                    .budgetExceeded, "Insufficient budget at scope \(budget.scopePath)",
                    details: [
                        "scope": .string(budget.scopePath), "remaining": .integer(budget.remaining),
                        "requested": .integer(amount),
                    ], tenant: tenant))
        }
        return nil
    }

    /// Caps come from the budget at the deepest enforced scope, as the reference server stores them (the protocol
    /// does not say where caps come from; we have no policy objects).
    func caps(for budgets: [BudgetRecord]) -> Caps? {
        guard let caps = budgets.last?.caps, !caps.isEmpty else { return nil }
        return caps
    }

    /// Re-reads budget rows by key (used to answer with current balances).
    func budgets(_ db: Database, tenant: String, scopes: [String], unit: BudgetUnit) throws -> [BudgetRecord] {
        try scopes.compactMap { scope in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT \(BudgetRecord.columns) FROM budget WHERE tenant_id = ? AND scope_path = ? AND unit = ?"
                ), arguments: [tenant, scope, unit.rawValue]
            ).map(BudgetRecord.init(row:))
        }
    }
}
