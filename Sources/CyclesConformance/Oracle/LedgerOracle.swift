import CyclesProtocol

/// Checks the ledger against what a workload observed, instead of predicting an order of events:
/// the identity on every scope, `reserved` = Σ ACTIVE estimates, `spent` = Σ charged, and legal state sequences.
public struct LedgerOracle: Sendable {
    /// Budget scopes of the fixture tenant.
    public var budgetScopes: [String]
    /// The allocation of each budget scope.
    public var allocated: [String: Int64]

    /// Creates an oracle for the tenant's budgets.
    public init(budgetScopes: [String], allocated: [String: Int64]) {
        self.budgetScopes = budgetScopes
        self.allocated = allocated
    }

    /// The budget scopes a reservation on `scopePath` is enforced on (its budgeted prefixes).
    public func enforcedScopes(of scopePath: String) -> [String] {
        budgetScopes.filter { scopePath == $0 || scopePath.hasPrefix($0 + "/") }
    }

    /// Every way `ledgers` and `histories` disagree (empty when all invariants hold).
    public func violations(ledgers: [String: LedgerSnapshot], histories: [ReservationHistory], finalStatuses: [String: String])
        -> [String]
    {
        var problems: [String] = []
        for scope in budgetScopes {
            guard let ledger = ledgers[scope] else {
                problems.append("\(scope): no balance row")
                continue
            }
            if !ledger.identityHolds { problems.append("identity broken: \(ledger)") }
            if let expected = allocated[scope], let reported = ledger.allocated, reported != expected {
                problems.append("\(scope): allocated changed from \(expected) to \(reported)")
            }
            let mine = histories.filter { enforcedScopes(of: $0.scopePath).contains(scope) }
            let activeSum = mine.filter { $0.impliedStatus == "ACTIVE" }.reduce(Int64(0)) { $0 + $1.estimate }
            let chargedSum = mine.reduce(Int64(0)) { $0 + ($1.charged ?? 0) }
            if ledger.reserved != activeSum {
                problems.append("\(scope): reserved \(ledger.reserved) but ACTIVE reservations hold \(activeSum)")
            }
            if ledger.spent != chargedSum {
                problems.append("\(scope): spent \(ledger.spent) but successful commits charged \(chargedSum)")
            }
            if ledger.debt != 0 { problems.append("\(scope): debt \(ledger.debt) without any overdraft policy") }
        }
        for history in histories {
            if history.successfulSettlements > 1 {
                problems.append("\(history.id) settled \(history.successfulSettlements) times: \(history.steps)")
            }
            if let final = finalStatuses[history.id], final != history.impliedStatus {
                problems.append("\(history.id) is \(final) but its history \(history.steps) implies \(history.impliedStatus)")
            }
        }
        return problems
    }
}

extension CheckContext {
    /// Every TOKENS balance row of `tenant`, keyed by scope path.
    public func ledgers(_ tenant: ProvisionedTenant) async throws -> [String: LedgerSnapshot] {
        let answer = try await balances(tenant)
        try expectStatus(answer, 200, spec: "getBalances 200", because: "reading the ledger")
        var result: [String: LedgerSnapshot] = [:]
        for row in answer.json?["balances"]?.arrayValue ?? [] where row["remaining"]?["unit"]?.stringValue == "TOKENS" {
            let snapshot = LedgerSnapshot(row)
            result[snapshot.scopePath] = snapshot
        }
        return result
    }
}
