import Cycles
import Testing

@Suite("Settlement retries")
struct SettlementRetryTests {
    @Test("a 429 with Retry-After is retried with the same key after at least that long")
    func rateLimitedCommitHonoursRetryAfter() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on(
            "POST", "/commit", .error(429, "LIMIT_EXCEEDED", headers: ["Retry-After": "3"]),
            .json(200, Bodies.committed))

        let reservation = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let receipt = try await reservation.commit(actual: .usdMicrocents(4_000))

        #expect(receipt.attempts == 2)
        #expect(fixture.clock.sleeps == [.seconds(3)])
        let commits = fixture.server.requests("/commit")
        #expect(commits.count == 2 && commits[0].bodyKey == commits[1].bodyKey)
    }

    @Test("a Retry-After beyond the bound ends retries as unresolved, without releasing")
    func retryAfterBeyondBoundIsUnresolved() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/commit", .error(429, "LIMIT_EXCEEDED", headers: ["Retry-After": "7200"]))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))

        let reservation = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let error = await commitError(reservation, actual: .usdMicrocents(4_000))
        #expect(error?.kind == .settlementUnresolved)
        #expect(error?.code == .limitExceeded)
        #expect(error?.reservationID == "rsv_1")
        try await Task.sleep(for: .milliseconds(50))  // give a (wrong) fire-and-forget release a chance to show
        #expect(fixture.server.requests("/release").isEmpty)
    }

    @Test("5xx is retried with exponential backoff until attempts run out; never released")
    func serverErrorsExhaustRetries() async throws {
        let policy = RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(100), multiplier: 2, jitter: 0)
        let fixture = try await ScriptedFixture.make(retry: policy)
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/commit", otherwise: .error(503, "INTERNAL_ERROR"))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))

        let reservation = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let error = await commitError(reservation, actual: .usdMicrocents(4_000))
        #expect(error?.kind == .settlementUnresolved)
        #expect(error?.httpStatus == 503)
        #expect(fixture.clock.sleeps == [.milliseconds(100), .milliseconds(200)])
        let commits = fixture.server.requests("/commit")
        #expect(commits.count == 3)
        #expect(Set(commits.compactMap(\.bodyKey)).count == 1)
        try await Task.sleep(for: .milliseconds(50))
        #expect(fixture.server.requests("/release").isEmpty)
    }

    @Test("a genuine rejection stops at once and is not released")
    func genuineRejectionStops() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/commit", .error(409, "BUDGET_EXCEEDED"))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))

        let reservation = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let error = await commitError(reservation, actual: .usdMicrocents(9_000))
        #expect(error?.kind == .server)
        #expect(error?.isBudgetExceeded == true)
        #expect(fixture.server.requests("/commit").count == 1)
        try await Task.sleep(for: .milliseconds(50))
        #expect(fixture.server.requests("/release").isEmpty)
    }

    @Test("a commit that times out is retried with the same key")
    func commitTimeoutIsRetried() async throws {
        // The timeout is generous so the reserve never times out on a loaded CI machine (a 150 ms budget did, and
        // reserve is not a settlement, so it is not retried); only the first commit answer comes far too late.
        let fixture = try await ScriptedFixture.make(timeout: .milliseconds(1_000))
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", otherwise: .json(200, Bodies.reservation()))
        fixture.server.on(
            "POST", "/commit", .delayed(.milliseconds(6_000), .json(200, Bodies.committed)),
            otherwise: .json(200, Bodies.committed))

        let reservation = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let receipt = try await reservation.commit(actual: .usdMicrocents(4_000))
        #expect(receipt.attempts >= 2)
        let commits = fixture.server.requests("/commit")
        #expect(commits.count == receipt.attempts)
        #expect(Set(commits.compactMap(\.bodyKey)) == [receipt.idempotencyKey.rawValue])
    }

    @Test("retry delays follow the policy: exponential, capped, jittered within bounds")
    func retryPolicyDelays() {
        let policy = RetryPolicy(initialDelay: .milliseconds(500), multiplier: 2, maxDelay: .seconds(3), jitter: 0.5)
        #expect(policy.baseDelay(beforeRetry: 1) == .milliseconds(500))
        #expect(policy.baseDelay(beforeRetry: 3) == .milliseconds(2_000))
        #expect(policy.baseDelay(beforeRetry: 10) == .seconds(3))
        #expect(policy.delay(beforeRetry: 2, unitRandom: 0) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 2, unitRandom: 1) == .milliseconds(1_000))
    }
}
