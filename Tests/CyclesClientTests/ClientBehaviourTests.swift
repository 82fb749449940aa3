import Cycles
import Foundation
import Logging
import Testing

@Suite("Client behaviour (scripted server)")
struct ClientBehaviourTests {
    @Test("requests carry auth, idempotency and trace headers; answers expose metadata")
    func headersAndMetadata() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on(
            "POST", "/v1/decide",
            .json(200, #"{"decision":"ALLOW"}"#, headers: ["X-Cycles-Tenant": "acme", "X-RateLimit-Remaining": "-1",
                "X-RateLimit-Reset": "0"]))

        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let response = try await CyclesTrace.withTraceID(traceID) {
            try await fixture.client.decide(
                DecisionRequest(idempotencyKey: "key-1", subject: Subject(agent: "bot"), action: llmAction,
                    estimate: .usdMicrocents(10)))
        }
        #expect(response.decision == .allow)
        #expect(response.metadata.requestID == "req-scripted")
        #expect(response.metadata.traceID == "0af7651916cd43dd8448eb211c80319c")
        #expect(response.metadata.tenant == "acme")
        #expect(response.metadata.rateLimitRemaining == -1)
        let request = try #require(fixture.server.requests("/v1/decide").first)
        #expect(request.headers["x-cycles-api-key"] == "test-key")
        #expect(request.idempotencyHeader == "key-1")
        #expect(request.bodyKey == "key-1")
        #expect(request.headers["traceparent"]?.hasPrefix("00-\(traceID)-") == true)
        #expect(request.headers["x-cycles-trace-id"] == traceID)
        // Configured subject defaults fill the levels the request leaves unset.
        #expect(request.json?["subject"] == ["tenant": "acme", "agent": "bot"])
    }

    @Test("reservation ids are percent-encoded in paths and the base URL's trailing slash is ignored")
    func pathEncoding() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/release", .json(200, Bodies.released))
        _ = try await fixture.client.releaseReservation("rsv/a b", ReleaseRequest(reason: "done"))
        let request = try #require(fixture.server.requests("/release").first)
        #expect(request.path == "/v1/reservations/rsv%2Fa%20b/release")
    }

    @Test("reserve returns a guard on ALLOW_WITH_CAPS and commits once")
    func guardCommit() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        let capped = #"{"decision":"ALLOW_WITH_CAPS","reservation_id":"rsv_c","expires_at_ms":5,"affected_scopes":["tenant:acme"],"caps":{"max_tokens":256,"tool_denylist":["shell"]}}"#
        fixture.server.on("POST", "/v1/reservations", .json(200, capped))
        fixture.server.on("POST", "/commit", .json(200, Bodies.committed))

        let reservation = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let (id, isCapped, caps, expiresAtMs) = (
            reservation.id, reservation.isCapped, reservation.caps, reservation.expiresAtMs
        )
        #expect(id == "rsv_c")
        #expect(isCapped)
        #expect(caps?.maxTokens == 256)
        #expect(caps?.isToolAllowed("shell") == false)
        #expect(expiresAtMs == 5)
        let receipt = try await reservation.commit(actual: .usdMicrocents(4_000))
        #expect(receipt.released == .usdMicrocents(1_000))
        let create = try #require(fixture.server.requests("/v1/reservations").first?.json)
        #expect(create["ttl_ms"] == 60_000)
        #expect(create["subject"] == ["tenant": "acme"])
    }

    @Test("a DENY answer is thrown as a denial with its reason code")
    func denyIsThrown() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on(
            "POST", "/v1/reservations",
            .json(200, #"{"decision":"DENY","affected_scopes":["tenant:acme"],"reason_code":"BUDGET_NOT_FOUND","retry_after_ms":250}"#))
        let error = await #expect(throws: CyclesError.self) {
            _ = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        }
        #expect(error?.kind == .denied)
        #expect(error?.reasonCode == .budgetNotFound)
        #expect(error?.retryAfter == .milliseconds(250))
        #expect(error?.isDenied == true)
    }

    @Test("a dropped guard is released best-effort")
    func droppedGuardIsReleased() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation(id: "rsv_drop")))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))
        do {
            _ = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        }
        let releases = try await fixture.server.waitForRequests(1, "/release")
        #expect(releases.first?.path == "/v1/reservations/rsv_drop/release")
        #expect(releases.first?.json?["reason"] == "guard_dropped")
        #expect(fixture.logs.all.contains { $0.level == .warning && $0.metadata["cycles.reservation_id"] == "rsv_drop" })
    }

    @Test("a runtime-checked handle refuses a second settlement")
    func handleSettlesOnce() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/release", .json(200, Bodies.released))
        let handle = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction).intoHandle()
        try await handle.release(reason: "not needed")
        let error = await #expect(throws: CyclesError.self) { try await handle.commit(actual: .usdMicrocents(1)) }
        #expect(error?.kind == .alreadySettled)
        #expect(fixture.server.requests("/commit").isEmpty)
    }

    @Test("withCycles records latency, metrics and metadata, and dry run skips the body")
    func withCyclesCommitsWhatTheBodyReports() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on(
            "POST", "/v1/reservations", .json(200, Bodies.reservation()),
            .json(200, #"{"decision":"DENY","affected_scopes":["tenant:acme"],"reason_code":"BUDGET_EXCEEDED"}"#))
        fixture.server.on("POST", "/commit", .json(200, Bodies.committed))

        let answer = try await withCycles(fixture.client, estimate: .usdMicrocents(5_000), action: llmAction) {
            context in
            context.metrics.tokensOutput = 42
            context.commitMetadata["run"] = "r-7"
            #expect(context.reservationID == "rsv_1")
            return (17, Amount.usdMicrocents(4_000))
        }
        #expect(answer == 17)
        let commit = try #require(fixture.server.requests("/commit").first?.json)
        #expect(commit["metrics"]?["tokens_output"] == 42)
        #expect(commit["metrics"]?["latency_ms"] == 0)  // virtual clock: no time passed
        #expect(commit["metadata"]?["run"] == "r-7")

        let outcome = try await withCycles(
            fixture.client, estimate: .usdMicrocents(5_000), action: llmAction, dryRun: true
        ) { _ -> (Int, Amount) in
            Issue.record("the body must not run in dry-run mode")
            return (0, .usdMicrocents(0))
        }
        guard case .dryRun(let decision) = outcome else {
            Issue.record("expected a dry-run outcome")
            return
        }
        #expect(decision.decision == .deny)
        #expect(decision.reasonCode == .budgetExceeded)
        #expect(fixture.server.requests("/v1/reservations").last?.json?["dry_run"] == true)
    }

    @Test("balances() walks every page until the cursor runs out")
    func balancesPaging() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        func page(_ scope: String, next: String?) -> ScriptedReply {
            let cursor = next.map { #","next_cursor":"\#($0)","has_more":true"# } ?? #","has_more":false"#
            return .json(
                200,
                #"{"balances":[{"scope":"\#(scope)","scope_path":"tenant:acme/\#(scope)","remaining":{"unit":"TOKENS","amount":1}}]\#(cursor)}"#)
        }
        fixture.server.on("GET", "/v1/balances", page("agent:a", next: "c1"), page("agent:b", next: "c2"), page("agent:c", next: nil))
        var scopes: [String] = []
        for try await balance in fixture.client.balances(BalanceQuery(tenant: "acme", limit: 1)) {
            scopes.append(balance.scope)
        }
        #expect(scopes == ["agent:a", "agent:b", "agent:c"])
        let queries = fixture.server.requests("/v1/balances").map { $0.query ?? "" }
        #expect(queries == ["tenant=acme&limit=1", "tenant=acme&limit=1&cursor=c1", "tenant=acme&limit=1&cursor=c2"])
    }

    @Test("getBalances without a subject filter uses the configured subject defaults; an explicit level wins")
    func balancesUseSubjectDefaults() async throws {
        let fixture = try await ScriptedFixture.make(tenant: "acme")
        defer { Task { await fixture.server.stop() } }
        let empty = ScriptedReply.json(200, #"{"balances":[],"has_more":false}"#)
        fixture.server.on("GET", "/v1/balances", empty, empty)
        _ = try await fixture.client.getBalances()
        _ = try await fixture.client.getBalances(BalanceQuery(workspace: "ws", agent: "bot"))
        let queries = fixture.server.requests("/v1/balances").map { $0.query ?? "" }
        #expect(queries == ["tenant=acme", "workspace=ws&agent=bot"])
    }

    @Test("listReservations sends every typed query parameter")
    func listQueryParameters() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("GET", "/v1/reservations", .json(200, #"{"reservations":[],"has_more":false}"#))
        let query = ReservationListQuery(
            idempotencyKey: "k1", status: .active, tenant: "acme", agent: "bot",
            from: Date(timeIntervalSince1970: 0), sortBy: .createdAtMs, sortDirection: .ascending,
            include: [.metadata, .committedMetadata], limit: 10)
        let response = try await fixture.client.listReservations(query)
        #expect(response.reservations.isEmpty)
        let sent = try #require(fixture.server.requests("/v1/reservations").first?.query)
        #expect(
            sent
                == "idempotency_key=k1&status=ACTIVE&tenant=acme&agent=bot&from=1970-01-01T00%3A00%3A00.000Z"
                + "&sort_by=created_at_ms&sort_dir=asc&include=metadata%2Ccommitted_metadata&limit=10")
    }
}
