import CyclesConformance
import CyclesProtocol
import Testing

/// A provisioner that hands out fixtures without a server, counting what it disposed.
actor FakeProvisionerState {
    var disposed = 0
    func dispose() { disposed += 1 }
}

struct FakeProvisioner: Provisioner {
    let state = FakeProvisionerState()
    var name: String { "fake" }
    func provision(_ plan: FixturePlan) async throws -> Fixture {
        Fixture(namespace: "fake", tenants: [ProvisionedTenant(tenantID: "t", apiKey: "k", budgetScopes: ["tenant:t"])])
    }
    func clock(for fixture: Fixture) async throws -> any FixtureClock { throw CheckSkipped("fake has no clock") }
    func closeTenant(_ tenantID: String, in fixture: Fixture) async throws { throw CheckSkipped("no") }
    func dispose(_ fixture: Fixture) async { await state.dispose() }
}

struct RunnerTests {
    static let fakeChecks: [ConformanceCheck] = [
        ConformanceCheck("T-WIRE-001", .must, .wire, "passes", spec: "§t") { context in
            _ = try await context.fixture()
        },
        ConformanceCheck("T-WIRE-002", .must, .wire, "fails", spec: "§t") { context in
            try context.expect(1 + 1 == 3, "arithmetic", expected: "3")
        },
        ConformanceCheck("T-WIRE-003", .should, .wire, "skips without clock", spec: "§t") { context in
            let fixture = try await context.fixture()
            _ = try await context.virtualClock(fixture)
        },
        ConformanceCheck("T-WIRE-004", .may, .wire, "listed and failing", spec: "§t") { _ in
            throw CheckFailure("known gap")
        },
        ConformanceCheck("T-WIRE-005", .must, .wire, "admin only", spec: "§t", requires: [.adminKey]) { _ in
            throw CheckFailure("must not run")
        },
        ConformanceCheck("T-WIRE-006", .must, .wire, "hangs", spec: "§t") { _ in
            try await Task.sleep(for: .seconds(600))
        },
        ConformanceCheck("T-WIRE-007", .must, .wire, "listed but passing", spec: "§t") { _ in },
    ]

    @Test("The runner classifies pass, fail, skip, expected-fail and timeouts, and disposes fixtures")
    func classification() async {
        let provisioner = FakeProvisioner()
        let client = WireClient(baseURL: "http://127.0.0.1:9")
        let runner = ConformanceRunner(
            client: client, provisioner: provisioner,
            options: RunOptions(allowsRealTimeWaits: false, seed: 7, parallelism: 3, checkTimeout: .milliseconds(300)),
            expectedFailures: ExpectedFailures(parsing: "T-WIRE-004\nT-WIRE-007"))
        let report = await runner.run(Self.fakeChecks, profile: .all)
        await client.shutdown()
        let statuses = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0.status) })
        #expect(statuses["T-WIRE-001"] == .pass)
        #expect(statuses["T-WIRE-002"] == .fail)
        #expect(statuses["T-WIRE-003"] == .skip)
        #expect(statuses["T-WIRE-004"] == .expectedFail)
        #expect(statuses["T-WIRE-005"] == .skip)
        #expect(statuses["T-WIRE-006"] == .fail)
        #expect(statuses["T-WIRE-007"] == .pass)
        #expect(report.checks.map(\.id) == Self.fakeChecks.map(\.id), "results keep catalogue order")
        let failed = report.checks.first { $0.id == "T-WIRE-002" }
        #expect(failed?.evidence.expected == "3")
        #expect(report.checks.first { $0.id == "T-WIRE-003" }?.evidence.message?.contains("fake has no clock") == true)
        #expect(report.checks.first { $0.id == "T-WIRE-007" }?.evidence.notes.last?.contains("remove it") == true)
        #expect(report.hasMustFailures)
        #expect(await provisioner.state.disposed == 2)
    }
}
