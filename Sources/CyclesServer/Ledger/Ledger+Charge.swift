import CyclesProtocol

/// The overage arithmetic shared by commit (`held` = the reservation's estimate) and events (`held` = 0).
extension Ledger {
    struct ChargeResult {
        var budgets: [BudgetRecord]
        var charged: Int64
    }

    /// Computes new ledger rows for charging `actual` against `budgets`, releasing `held` from `reserved`.
    /// Pure: nothing is written, so a thrown error leaves the database untouched.
    ///
    /// - delta = actual − held ≤ 0: charge `actual`, return the rest.
    /// - REJECT: commits reject any overage (`rejectAnyOverage`, as the reference server); events reject only when
    ///   some scope's remaining cannot cover it. 409 BUDGET_EXCEEDED, nothing changes.
    /// - ALLOW_IF_AVAILABLE: cap the overage at the smallest non-negative remaining, charge held + capped, and flag
    ///   `is_over_limit` on every scope whose remaining could not cover the full overage. Never debt, never rejects.
    /// - ALLOW_WITH_OVERDRAFT (the spec's formula): scopes without an overdraft limit cap the overage as above;
    ///   scopes with a limit whose remaining cannot cover the delta take the whole delta as debt (their `spent` grows
    ///   by `held` only), and the whole charge fails with 409 OVERDRAFT_LIMIT_EXCEEDED if any
    ///   `debt + delta > overdraft_limit`.
    /// `allocated = remaining + reserved + spent + debt` holds for every row afterwards.
    func charge(
        _ budgets: [BudgetRecord], held: Int64, actual: Int64, policy: CommitOveragePolicy, rejectAnyOverage: Bool,
        tenant: String
    ) throws -> ChargeResult {
        let delta = actual - held  // both are non-negative Int64, so this cannot overflow
        var updated = budgets
        func add(_ a: Int64, _ b: Int64, _ what: String) throws -> Int64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if overflow { throw LedgerError.invalid("actual.amount overflows the \(what) of the budget ledger") }
            return sum
        }
        if delta <= 0 {
            for index in updated.indices {
                updated[index].reserved -= held
                updated[index].spent = try add(updated[index].spent, actual, "spent")
                updated[index].remaining = try add(updated[index].remaining, held - actual, "remaining")
            }
            return ChargeResult(budgets: updated, charged: actual)
        }
        switch policy {
        case .reject:
            let short = budgets.first { $0.remaining < delta }
            if rejectAnyOverage || short != nil {
                throw LedgerError(
                    .budgetExceeded,
                    rejectAnyOverage
                        ? "Actual exceeds estimate and policy is REJECT"
                        : "Insufficient budget at scope \(short?.scopePath ?? "")", tenant: tenant)
            }
            for index in updated.indices {
                updated[index].reserved -= held
                updated[index].spent = try add(updated[index].spent, actual, "spent")
                updated[index].remaining -= delta
            }
            return ChargeResult(budgets: updated, charged: actual)
        case .allowWithOverdraft:
            // Scopes without an overdraft limit cannot take debt; they cap the overage at what they have
            // (protocol.md §16.10: limit 0 behaves as ALLOW_IF_AVAILABLE).
            let zeroLimitFloor = budgets.filter { $0.overdraftLimit == 0 }.map { max($0.remaining, 0) }.min()
            let capped = min(delta, zeroLimitFloor ?? delta)
            // The spec's formula, not the reference server's deficit model: a scope whose remaining cannot cover
            // the delta takes the *whole* delta as debt, and the commit is refused when
            // (current_debt + delta) > overdraft_limit (CommitOveragePolicy; Balance "OVERDRAFT LIMIT"; events
            // use `actual`, which is this delta with held = 0). The reference server counts only the unfunded
            // part, so it accepts commits the spec refuses; the kit's SRV-ERR-035 notes that.
            for budget in budgets where budget.overdraftLimit > 0 && budget.remaining < capped {
                let (debt, overflow) = budget.debt.addingReportingOverflow(capped)
                if overflow || debt > budget.overdraftLimit {
                    throw LedgerError(
                        .overdraftLimitExceeded,
                        "Overdraft limit exceeded at scope \(budget.scopePath): debt \(budget.debt) + delta \(capped) > overdraft_limit \(budget.overdraftLimit)",
                        tenant: tenant)
                }
            }
            for index in updated.indices {
                let before = updated[index]
                let (remaining, overflow) = before.remaining.subtractingReportingOverflow(capped)
                if overflow { throw LedgerError.invalid("actual.amount overflows the remaining of the budget ledger") }
                if before.overdraftLimit > 0 && before.remaining < capped {
                    updated[index].spent = try add(before.spent, held, "spent")
                    updated[index].debt = before.debt + capped  // bounded by the limit check above
                } else {
                    updated[index].spent = try add(before.spent, held + capped, "spent")
                }
                updated[index].remaining = remaining
                updated[index].reserved -= held
                if updated[index].debt > updated[index].overdraftLimit && updated[index].overdraftLimit > 0 {
                    updated[index].isOverLimit = true
                }
                if before.overdraftLimit == 0 && before.remaining < delta { updated[index].isOverLimit = true }
            }
            return ChargeResult(budgets: updated, charged: held + capped)
        default:  // ALLOW_IF_AVAILABLE
            let floor = budgets.map { max($0.remaining, 0) }.min() ?? 0
            let capped = min(delta, floor)
            for index in updated.indices {
                let before = updated[index]
                updated[index].remaining = before.remaining - capped
                updated[index].reserved -= held
                updated[index].spent = try add(before.spent, held + capped, "spent")
                if before.remaining < delta { updated[index].isOverLimit = true }
            }
            return ChargeResult(budgets: updated, charged: held + capped)
        }
    }
}
