import AsyncHTTPClient
import CyclesProtocol
import CyclesServer
import CyclesTesting
import Testing

/// Every control through the typed `CyclesTesting` helpers.
struct CyclesTestServerTests {
    @Test("start() serves the seed: base URL, API key and budgets are ready")
    func startServesSeed() async throws {
        try await TestFixtures.withServer { server, caller in
            #expect(server.baseURL.hasPrefix("http://127.0.0.1:"))
            #expect(server.apiKey == TestFixtures.apiKey)
            let budgets = try await server.balances()
            #expect(budgets.count == 1)
            #expect(budgets.first?.allocated == 1_000_000)
            #expect(budgets.first?.remaining == 1_000_000)
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 10).status == 200)
        }
    }

    @Test("seed(_:) adds tenants and budgets to the running server")
    func seedAddsTenants() async throws {
        try await TestFixtures.withServer { server, _ in
            let summary = try await server.seed(.testing(tenantID: "second", apiKey: "cyc_test_second_000000"))
            #expect(summary.tenants == 1)
            #expect(summary.budgets == 1)
            #expect(try await server.balances().map(\.tenantID).sorted() == [TestFixtures.tenant, "second"])
            await #expect(throws: CyclesMockControlError.self) {
                // The same budget twice is refused, and the error keeps the protocol code.
                try await server.seed(.testing(tenantID: "second", apiKey: "cyc_test_second_000000"))
            }
        }
    }

    @Test("freezeClock and advanceClock(by:) drive expiry without sleeping")
    func clockHelpers() async throws {
        try await TestFixtures.withServer { server, caller in
            let frozen = try await server.freezeClock(at: 1_800_000_000_000)
            #expect(frozen.mode == "frozen")
            let reserve = try await caller.reserve(tenant: TestFixtures.tenant, amount: 5_000, ttlMs: 2_000)
            let reservationID = try #require(RuntimeCaller.reservationID(of: reserve))
            #expect(reserve.json?["expires_at_ms"]?.integerValue == 1_800_000_002_000)
            // ttl 2 s + default grace 5 s: at exactly +7 s the reservation is still within its grace period.
            #expect(try await server.advanceClock(by: .seconds(7)).expired.isEmpty)
            let advance = try await server.advanceClock(by: .milliseconds(1))
            #expect(advance.expired == [reservationID])
            #expect(advance.nowMs == 1_800_000_007_001)
            #expect(try await server.balances().first?.reserved == 0)
            #expect(try await server.clock().nowMs == 1_800_000_007_001)
            let real = try await server.setClock(.real)
            #expect(real.mode == "real")
            try await server.assertInvariants()
        }
    }

    @Test("inject(_:) and faults() report counters; clearFaults() removes them")
    func faultHelpers() async throws {
        try await TestFixtures.withServer { server, caller in
            let rule = try await server.inject(.error(503, on: .reserve, times: .times(2)))
            #expect(rule.id != nil)
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 1).status == 503)
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 1).status == 503)
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 1).status == 200)
            let listed = try #require(try await server.faults().first)
            #expect(listed.applied == 2)
            #expect(listed.matched == 2)
            try await server.clearFaults()
            #expect(try await server.faults().isEmpty)
        }
    }

    @Test("journal(_:) answers 'was the commit retried once with the same key?'")
    func journalHelper() async throws {
        try await TestFixtures.withServer { server, caller in
            let reserve = try await caller.reserve(tenant: TestFixtures.tenant, amount: 100)
            let reservationID = try #require(RuntimeCaller.reservationID(of: reserve))
            try await server.inject(.error(503, on: .commit))
            _ = try await caller.commit(reservationID, amount: 50, key: "same-key")
            _ = try await caller.commit(reservationID, amount: 50, key: "same-key")
            let commits = try await server.journal(JournalQuery(operation: .commit, reservationID: reservationID))
            #expect(commits.count == 2)
            #expect(Set(commits.compactMap(\.idempotencyKey)) == ["same-key"])
            #expect(commits.map(\.status) == [503, 200])
            #expect(commits.first?.fault == "error:503:INTERNAL_ERROR")
        }
    }

    @Test("reset() returns the default namespace to its start seed")
    func resetRestoresSeed() async throws {
        try await TestFixtures.withServer { server, caller in
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 400_000).status == 200)
            #expect(try await server.balances().first?.reserved == 400_000)
            try await server.inject(FaultRule(match: FaultMatch(namespace: "default"), effect: .dropResponse))
            try await server.reset()
            let budget = try #require(try await server.balances().first)
            #expect(budget.reserved == 0)
            #expect(budget.remaining == 1_000_000)
            #expect(try await server.state().reservations.isEmpty)
            #expect(try await server.faults().isEmpty)
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 1).status == 200)
        }
    }

    @Test("Namespaces isolate budgets and clocks on one server")
    func namespacesIsolate() async throws {
        try await TestFixtures.withServer { server, _ in
            let first = try await server.makeNamespace()
            let second = try await server.makeNamespace("second-ns")
            #expect(second.name == "second-ns")
            #expect(first.name != second.name)
            try await first.freezeClock(at: 1_000_000)
            #expect(try await first.clock().nowMs == 1_000_000)
            #expect(try await second.clock().mode == "real")
            let firstCaller = RuntimeCaller(baseURL: server.baseURL, apiKey: first.apiKey)
            let tenant = try #require(try await first.balances().first?.tenantID)
            #expect(try await firstCaller.reserve(tenant: tenant, amount: 7).status == 200)
            #expect(try await first.state().reservations.count == 1)
            #expect(try await second.state().reservations.isEmpty)
            #expect(try await first.journal().count == 1)
            #expect(try await second.journal().isEmpty)
            try await second.reset()
            #expect(try await first.state().reservations.count == 1)
            try await first.delete()
            await #expect(throws: CyclesMockControlError.self) { try await first.delete() }
        }
    }

    @Test("A namespace's injected fault stays in that namespace")
    func namespacedFault() async throws {
        try await TestFixtures.withServer { server, caller in
            let isolated = try await server.makeNamespace()
            try await isolated.inject(.error(503, on: .reserve, times: .always))
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 1).status == 200)
            let isolatedCaller = RuntimeCaller(baseURL: server.baseURL, apiKey: isolated.apiKey)
            let tenant = try #require(try await isolated.balances().first?.tenantID)
            #expect(try await isolatedCaller.reserve(tenant: tenant, amount: 1).status == 503)
        }
    }

    @Test("InvariantViolationError lists every violation")
    func invariantErrorDescription() {
        let error = InvariantViolationError(
            namespace: "ns1",
            violations: [
                InvariantViolation(
                    kind: "ledger_identity", namespace: "ns1", scopePath: "tenant:a", unit: "TOKENS",
                    message: "allocated 10 != remaining 3 + reserved 0 + spent 5 + debt 0")
            ])
        #expect(error.description.contains("namespace 'ns1' (1)"))
        #expect(error.description.contains("allocated 10 != remaining 3"))
    }

    @Test("Deterministic ids: two servers with the same id seed hand out the same reservation ids")
    func deterministicIDs() async throws {
        func firstReservationID() async throws -> String? {
            try await TestFixtures.withServer(deterministicIDSeed: 7) { _, caller in
                RuntimeCaller.reservationID(of: try await caller.reserve(tenant: TestFixtures.tenant, amount: 1))
            }
        }
        let first = try await firstReservationID()
        #expect(first != nil)
        #expect(try await firstReservationID() == first)
    }

    @Test("stop() is graceful and idempotent, and the port stops answering")
    func stopTwice() async throws {
        let server = try await CyclesTestServer.start()
        await server.stop()
        await server.stop()
        // A fresh client (no pooled connection) must be refused.
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let controls = CyclesMockControlClient(baseURL: server.baseURL, adminKey: server.adminKey, httpClient: httpClient)
        await #expect(throws: CyclesMockControlError.self) { _ = try await controls.state() }
        try await httpClient.shutdown()
    }
}
