@testable import Cycles
import Testing

@Suite("Heartbeat schedule (spec arithmetic)")
struct HeartbeatScheduleTests {
    @Test("the spec's worked example: 60 s lead, 10 s timeout, 1.5 s rtt → next beat after ~37 s")
    func specExample() {
        var schedule = HeartbeatSchedule(requestTimeoutMs: 10_000, ttlMs: 60_000)
        let step = schedule.recordSuccess(remainingTTLMs: 61_500, rttMs: 1_500, receivedAtMs: 0)
        #expect(schedule.attemptBudgetMs == 10_000)
        #expect(schedule.safetyMarginMs == 3_000)
        #expect(step == .extend(afterMs: 37_000, sameKey: false))
    }

    @Test("two consecutive zero delays stop the heartbeat")
    func twoZeroDelaysStop() {
        var schedule = HeartbeatSchedule(requestTimeoutMs: 1_000, ttlMs: 2_000)
        #expect(schedule.recordSuccess(remainingTTLMs: 2_000, rttMs: 0, receivedAtMs: 0) == .extend(afterMs: 0, sameKey: false))
        #expect(schedule.recordSuccess(remainingTTLMs: 2_000, rttMs: 0, receivedAtMs: 1) == .stop(.leaseTooShort))
    }

    @Test("a transient failure retries with the same key inside the window, and stops outside it")
    func transientFailureWindow() {
        var schedule = HeartbeatSchedule(requestTimeoutMs: 1_000, ttlMs: 10_000)
        _ = schedule.recordSuccess(remainingTTLMs: 10_000, rttMs: 0, receivedAtMs: 0)
        // 7 s later: lead 3 s, window 1 s → retry after min(30 s, 750 ms, 1 s).
        #expect(schedule.recordTransientFailure(nowMs: 7_000, retryAfterMs: nil, isRateLimited: false)
            == .extend(afterMs: 750, sameKey: true))
        // 8.5 s later: lead 1.5 s, window −0.5 s → stop.
        #expect(schedule.recordTransientFailure(nowMs: 8_500, retryAfterMs: nil, isRateLimited: false)
            == .stop(.noSafeRetryWindow))
    }

    @Test("a 429 is retried only when Retry-After fits the window")
    func rateLimitMustFit() {
        var schedule = HeartbeatSchedule(requestTimeoutMs: 1_000, ttlMs: 20_000)
        _ = schedule.recordSuccess(remainingTTLMs: 20_000, rttMs: 0, receivedAtMs: 0)
        #expect(schedule.recordTransientFailure(nowMs: 10_000, retryAfterMs: 2_000, isRateLimited: true)
            == .extend(afterMs: 2_000, sameKey: true))
        #expect(schedule.recordTransientFailure(nowMs: 12_000, retryAfterMs: 9_000, isRateLimited: true)
            == .stop(.noSafeRetryWindow))
        var missing = HeartbeatSchedule(requestTimeoutMs: 1_000, ttlMs: 20_000)
        _ = missing.recordSuccess(remainingTTLMs: 20_000, rttMs: 0, receivedAtMs: 0)
        #expect(missing.recordTransientFailure(nowMs: 1_000, retryAfterMs: nil, isRateLimited: true)
            == .stop(.noSafeRetryWindow))
    }

    @Test("without remaining_ttl_ms the fallback beats at min(ttl/2, 30 s)")
    func fallbackCadence() {
        var schedule = HeartbeatSchedule(requestTimeoutMs: 7_000, ttlMs: 120_000)
        #expect(schedule.recordSuccess(remainingTTLMs: nil, rttMs: 5, receivedAtMs: 0) == .extend(afterMs: 30_000, sameKey: false))
    }

    @Test("overflowing inputs saturate instead of trapping")
    func overflowSaturates() {
        var schedule = HeartbeatSchedule(requestTimeoutMs: .max, ttlMs: 60_000)
        #expect(schedule.recordSuccess(remainingTTLMs: .max, rttMs: 0, receivedAtMs: 0) == .extend(afterMs: 0, sameKey: false))
    }
}

@Suite("Heartbeat against a scripted server")
struct HeartbeatBehaviourTests {
    @Test("a terminal extend answer stops the heartbeat with a logged reason")
    func terminalCodeStops() async throws {
        let fixture = try await ScriptedFixture.make(immediateSleeps: 1, heartbeat: true, timeout: .milliseconds(500))
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation(id: "rsv_max", remainingTTLMs: 10_000)))
        fixture.server.on("POST", "/extend", .error(409, "MAX_EXTENSIONS_EXCEEDED"))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))

        let reservation = try await fixture.client.reserve(
            estimate: .usdMicrocents(5_000), action: llmAction, options: ReservationOptions(ttlMs: 10_000))
        let stopped = try #require(await fixture.heartbeats.waitFor(.stopped))
        #expect(stopped.reason == .terminalResponse)
        #expect(stopped.errorCode == .maxExtensionsExceeded)
        #expect(stopped.reservationID == "rsv_max")
        #expect(fixture.server.requests("/extend").count == 1)
        #expect(fixture.logs.all.contains { $0.metadata["cycles.heartbeat.reason"] == "terminalResponse" })
        try await reservation.release()
    }
}
