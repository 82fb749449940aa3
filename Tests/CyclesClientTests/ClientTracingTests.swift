import Cycles
import CyclesProtocol
import CyclesServer
import InMemoryTracing
import Testing
import Tracing

/// Client spans, recorded by an `InMemoryTracer` injected through `CyclesConfig.tracer` (so nothing touches the
/// process-wide, bootstrap-once `InstrumentationSystem`, and parallel tests never see each other's spans).
@Suite("Client tracing")
struct ClientTracingTests {
    static let key = "cyc_test_trace_0123456789abcdef0123"
    static let action = Action(kind: "llm.completion", name: "m")

    static func withClient(_ body: (CyclesClient, InMemoryTracer) async throws -> Void) async throws {
        let seed = SeedDocument(
            tenants: [SeedTenant(tenantID: "acme", apiKeys: [SeedAPIKey(key: key)])],
            budgets: [SeedBudget(tenantID: "acme", scope: "tenant:acme", unit: .usdMicrocents, allocated: 1_000)])
        let server = try await ReferenceServer.start(ReferenceServerConfiguration(seed: seed))
        let tracer = InMemoryTracer()
        var config = CyclesConfig(
            baseURL: server.baseURL, apiKey: key, subjectDefaults: Subject(tenant: "acme"), heartbeatEnabled: false)
        config.tracer = tracer
        do {
            try await body(CyclesClient(config: config), tracer)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func string(_ span: FinishedInMemorySpan, _ name: String) -> String? {
        if case .string(let value) = span.attributes[name]?.toSpanAttribute() { return value }
        return nil
    }

    static func int(_ span: FinishedInMemorySpan, _ name: String) -> Int64? {
        switch span.attributes[name]?.toSpanAttribute() {
        case .int64(let value): value
        case .int32(let value): Int64(value)
        default: nil
        }
    }

    @Test("reserve, extend, commit, release, event, decide and balances each end a client span carrying the protocol trace id")
    func spansCarryTheTraceID() async throws {
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        try await Self.withClient { client, tracer in
            try await CyclesTrace.withTraceID(traceID) {
                let first = try await client.createReservation(
                    ReservationCreateRequest(subject: Subject(), action: Self.action, estimate: .usdMicrocents(10)))
                let id = try #require(first.reservationID)
                _ = try await client.extendReservation(id, ExtendRequest(extendByMs: 1_000))
                _ = try await client.commitReservation(id, CommitRequest(actual: .usdMicrocents(5)))
                let second = try await client.createReservation(
                    ReservationCreateRequest(subject: Subject(), action: Self.action, estimate: .usdMicrocents(10)))
                _ = try await client.releaseReservation(try #require(second.reservationID))
                _ = try await client.createEvent(
                    EventCreateRequest(subject: Subject(), action: Self.action, actual: .usdMicrocents(1)))
                _ = try await client.decide(
                    DecisionRequest(subject: Subject(), action: Self.action, estimate: .usdMicrocents(1)))
                _ = try await client.getBalances()
            }
            let spans = tracer.finishedSpans
            #expect(
                spans.map(\.operationName) == [
                    "cycles.createReservation", "cycles.extendReservation", "cycles.commitReservation",
                    "cycles.createReservation", "cycles.releaseReservation", "cycles.createEvent", "cycles.decide",
                    "cycles.getBalances",
                ])
            for span in spans {
                #expect(span.kind == .client)
                #expect(Self.string(span, "cycles.trace_id") == traceID, "\(span.operationName)")
                #expect(Self.int(span, "http.response.status_code") == (span.operationName == "cycles.createEvent" ? 201 : 200))
                #expect(Self.string(span, "cycles.request_id")?.isEmpty == false)
                #expect(span.status == nil, "\(span.operationName): \(String(describing: span.status))")
            }
            #expect(Self.string(spans[2], "cycles.reservation_id") == Self.string(spans[1], "cycles.reservation_id"))
            #expect(Self.string(spans[2], "cycles.idempotency_key")?.isEmpty == false)
        }
    }

    @Test("a protocol error ends the span with error status and the error code as an attribute")
    func errorStatus() async throws {
        try await Self.withClient { client, tracer in
            let reserved = try await client.createReservation(
                ReservationCreateRequest(subject: Subject(), action: Self.action, estimate: .usdMicrocents(10)))
            let id = try #require(reserved.reservationID)
            _ = try await client.commitReservation(id, CommitRequest(actual: .usdMicrocents(5)))
            await #expect(throws: CyclesError.self) {
                _ = try await client.commitReservation(id, CommitRequest(actual: .usdMicrocents(5)))
            }
            await #expect(throws: CyclesError.self) {
                _ = try await client.createReservation(
                    ReservationCreateRequest(subject: Subject(), action: Self.action, estimate: .usdMicrocents(5_000)))
            }
            let spans = tracer.finishedSpans
            #expect(spans.count == 4)
            let finalized = try #require(spans.dropFirst(2).first)
            #expect(finalized.status?.code == .error)
            #expect(Self.string(finalized, "cycles.error.code") == "RESERVATION_FINALIZED")
            #expect(Self.int(finalized, "http.response.status_code") == 409)
            #expect(finalized.errors.count == 1)
            let denied = try #require(spans.last)
            #expect(denied.status?.code == .error)
            #expect(Self.string(denied, "cycles.error.code") == "BUDGET_EXCEEDED")
            // The successful calls before them stay clean.
            #expect(spans[0].status == nil && spans[1].status == nil)
        }
    }

    @Test("without a configured tracer the client uses the global one, a no-op until bootstrapped")
    func noTracerIsNoOp() async throws {
        try await Self.withClient { traced, tracer in
            let untraced = CyclesClient(
                config: CyclesConfig(baseURL: traced.config.baseURL, apiKey: Self.key, heartbeatEnabled: false))
            #expect(untraced.config.tracer == nil)
            let answer = try await untraced.decide(
                DecisionRequest(subject: Subject(tenant: "acme"), action: Self.action, estimate: .usdMicrocents(1)))
            #expect(answer.decision == .allow)
            // The call went through the global (unbootstrapped, no-op) tracer: the injected one saw nothing of it,
            // and sees the traced client's call.
            #expect(tracer.finishedSpans.isEmpty)
            _ = try await traced.decide(
                DecisionRequest(subject: Subject(tenant: "acme"), action: Self.action, estimate: .usdMicrocents(1)))
            #expect(tracer.finishedSpans.map(\.operationName) == ["cycles.decide"])
        }
    }
}
