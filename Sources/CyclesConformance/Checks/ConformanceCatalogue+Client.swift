public import Cycles
import CyclesProtocol

/// Client mode: workloads driven through our Swift `Cycles` client against the target, judged from the server's
/// ledger (the client must never double-settle and never leak a reservation).
extension ConformanceCatalogue {
    static let client: [ConformanceCheck] = [
        ConformanceCheck(
            "CLI-CLIENT-001", .must, .client,
            "withCycles reserves, runs the body and commits the actual exactly once",
            spec: "issue 3 withCycles; §7 commit", requires: [.fixtures, .client]
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let client = context.cyclesClient(tenant)
            let value = try await withCycles(
                client, estimate: .tokens(1_000), action: Action(kind: "llm.completion", name: "conformance:client")
            ) { _ in ("done", Amount.tokens(640)) }
            try context.expect(value == "done", "withCycles returned \(value)", expected: "the body's value")
            try await context.expectLedger(of: tenant, remaining: 9_360, reserved: 0, spent: 640)
            try await context.expectNoActiveReservations(tenant)
        },
        ConformanceCheck(
            "CLI-CLIENT-002", .must, .client,
            "When the withCycles body throws, the error is rethrown unchanged and the reservation is released",
            spec: "issue 3 withCycles; §7 release", requires: [.fixtures, .client]
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let client = context.cyclesClient(tenant)
            do {
                let _: Int = try await withCycles(
                    client, estimate: .tokens(1_000), action: Action(kind: "tool.search", name: "conformance:client")
                ) { _ in throw ClientModeProbeError() }
                throw CheckFailure("withCycles returned although its body threw", expected: "the body's error")
            } catch is ClientModeProbeError {
                // Expected: the body's own error, unchanged.
            }
            try await context.expectLedger(of: tenant, remaining: 10_000, reserved: 0, spent: 0)
            try await context.expectNoActiveReservations(tenant)
        },
        ConformanceCheck(
            "CLI-CLIENT-003", .must, .client,
            "Twenty concurrent withCycles calls against a budget that fits five: five commit, fifteen fail with BUDGET_EXCEEDED, nothing leaks",
            spec: "CONFORMANCE: no oversubscription; issue 3 error mapping", requires: [.fixtures, .client],
            runsAlone: true
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 5_000)).tenant
            let client = context.cyclesClient(tenant)
            let outcomes = try await context.concurrently(20) { _ -> String in
                do {
                    try await withCycles(
                        client, estimate: .tokens(1_000), action: Action(kind: "llm.completion", name: "conformance:client")
                    ) { _ in
                        // actual == estimate: a commit below the estimate would hand budget back, and a late
                        // 6th reserve could then succeed legitimately, making the expected count timing-dependent.
                        ((), Amount.tokens(1_000))
                    }
                    return "committed"
                } catch let error as CyclesError {
                    return error.isBudgetExceeded ? "budget_exceeded" : "other: \(error)"
                }
            }
            await context.note("outcomes: \(outcomes.sorted())")
            let committed = outcomes.filter { $0 == "committed" }.count
            let exceeded = outcomes.filter { $0 == "budget_exceeded" }.count
            try context.expect(
                committed == 5 && exceeded == 15, "\(committed) committed, \(exceeded) budget-exceeded, others: \(outcomes.filter { $0.hasPrefix("other") })",
                expected: "5 committed and 15 CyclesError.isBudgetExceeded")
            try await context.expectLedger(of: tenant, remaining: 0, reserved: 0, spent: 5_000)
            try await context.expectNoActiveReservations(tenant)
        },
        ConformanceCheck(
            "CLI-CLIENT-004", .must, .client,
            "A guard committed after its reservation expired settles once through POST /v1/events, never twice",
            spec: "client recovery profile: 410 on commit → settle via events", requires: [.fixtures, .client, .clock]
        ) { context in
            let fixture = try await context.fixture(.single(allocated: 10_000))
            let tenant = fixture.tenant
            let driver = try await context.virtualClock(fixture)
            let client = context.cyclesClient(tenant)
            let reservation = try await client.reserve(
                estimate: .tokens(1_000), action: Action(kind: "llm.completion", name: "conformance:client"),
                options: ReservationOptions(ttlMs: 1_000, gracePeriodMs: 0))
            try await driver.pass(milliseconds: 1_001)
            let receipt = try await reservation.commit(actual: .tokens(800))
            try context.expect(
                receipt.recoveredViaEvent, "commit receipt path \(receipt.path)",
                expected: "settled through POST /v1/events after 410")
            try await context.expectLedger(of: tenant, remaining: 9_200, reserved: 0, spent: 800)
        },
    ]
}

/// The error a client-mode body throws on purpose.
struct ClientModeProbeError: Error, Equatable {}

extension CheckContext {
    /// Our Swift client for `tenant` on the target (heartbeat off: checks drive time themselves).
    public func cyclesClient(_ tenant: ProvisionedTenant) -> CyclesClient {
        CyclesClient(
            config: CyclesConfig(
                baseURL: client.baseURL, apiKey: tenant.apiKey, subjectDefaults: Subject(tenant: tenant.tenantID),
                heartbeatEnabled: false))
    }

    /// Fails when `tenant` still has ACTIVE reservations (a leak).
    public func expectNoActiveReservations(_ tenant: ProvisionedTenant) async throws {
        let answer = try await send(request("GET", "/v1/reservations?status=ACTIVE", tenant))
        try expectStatus(answer, 200, spec: "listReservations")
        let rows = answer.json?["reservations"]?.arrayValue ?? []
        try expect(rows.isEmpty, "\(rows.count) reservations are still ACTIVE", expected: "none left behind", exchange: answer)
    }
}
