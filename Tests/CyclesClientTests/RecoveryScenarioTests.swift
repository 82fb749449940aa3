import Cycles
import Logging
import Testing

/// The SDK recovery profile's core and boundary scenarios (`scenarios.yaml`), one named test each, against a
/// scripted server that produces the faults on demand.
@Suite("SDK recovery profile: core + boundary")
struct RecoveryScenarioTests {
    struct ActionFailed: Error, Equatable {
        let detail: String
    }

    @Test("CR-CORE-001 lost commit response reuses the same key")
    func crCore001LostCommitResponseReusesTheSameKey() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/commit", .dropConnection, .json(200, Bodies.committed))

        let reservation = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let receipt = try await reservation.commit(actual: .usdMicrocents(4_000))

        let commits = fixture.server.requests("/commit")
        #expect(commits.count == 2)
        #expect(receipt.path == .commit)
        #expect(receipt.attempts == 2)
        #expect(receipt.charged == .usdMicrocents(4_000))
        let firstKey = try #require(commits.first?.bodyKey)
        #expect(commits.allSatisfy { $0.bodyKey == firstKey && $0.idempotencyHeader == firstKey })
        #expect(receipt.idempotencyKey.rawValue == firstKey)
        #expect(fixture.server.requests("/release").isEmpty)
        #expect(fixture.server.requests("/v1/events").isEmpty)
    }

    @Test("CR-CORE-002 expired commit falls back to an event")
    func crCore002ExpiredCommitFallsBackToAnEvent() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation(id: "rsv_expired")))
        fixture.server.on("POST", "/commit", .error(410, "RESERVATION_EXPIRED"))
        fixture.server.on("POST", "/v1/events", .json(201, Bodies.eventApplied))

        let subject = Subject(tenant: "acme", agent: "summarizer")
        let reservation = try await fixture.client.reserve(
            estimate: .usdMicrocents(5_000), action: llmAction, subject: subject)
        let receipt = try await reservation.commit(
            actual: .usdMicrocents(4_200), metrics: StandardMetrics(tokensInput: 10, tokensOutput: 20),
            metadata: ["run": "r-1"])

        #expect(receipt.path == .eventFallback)
        #expect(receipt.recoveredViaEvent)
        #expect(receipt.eventID == "evt_1")
        let commit = try #require(fixture.server.requests("/commit").first)
        let events = fixture.server.requests("/v1/events")
        #expect(events.count == 1)
        let event = try #require(events.first?.json)
        #expect(event["idempotency_key"]?.stringValue == commit.bodyKey)
        #expect(events.first?.idempotencyHeader == commit.bodyKey)
        #expect(event["subject"] == ["tenant": "acme", "agent": "summarizer"])
        #expect(event["action"] == ["kind": "llm.completion", "name": "openai:gpt-4o-mini"])
        #expect(event["actual"] == ["unit": "USD_MICROCENTS", "amount": 4_200])
        #expect(event["metrics"]?["tokens_input"] == 10)
        #expect(event["metadata"]?["run"] == "r-1")
        #expect(event["metadata"]?["recovered_reservation_id"] == "rsv_expired")
        #expect(event["overage_policy"] == nil)
        #expect(fixture.server.requests("/release").isEmpty)
    }

    @Test("CR-CORE-003 heartbeat transport failure is observable and non-fatal")
    func crCore003HeartbeatTransportFailureIsObservableAndNonFatal() async throws {
        // Request timeout 2 × 500 ms = 1 s → attempt budget 1 s, safety 1 s, retry reserve 3 s.
        let fixture = try await ScriptedFixture.make(immediateSleeps: 2, heartbeat: true, timeout: .milliseconds(500))
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation(id: "rsv_hb", remainingTTLMs: 10_000)))
        fixture.server.on("POST", "/extend", .dropConnection, .json(200, Bodies.extended(remainingTTLMs: 10_000)))
        fixture.server.on("POST", "/commit", .json(200, Bodies.committed))

        let value = try await withCycles(
            fixture.client, estimate: .usdMicrocents(5_000), action: llmAction,
            options: ReservationOptions(ttlMs: 10_000)
        ) { context in
            // The guarded action keeps running while the heartbeat fails and recovers.
            _ = try await fixture.heartbeats.waitFor(.extended)
            #expect(context.expiresAtMs == 1_800_000_060_000)
            return ("done", Amount.usdMicrocents(4_000))
        }

        #expect(value == "done")
        let extends = fixture.server.requests("/extend")
        #expect(extends.count == 2)
        #expect(extends[0].bodyKey == extends[1].bodyKey)
        #expect(extends[0].idempotencyHeader == extends[0].bodyKey)
        #expect(extends[0].json?["extend_by_ms"] == 10_000)
        let retrying = try #require(fixture.heartbeats.all.first { $0.kind == .retrying })
        #expect(retrying.reservationID == "rsv_hb")
        #expect(retrying.delay == .milliseconds(750))  // min(30 s, lead 3000/4, window 1000)
        let warning = try #require(fixture.logs.all.first { $0.metadata["cycles.heartbeat.disposition"] == "retry" })
        #expect(warning.level == .warning)
        #expect(warning.metadata["cycles.reservation_id"] == "rsv_hb")
        // Virtual time: first beat after 10 000 − 3 000 = 7 000 ms, retry after 750 ms.
        #expect(Array(fixture.clock.sleeps.prefix(2)) == [.milliseconds(7_000), .milliseconds(750)])
        #expect(fixture.server.requests("/commit").count == 1)
    }

    @Test("CR-CORE-004 protocol-invalid settlement success remains ambiguous")
    func crCore004ProtocolInvalidSettlementSuccessRemainsAmbiguous() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on(
            "POST", "/commit",
            .json(202, Bodies.committed),  // wrong status
            .json(200, #"{"status":"COMMITTED"}"#),  // no charged
            .json(200, #"{"status":"COMMITTED","charged":{"unit":"USD_MICROCENTS","amount":4000},"surprise":1}"#),
            .json(200, Bodies.committed))

        let reservation = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let receipt = try await reservation.commit(actual: .usdMicrocents(4_000))

        let commits = fixture.server.requests("/commit")
        #expect(commits.count == 4)
        #expect(receipt.attempts == 4)
        #expect(Set(commits.compactMap(\.bodyKey)).count == 1)
        #expect(commits.first?.bodyKey == receipt.idempotencyKey.rawValue)
        #expect(fixture.server.requests("/release").isEmpty)
    }

    @Test("CR-BOUNDARY-001 actual unknown: no settlement and the action failure is surfaced")
    func crBoundary001ActualUnknownNoSettlementAndFailureSurfaced() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))

        await #expect(throws: ActionFailed(detail: "model timed out")) {
            let _: String = try await withCycles(
                fixture.client, estimate: .usdMicrocents(5_000), action: llmAction
            ) { _ in
                throw ActionFailed(detail: "model timed out")
            }
        }
        #expect(fixture.server.requests("/commit").isEmpty)
        #expect(fixture.server.requests("/v1/events").isEmpty)
        #expect(fixture.server.requests("/release").count == 1)
        #expect(fixture.server.requests("/release").first?.json?["reason"] == "guarded_action_failed")
    }
}
