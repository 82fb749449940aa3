import Cycles
import CyclesProtocol
import CyclesServer
import CyclesTesting
import Synchronization
import Testing

/// CR-CORE-003 and CR-BOUNDARY-001 of the client recovery profile against the real server with injected faults
/// (the scripted-responder versions live in CyclesClientTests).
struct HeartbeatAndBoundaryRecoveryTests {
    private let action = Action(kind: "llm.completion", name: "gpt-4o")

    /// Real monotonic time, but every sleep runs 50× faster: the heartbeat schedule keeps its shape (first beat at
    /// lead − margins, retry after min(30 s, lead/4, window)) without the test waiting seconds for it.
    struct FastForwardClock: CyclesClock {
        let base = SystemCyclesClock()
        func monotonicNow() -> Duration { base.monotonicNow() }
        func sleep(for duration: Duration) async throws { try await base.sleep(for: duration / 50) }
    }

    final class HeartbeatLog: Sendable {
        let events = Mutex<[HeartbeatEvent]>([])
        func record(_ event: HeartbeatEvent) { events.withLock { $0.append(event) } }
        var all: [HeartbeatEvent] { events.withLock { $0 } }

        /// Polls until `kind` was reported, for at most about thirty seconds: a bound, not a timing assertion (the
        /// whole suite on two loaded cores can hold the heartbeat's task back for seconds).
        func waitFor(_ kind: HeartbeatEvent.Kind) async throws -> HeartbeatEvent? {
            for _ in 0..<3000 {
                if let event = all.first(where: { $0.kind == kind }) { return event }
                try await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }
    }

    @Test("CR-CORE-003: a heartbeat whose extend meets a dropped connection retries with the same key; the action continues and commits")
    func heartbeatTransportFailureIsNonFatal() async throws {
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            try await server.inject(.dropConnection(on: .extend))
            let log = HeartbeatLog()
            let client = server.makeClient { config in
                config.clock = FastForwardClock()
                config.connectTimeout = .seconds(1)
                config.readTimeout = .seconds(2)
                config.heartbeatObserver = { event in log.record(event) }
            }

            let value = try await withCycles(
                client, estimate: .usdMicrocents(50_000), action: action, options: ReservationOptions(ttlMs: 120_000)
            ) { context in
                // The guarded action keeps running while the heartbeat fails once and then recovers. The TTL is real
                // server time and outlasts the wait's bound, so a slow machine delays the beat but cannot expire the
                // reservation under it.
                let extended = try await log.waitFor(.extended)
                #expect(extended != nil, "the heartbeat never recovered: \(log.all.map(\.kind))")
                return ("done", Amount.usdMicrocents(40_000))
            }
            #expect(value == "done")

            let retrying = try #require(log.all.first { $0.kind == .retrying })
            let extends = try await server.journal(JournalQuery(operation: .extend))
            #expect(extends.count >= 2)
            #expect(extends.first?.responded == false)
            #expect(extends.first?.reservationID == retrying.reservationID.rawValue)
            #expect(extends.dropFirst().first?.status == 200)
            #expect(extends.prefix(2).compactMap(\.idempotencyKey).count == 2)
            #expect(Set(extends.prefix(2).compactMap(\.idempotencyKey)).count == 1, "the retry must reuse the key")
            let commits = try await server.journal(JournalQuery(operation: .commit))
            #expect(commits.map(\.status) == [200])

            let budget = try #require(try await server.balances().first)
            #expect(budget.spent == 40_000)
            #expect(budget.reserved == 0)
            try await server.assertInvariants()
        }
    }

    struct ModelTimedOut: Error, Equatable {}

    @Test("CR-BOUNDARY-001: when the action yields no actual, nothing is settled, the hold is released and the failure surfaces")
    func missingActualIsSurfacedWithoutSettlement() async throws {
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            await #expect(throws: ModelTimedOut()) {
                let _: String = try await withCycles(server.client, estimate: .usdMicrocents(50_000), action: action) { _ in
                    throw ModelTimedOut()
                }
            }
            #expect(try await server.journal(JournalQuery(operation: .commit)).isEmpty)
            #expect(try await server.journal(JournalQuery(operation: .event)).isEmpty)
            #expect(try await server.journal(JournalQuery(operation: .release)).map(\.status) == [200])

            let budget = try #require(try await server.balances().first)
            #expect(budget.spent == 0)
            #expect(budget.reserved == 0)
            #expect(budget.remaining == 1_000_000)
            try await server.assertInvariants()
        }
    }
}
