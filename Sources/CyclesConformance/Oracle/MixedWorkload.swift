import CyclesProtocol

/// A seeded random mix of reserves, commits (under and over the estimate), releases, extends and decides from
/// several concurrent workers over a small scope tree, judged afterwards by ``LedgerOracle``.
struct MixedWorkload: Sendable {
    let seed: UInt64
    let workers = 8
    let operationsPerWorker = 12
    static let subjects = ["", "workspace:w1", "workspace:w1/agent:a1", "workspace:w2"]

    func run(_ context: CheckContext) async throws {
        let plans = [
            BudgetPlan(allocated: 60_000), BudgetPlan("workspace:w1", allocated: 25_000),
            BudgetPlan("workspace:w1/agent:a1", allocated: 9_000), BudgetPlan("workspace:w2", allocated: 25_000),
        ]
        let tenant = try await context.fixture(FixturePlan(tenants: [TenantPlan(budgets: plans)])).tenant
        await context.note("workload seed \(seed) (rerun with --seed \(seed))")
        var allocated: [String: Int64] = [:]
        for (scope, plan) in zip(tenant.budgetScopes, plans) { allocated[scope] = plan.allocated }
        let oracle = LedgerOracle(budgetScopes: tenant.budgetScopes, allocated: allocated)
        let book = HistoryBook()

        _ = try await context.concurrently(workers) { worker in
            var random = SeededGenerator(seed: seed &+ UInt64(worker) &* 0x9E37_79B9)
            for _ in 0..<operationsPerWorker {
                try await step(context, tenant, book, &random)
            }
        }
        // Settle what is still ACTIVE so the final ledger must show reserved = 0 everywhere.
        for history in await book.all() where history.impliedStatus == "ACTIVE" {
            await book.record(history.id, "release", try await context.release(tenant, history.id))
        }
        let histories = await book.all()
        var finalStatuses: [String: String] = [:]
        for history in histories {
            let detail = try await context.getReservation(tenant, history.id)
            if detail.status == 200, let status = detail.json?["status"]?.stringValue { finalStatuses[history.id] = status }
        }
        let ledgers = try await context.ledgers(tenant)
        await context.note("\(histories.count) reservations; ledgers: \(ledgers.values.map(\.description).sorted())")
        let problems = oracle.violations(ledgers: ledgers, histories: histories, finalStatuses: finalStatuses)
        try context.expect(
            problems.isEmpty, "invariants violated: \(problems.prefix(8).joined(separator: " | "))",
            expected: "identity, reserved = Σ ACTIVE, spent = Σ charged, at most one settlement each")
    }

    private func step(
        _ context: CheckContext, _ tenant: ProvisionedTenant, _ book: HistoryBook, _ random: inout SeededGenerator
    ) async throws {
        let below = Self.subjects[Int.random(in: 0..<Self.subjects.count, using: &random)]
        let estimate = Int64.random(in: 100...3_000, using: &random)
        let roll = Int.random(in: 0..<10, using: &random)
        if roll == 0 {
            let decide = try await context.decide(tenant, estimate: estimate, below: below)
            try context.expectStatus(decide, 200, spec: "§8 decide never 409")
            return
        }
        let answer = try await context.reserve(
            tenant, estimate: estimate, below: below, extra: ["overage_policy": "REJECT"])
        guard answer.status == 200, let id = answer.json?["reservation_id"]?.stringValue else {
            try context.expectError(answer, 409, .budgetExceeded, spec: "§7 reserve (REJECT, no debt possible)")
            return
        }
        let path = ScopePath(parsing: "tenant:\(tenant.tenantID)" + (below.isEmpty ? "" : "/" + below))?.description ?? ""
        await book.open(ReservationHistory(id: id, scopePath: path, estimate: estimate))
        let choice = Int.random(in: 0..<10, using: &random)
        if choice < 2 {
            await book.record(id, "extend", try await context.extend(tenant, id, byMs: 5_000))
        }
        switch choice {
        case 0..<5:
            let actual = Int64.random(in: 0...estimate, using: &random)
            await book.record(id, "commit", try await context.commit(tenant, id, actual: actual))
        case 5..<7:
            // Over the estimate under REJECT: refused with nothing changed, then released.
            let over = try await context.commit(tenant, id, actual: estimate + 1)
            await book.record(id, "commit", over)
            if over.status == 200 {
                throw CheckFailure(
                    "\(over.summary): a REJECT commit above the estimate was accepted", expected: "409 BUDGET_EXCEEDED",
                    spec: "§7 commit REJECT", exchange: over)
            }
            await book.record(id, "release", try await context.release(tenant, id))
        case 7..<9:
            await book.record(id, "release", try await context.release(tenant, id))
        default:
            break  // left ACTIVE until the end of the run
        }
    }
}
