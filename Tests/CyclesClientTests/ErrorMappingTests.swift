import Cycles
import Testing

@Suite("Error mapping (scripted server)")
struct ErrorMappingTests {
    static let codes: [(Int, String)] = ErrorCode.knownValues.map { ($0.httpStatus ?? 500, $0.rawValue) }

    @Test("every protocol error code keeps its status, code, request id and trace id", arguments: codes)
    func everyCodeIsMapped(status: Int, code: String) async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/decide", .error(status, code, message: "scripted \(code)"))

        let error = await #expect(throws: CyclesError.self) {
            try await fixture.client.decide(
                DecisionRequest(subject: Subject(tenant: "acme"), action: llmAction, estimate: .usdMicrocents(1)))
        }
        #expect(error?.kind == .server)
        #expect(error?.httpStatus == status)
        #expect(error?.code == ErrorCode(rawValue: code))
        #expect(error?.code?.isKnown == true)
        #expect(error?.message == "scripted \(code)")
        #expect(error?.requestID == "req-scripted")
        #expect(error?.traceID == "0af7651916cd43dd8448eb211c80319c")
    }

    @Test("budget, overdraft and debt rejections stay distinct and match in catch clauses")
    func denialCodesStayDistinct() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on(
            "POST", "/v1/reservations", .error(409, "BUDGET_EXCEEDED"), .error(409, "OVERDRAFT_LIMIT_EXCEEDED"),
            .error(409, "DEBT_OUTSTANDING"))

        var matched: [String] = []
        for _ in 0..<3 {
            do {
                _ = try await fixture.client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
            } catch ErrorCode.budgetExceeded {
                matched.append("budget")
            } catch ErrorCode.overdraftLimitExceeded {
                matched.append("overdraft")
            } catch let error as CyclesError where error.isDebtOutstanding && !error.isBudgetExceeded {
                matched.append("debt")
            }
        }
        #expect(matched == ["budget", "overdraft", "debt"])
    }

    @Test("an unknown error code keeps its raw value")
    func unknownCodeIsKept() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("GET", "/v1/reservations/rsv_1", .error(422, "ACTION_QUOTA_EXCEEDED"))
        let error = await #expect(throws: CyclesError.self) { try await fixture.client.getReservation("rsv_1") }
        #expect(error?.code?.rawValue == "ACTION_QUOTA_EXCEEDED")
        #expect(error?.code?.isKnown == false)
        #expect(error?.httpStatus == 422)
        #expect(error?.isRetryable == false)
    }

    @Test("429 carries Retry-After and is retryable")
    func rateLimitCarriesRetryAfter() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("POST", "/v1/decide", .error(429, "LIMIT_EXCEEDED", headers: ["Retry-After": "7"]))
        let error = await #expect(throws: CyclesError.self) {
            try await fixture.client.decide(DecisionRequest(subject: Subject(), action: llmAction, estimate: .tokens(1)))
        }
        #expect(error?.retryAfter == .seconds(7))
        #expect(error?.isRateLimited == true)
        #expect(error?.isRetryable == true)
    }

    @Test("a 5xx without a protocol body is a server error with the status")
    func gatewayErrorWithoutBody() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("GET", "/v1/balances", .json(502, "<html>bad gateway</html>"))
        let error = await #expect(throws: CyclesError.self) {
            try await fixture.client.getBalances(BalanceQuery(tenant: "acme"))
        }
        #expect(error?.kind == .server)
        #expect(error?.httpStatus == 502)
        #expect(error?.code == nil)
        #expect(error?.isRetryable == true)
    }

    @Test("a malformed 2xx is an invalid response, not a success")
    func malformedSuccessIsInvalidResponse() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        fixture.server.on(
            "POST", "/v1/reservations", .json(200, #"{"decision":"ALLOW""#),
            .json(200, #"{"decision":"ALLOW","affected_scopes":[]}"#))
        let request = ReservationCreateRequest(subject: Subject(tenant: "acme"), action: llmAction, estimate: .tokens(5))
        let truncated = await #expect(throws: CyclesError.self) { try await fixture.client.createReservation(request) }
        #expect(truncated?.kind == .invalidResponse)
        let missingID = await #expect(throws: CyclesError.self) { try await fixture.client.createReservation(request) }
        #expect(missingID?.kind == .invalidResponse)
        #expect(missingID?.httpStatus == 200)
    }

    @Test("a refused connection is a transport error")
    func refusedConnectionIsTransport() async throws {
        let client = CyclesClient(
            config: CyclesConfig(
                baseURL: "http://127.0.0.1:1", apiKey: "k", connectTimeout: .milliseconds(300),
                readTimeout: .milliseconds(300)))
        let error = await #expect(throws: CyclesError.self) { try await client.getReservation("rsv_1") }
        #expect(error?.kind == .transport)
        #expect(error?.isRetryable == true)
        #expect(error?.underlying != nil)
    }

    @Test("a slow answer times out as a transport error")
    func slowAnswerTimesOut() async throws {
        let fixture = try await ScriptedFixture.make(timeout: .milliseconds(100))
        defer { Task { await fixture.server.stop() } }
        fixture.server.on("GET", "/v1/reservations/rsv_1", .delayed(.milliseconds(600), .json(200, "{}")))
        let error = await #expect(throws: CyclesError.self) { try await fixture.client.getReservation("rsv_1") }
        #expect(error?.kind == .transport)
    }

    @Test("client-side validation rejects out-of-range values before any request")
    func validationHappensBeforeSending() async throws {
        let fixture = try await ScriptedFixture.make(tenant: nil)
        defer { Task { await fixture.server.stop() } }
        let client = fixture.client
        let cases: [ReservationCreateRequest] = [
            ReservationCreateRequest(subject: Subject(dimensions: ["a": "b"]), action: llmAction, estimate: .tokens(1)),
            ReservationCreateRequest(subject: Subject(tenant: "acme"), action: llmAction, estimate: .tokens(-1)),
            ReservationCreateRequest(subject: Subject(tenant: "acme"), action: llmAction, estimate: .tokens(1), ttlMs: 999),
            ReservationCreateRequest(
                subject: Subject(tenant: "acme"), action: llmAction, estimate: .tokens(1), gracePeriodMs: 60_001),
            ReservationCreateRequest(
                subject: Subject(tenant: String(repeating: "a", count: 129)), action: llmAction, estimate: .tokens(1)),
            ReservationCreateRequest(
                subject: Subject(tenant: "acme"), action: Action(kind: String(repeating: "k", count: 65), name: "n"),
                estimate: .tokens(1)),
            ReservationCreateRequest(
                idempotencyKey: "", subject: Subject(tenant: "acme"), action: llmAction, estimate: .tokens(1)),
            // Lengths count code points (JSON Schema maxLength), not grapheme clusters: each is one "character".
            ReservationCreateRequest(
                idempotencyKey: IdempotencyKey("e" + String(repeating: "\u{301}", count: 256)),
                subject: Subject(tenant: "acme"), action: llmAction, estimate: .tokens(1)),
            ReservationCreateRequest(
                subject: Subject(tenant: "acme"),
                action: Action(kind: "k" + String(repeating: "\u{301}", count: 64), name: "n"), estimate: .tokens(1)),
        ]
        for request in cases {
            let error = await #expect(throws: CyclesError.self) { try await client.createReservation(request) }
            #expect(error?.kind == .validation)
            #expect(error?.code == .invalidRequest)
        }
        await #expect(throws: CyclesError.self) {
            try await client.extendReservation("rsv_1", ExtendRequest(extendByMs: 0))
        }
        await #expect(throws: CyclesError.self) { try await client.getBalances() }
        await #expect(throws: CyclesError.self) { try await client.listReservations(ReservationListQuery(limit: 201)) }
        #expect(fixture.server.requests().isEmpty)
    }
}
