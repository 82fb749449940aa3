import Cycles
import Testing

@Suite("Streaming reservations")
struct StreamReservationTests {
    @Test("usage accumulates and is committed through the cost function on return")
    func streamCommitsUsage() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/commit", .json(200, Bodies.committed))

        let chunks = try await fixture.client.withStreamReservation(
            estimate: .usdMicrocents(5_000), action: llmAction,
            costFunction: { usage in .usdMicrocents(usage.tokensInput * 2 + usage.tokensOutput * 10) }
        ) { stream in
            stream.addInputTokens(100)
            for _ in 0..<3 { stream.addOutputTokens(50) }
            stream.setModelVersion("gpt-4o-mini-2024-07-18")
            return 3
        }
        #expect(chunks == 3)
        let commit = try #require(fixture.server.requests("/commit").first?.json)
        #expect(commit["actual"] == ["unit": "USD_MICROCENTS", "amount": 1_700])
        #expect(commit["metrics"]?["tokens_input"] == 100)
        #expect(commit["metrics"]?["tokens_output"] == 150)
        #expect(commit["metrics"]?["model_version"] == "gpt-4o-mini-2024-07-18")
        #expect(fixture.server.requests("/release").isEmpty)
    }

    @Test("a failing stream is released and its error rethrown")
    func failingStreamIsReleased() async throws {
        struct StreamBroke: Error {}
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))
        await #expect(throws: StreamBroke.self) {
            try await fixture.client.withStreamReservation(estimate: .usdMicrocents(5_000), action: llmAction) { stream in
                stream.addOutputTokens(10)
                throw StreamBroke()
            }
        }
        #expect(fixture.server.requests("/release").first?.json?["reason"] == "stream_failed")
        #expect(fixture.server.requests("/commit").isEmpty)
    }

    @Test("concurrent finish and abort settle exactly once")
    func finishAndAbortRace() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", otherwise: .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/commit", otherwise: .json(200, Bodies.committed))
        fixture.server.on("POST", "/release", otherwise: .json(200, Bodies.released))

        for _ in 0..<5 {
            let stream = try await fixture.client.reserveStream(estimate: .usdMicrocents(5_000), action: llmAction)
            stream.setActualCost(.usdMicrocents(3_000))
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                group.addTask { (try? await stream.finish()) != nil }
                group.addTask { (try? await stream.abort()) != nil }
                group.addTask { (try? await stream.finish()) != nil }
                var successes = 0
                for await succeeded in group where succeeded { successes += 1 }
                return successes
            }
            #expect(outcomes == 1)
            #expect(stream.isFinalized)
        }
        let settled = fixture.server.requests("/commit").count + fixture.server.requests("/release").count
        #expect(settled == 5)
    }

    @Test("finishing without a known actual commits nothing")
    func finishWithoutActual() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))
        let stream = try await fixture.client.reserveStream(estimate: .usdMicrocents(5_000), action: llmAction)
        let error = await #expect(throws: CyclesError.self) { try await stream.finish() }
        #expect(error?.kind == .validation)
        #expect(!stream.isFinalized)
        try await stream.abort()
        #expect(fixture.server.requests("/commit").isEmpty)
        #expect(fixture.server.requests("/release").count == 1)
    }
}
