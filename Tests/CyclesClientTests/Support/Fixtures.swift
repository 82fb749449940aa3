import AsyncHTTPClient
import Cycles
import Testing
import Logging
import NIOCore
import Synchronization

/// Collects heartbeat events.
final class HeartbeatRecorder: Sendable {
    private let events = Mutex<[HeartbeatEvent]>([])
    var all: [HeartbeatEvent] { events.withLock { $0 } }
    func record(_ event: HeartbeatEvent) { events.withLock { $0.append(event) } }

    /// Waits (bounded) until an event of `kind` was recorded.
    func waitFor(_ kind: HeartbeatEvent.Kind) async throws -> HeartbeatEvent? {
        for _ in 0..<1000 {
            if let event = all.first(where: { $0.kind == kind }) { return event }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}

/// A client wired to a scripted server with a virtual clock and captured logs.
struct ScriptedFixture {
    let server: ScriptedServer
    let client: CyclesClient
    let clock: TestClock
    let logs: LogCapture
    let heartbeats: HeartbeatRecorder

    static func make(
        immediateSleeps: Int = .max, heartbeat: Bool = false, retry: RetryPolicy = RetryPolicy(jitter: 0),
        timeout: Duration = .seconds(10), tenant: String? = "acme"
    ) async throws -> ScriptedFixture {
        // A generous default: only the tests about timeouts pass a short one. A 1 s deadline failed tests that are
        // not about time whenever the whole suite kept the two cores busy for a second.
        if timeout < .seconds(1) { try await LoopbackWarmup.awaitPromptAnswers() }
        let server = try await ScriptedServer.start()
        let clock = TestClock(immediateSleeps: immediateSleeps)
        let logs = LogCapture()
        let heartbeats = HeartbeatRecorder()
        let config = CyclesConfig(
            baseURL: server.baseURL + "/", apiKey: "test-key", subjectDefaults: Subject(tenant: tenant),
            connectTimeout: timeout, readTimeout: timeout, retry: retry, heartbeatEnabled: heartbeat,
            heartbeatObserver: { heartbeats.record($0) }, logger: logs.logger(), clock: clock)
        return ScriptedFixture(
            server: server, client: CyclesClient(config: config), clock: clock, logs: logs, heartbeats: heartbeats)
    }
}

/// Canned protocol bodies.
enum Bodies {
    static func reservation(
        id: String = "rsv_1", decision: String = "ALLOW", remainingTTLMs: Int64? = nil, expiresAtMs: Int64 = 1_800_000_000_000
    ) -> String {
        let remaining = remainingTTLMs.map { #","remaining_ttl_ms":\#($0)"# } ?? ""
        return #"{"decision":"\#(decision)","reservation_id":"\#(id)","reserved":{"unit":"USD_MICROCENTS","amount":5000},"expires_at_ms":\#(expiresAtMs)\#(remaining),"scope_path":"tenant:acme","affected_scopes":["tenant:acme"]}"#
    }

    static let committed = #"{"status":"COMMITTED","charged":{"unit":"USD_MICROCENTS","amount":4000},"released":{"unit":"USD_MICROCENTS","amount":1000}}"#
    static let released = #"{"status":"RELEASED","released":{"unit":"USD_MICROCENTS","amount":5000}}"#
    static let eventApplied = #"{"status":"APPLIED","event_id":"evt_1"}"#

    static func extended(expiresAtMs: Int64 = 1_800_000_060_000, remainingTTLMs: Int64? = 10_000) -> String {
        let remaining = remainingTTLMs.map { #","remaining_ttl_ms":\#($0)"# } ?? ""
        return #"{"status":"ACTIVE","expires_at_ms":\#(expiresAtMs)\#(remaining)}"#
    }
}

let llmAction = Action(kind: "llm.completion", name: "openai:gpt-4o-mini")

/// Commits `reservation` and returns the `CyclesError` it threw (`nil` on success). A `~Copyable` guard cannot
/// be captured by `#expect(throws:)`'s closure, hence this helper.
func commitError(_ reservation: consuming ReservationGuard, actual: Amount) async -> CyclesError? {
    do {
        try await reservation.commit(actual: actual)
        return nil
    } catch let error as CyclesError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// A test that gives the client a deadline under a second (its heartbeat schedule is derived from it) first waits
/// until this process answers a loopback request promptly three times in a row. On a fresh two-core machine the
/// first seconds of the parallel run start hundreds of servers at once, and a 500 ms deadline then failed a reserve
/// that the test never meant to time out. This is a precondition, not a timing assertion: it waits at most a minute
/// and then lets the test run as it would have.
enum LoopbackWarmup {
    static func awaitPromptAnswers() async throws {
        let probe = try await ScriptedServer.start()
        probe.on("GET", "/warmup", otherwise: .json(200, "{}"))
        var promptInARow = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while promptInARow < 3, ContinuousClock.now < deadline {
            let started = ContinuousClock.now
            if let response = try? await HTTPClient.shared.execute(
                HTTPClientRequest(url: probe.baseURL + "/warmup"), timeout: .seconds(5))
            {
                _ = try? await response.body.collect(upTo: 1 << 16)
            }
            promptInARow = ContinuousClock.now - started < .milliseconds(100) ? promptInARow + 1 : 0
            if promptInARow < 3 { try await Task.sleep(for: .milliseconds(100)) }
        }
        await probe.stop()
    }
}
