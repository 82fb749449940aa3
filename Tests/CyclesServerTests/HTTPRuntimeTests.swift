import CyclesProtocol
import CyclesServer
import NIOHTTP1
import Testing

/// The runtime API over real HTTP: statuses, headers, error bodies and strict input validation.
struct HTTPRuntimeTests {
    static let reserveBody = """
        {"idempotency_key":"k1","subject":{"tenant":"acme","agent":"bot"},
         "action":{"kind":"llm.completion","name":"gpt"},"estimate":{"unit":"USD_MICROCENTS","amount":1000},
         "ttl_ms":30000}
        """

    @Test("Health answers 200 without a key on /health and /actuator/health")
    func health() async throws {
        try await HTTPTestClient.withServer { client, _ in
            for path in ["/health", "/actuator/health"] {
                let reply = try await client.send(.GET, path, apiKey: nil)
                #expect(reply.status == 200)
                #expect(reply.json["status"] == "UP")
                #expect(reply.header("X-Request-Id") != nil)
            }
        }
    }

    @Test("Full lifecycle over HTTP: reserve, get, extend, commit, list, balances")
    func lifecycle() async throws {
        try await HTTPTestClient.withServer { client, server in
            let reserved = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody)
            #expect(reserved.status == 200)
            #expect(reserved.header("X-Cycles-Tenant") == "acme")
            let id = try #require(reserved.json["reservation_id"]?.stringValue)
            #expect(reserved.json["remaining_ttl_ms"] == 30_000)

            let detail = try await client.send(.GET, "/v1/reservations/\(id)")
            #expect(detail.status == 200 && detail.json["status"] == "ACTIVE")

            let extended = try await client.send(
                .POST, "/v1/reservations/\(id)/extend", body: #"{"idempotency_key":"e1","extend_by_ms":5000}"#)
            #expect(extended.status == 200)
            #expect(extended.json["expires_at_ms"]?.integerValue == Fixture.start + 35_000)

            let committed = try await client.send(
                .POST, "/v1/reservations/\(id)/commit",
                body: #"{"idempotency_key":"c1","actual":{"unit":"USD_MICROCENTS","amount":400},"metrics":{"tokens_input":10}}"#)
            #expect(committed.status == 200)
            #expect(committed.json["charged"]?["amount"] == 400)
            #expect(committed.json["released"]?["amount"] == 600)

            let list = try await client.send(.GET, "/v1/reservations?status=COMMITTED&agent=bot")
            #expect(list.status == 200)
            #expect(list.json["reservations"]?.arrayValue?.count == 1)

            let balances = try await client.send(.GET, "/v1/balances?tenant=acme")
            #expect(balances.status == 200)
            let rows = try #require(balances.json["balances"]?.arrayValue)
            #expect(rows.count == 3)
            let agent = try #require(rows.first { $0["scope_path"] == "tenant:acme/agent:bot" })
            #expect(agent["spent"]?["amount"] == 400 && agent["scope"] == "agent:bot")
            #expect(try await server.ledger.checkInvariants().isEmpty)
        }
    }

    @Test("Release, decide, dry run and events over HTTP (events answer 201)")
    func otherEndpoints() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let id = try #require(
                try await client.send(.POST, "/v1/reservations", body: Self.reserveBody).json["reservation_id"]?.stringValue)
            let released = try await client.send(
                .POST, "/v1/reservations/\(id)/release", body: #"{"idempotency_key":"r1","reason":"not needed"}"#)
            #expect(released.status == 200 && released.json["status"] == "RELEASED")

            let decide = try await client.send(
                .POST, "/v1/decide",
                body: #"{"idempotency_key":"d1","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b"},"estimate":{"unit":"USD_MICROCENTS","amount":5000000}}"#)
            #expect(decide.status == 200 && decide.json["decision"] == "DENY")
            #expect(decide.json["reason_code"] == "BUDGET_EXCEEDED")

            let dry = try await client.send(
                .POST, "/v1/reservations",
                body: #"{"idempotency_key":"dry","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b"},"estimate":{"unit":"USD_MICROCENTS","amount":5},"dry_run":true}"#)
            #expect(dry.status == 200 && dry.json["decision"] == "ALLOW" && dry.json["reservation_id"] == nil)

            let event = try await client.send(
                .POST, "/v1/events",
                body: #"{"idempotency_key":"ev1","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b"},"actual":{"unit":"USD_MICROCENTS","amount":7},"client_time_ms":5}"#)
            #expect(event.status == 201 && event.json["status"] == "APPLIED")
            #expect(event.header("X-Cycles-Tenant") == "acme")
        }
    }

    @Test("Error bodies carry error, message, request_id = X-Request-Id, and trace_id = X-Cycles-Trace-Id")
    func errorBodies() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let missingKey = try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: nil)
            #expect(missingKey.status == 401 && missingKey.json["error"] == "UNAUTHORIZED")
            #expect(missingKey.json["request_id"]?.stringValue == missingKey.header("X-Request-Id"))
            #expect(missingKey.json["trace_id"]?.stringValue == missingKey.header("X-Cycles-Trace-Id"))
            let wrongKey = try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: "nope-nope-nope")
            #expect(wrongKey.status == 401)
            let noFilter = try await client.send(.GET, "/v1/balances")
            #expect(noFilter.status == 400 && noFilter.json["error"] == "INVALID_REQUEST")
            let otherTenant = try await client.send(.GET, "/v1/balances?tenant=other")
            #expect(otherTenant.status == 403 && otherTenant.json["error"] == "FORBIDDEN")
            let unknown = try await client.send(.GET, "/v1/reservations/rsv_unknown")
            #expect(unknown.status == 404 && unknown.json["error"] == "NOT_FOUND")
            let exceeded = try await client.send(
                .POST, "/v1/reservations",
                body: #"{"idempotency_key":"big","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b"},"estimate":{"unit":"USD_MICROCENTS","amount":9000000}}"#)
            #expect(exceeded.status == 409 && exceeded.json["error"] == "BUDGET_EXCEEDED")
            let noRoute = try await client.send(.GET, "/v1/nothing-here")
            #expect(noRoute.status == 404 && noRoute.header("X-Request-Id") != nil && noRoute.json["error"] == "NOT_FOUND")
        }
    }

    @Test("Trace id: valid traceparent wins, else a valid X-Cycles-Trace-Id, else generated; garbage is ignored")
    func traceIDs() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let parent = "0af7651916cd43dd8448eb211c80319c"
            let header = "4bf92f3577b34da6a3ce929d0e0e4736"
            let both = try await client.send(
                .GET, "/health", apiKey: nil,
                headers: [("traceparent", "00-\(parent)-b7ad6b7169203331-01"), ("X-Cycles-Trace-Id", header)])
            #expect(both.header("X-Cycles-Trace-Id") == parent)
            let onlyHeader = try await client.send(.GET, "/health", apiKey: nil, headers: [("X-Cycles-Trace-Id", header)])
            #expect(onlyHeader.header("X-Cycles-Trace-Id") == header)
            let garbage = try await client.send(
                .GET, "/v1/balances?tenant=acme", headers: [("traceparent", "garbage"), ("X-Cycles-Trace-Id", "XYZ")])
            #expect(garbage.status == 200)
            let generated = try #require(garbage.header("X-Cycles-Trace-Id"))
            #expect(generated.count == 32 && generated != header)
        }
    }

    @Test("Strict input: malformed JSON, unknown fields, wrong types, ranges, oversize strings, overflow → 400 naming the field")
    func strictValidation() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let base = #""idempotency_key":"v","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b""#
            let cases: [(String, String)] = [
                ("{not json", "JSON"),
                ("[]", "object"),
                ("{\(base)},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":1},\"surprise\":1}", "surprise"),
                ("{\(base),\"extra\":true},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":1}}", "action.extra"),
                ("{\(base)},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":\"1\"}}", "estimate.amount"),
                ("{\(base)},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":-5}}", "estimate.amount"),
                ("{\(base)},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":92233720368547758070}}", "estimate.amount"),
                ("{\(base)},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":1.5}}", "estimate.amount"),
                ("{\(base)},\"estimate\":{\"unit\":\"DOLLARS\",\"amount\":1}}", "estimate.unit"),
                ("{\(base)},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":1},\"ttl_ms\":999}", "ttl_ms"),
                ("{\(base)},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":1},\"dry_run\":\"yes\"}", "dry_run"),
                ("{\(base)},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":1},\"ttl_ms\":null}", "ttl_ms"),
                ("{\(base)}}", "estimate"),
                (
                    "{\"idempotency_key\":\"v\",\"subject\":{\"agent\":\"\(String(repeating: "a", count: 129))\"},\"action\":{\"kind\":\"a\",\"name\":\"b\"},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":1}}",
                    "subject.agent"
                ),
                (
                    "{\"idempotency_key\":\"v\",\"subject\":{\"dimensions\":{\"a\":\"b\"}},\"action\":{\"kind\":\"a\",\"name\":\"b\"},\"estimate\":{\"unit\":\"USD_MICROCENTS\",\"amount\":1}}",
                    "subject"
                ),
            ]
            for (body, field) in cases {
                let reply = try await client.send(.POST, "/v1/reservations", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["error"] == "INVALID_REQUEST")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(reply.text) should name \(field)")
            }
            let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
            let deepReply = try await client.send(.POST, "/v1/reservations", body: deep)
            #expect(deepReply.status == 400 && deepReply.json["error"] == "INVALID_REQUEST")
            let escaped = try await client.send(
                .POST, "/v1/reservations",
                body: #"{"idempotency_key":"\u00e9\ud83d\ude00","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b\n"},"estimate":{"unit":"USD_MICROCENTS","amount":1}}"#)
            #expect(escaped.status == 200)
            let huge = "{\"idempotency_key\":\"" + String(repeating: "x", count: 2 << 20) + "\"}"
            let tooBig = try await client.send(.POST, "/v1/reservations", body: huge)
            #expect(tooBig.status == 413 && tooBig.json["error"] == "INVALID_REQUEST")
            let mismatchedHeader = try await client.send(
                .POST, "/v1/reservations", body: Self.reserveBody, headers: [("X-Idempotency-Key", "other")])
            #expect(mismatchedHeader.status == 400)
            #expect(mismatchedHeader.json["message"]?.stringValue?.contains("X-Idempotency-Key") == true)
            let health = try await client.send(.GET, "/health", apiKey: nil)
            #expect(health.status == 200)  // still alive
        }
    }

    @Test("Replay over HTTP is byte-identical apart from remaining_ttl_ms")
    func replayBytes() async throws {
        try await HTTPTestClient.withServer { client, server in
            let first = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody)
            try await server.ledger.advanceClock(namespace: "default", byMs: 1_000)
            let second = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody)
            #expect(second.status == 200)
            #expect(
                second.text
                    == first.text.replacing("\"remaining_ttl_ms\":30000", with: "\"remaining_ttl_ms\":29000"))
            #expect(first.header("X-Request-Id") != second.header("X-Request-Id"))
        }
    }

    @Test("Admin key: accepted on list (tenant required), get and release; refused on create")
    func adminKey() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let id = try #require(
                try await client.send(.POST, "/v1/reservations", body: Self.reserveBody).json["reservation_id"]?.stringValue)
            let admin = [("X-Admin-API-Key", Fixture.adminKey)]
            let noTenant = try await client.send(.GET, "/v1/reservations", apiKey: nil, headers: admin)
            #expect(noTenant.status == 400)
            let listed = try await client.send(.GET, "/v1/reservations?tenant=acme", apiKey: nil, headers: admin)
            #expect(listed.status == 200 && listed.json["reservations"]?.arrayValue?.count == 1)
            let got = try await client.send(.GET, "/v1/reservations/\(id)", apiKey: nil, headers: admin)
            #expect(got.status == 200)
            let wrong = try await client.send(.GET, "/v1/reservations/\(id)", apiKey: nil, headers: [("X-Admin-API-Key", "bad")])
            #expect(wrong.status == 401)
            let create = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody, apiKey: nil, headers: admin)
            #expect(create.status == 401)
            let released = try await client.send(
                .POST, "/v1/reservations/\(id)/release", body: #"{"idempotency_key":"a1"}"#, apiKey: nil, headers: admin)
            #expect(released.status == 200)
        }
    }

    @Test("GET of an EXPIRED reservation → 410 RESERVATION_EXPIRED")
    func getExpired() async throws {
        try await HTTPTestClient.withServer { client, server in
            let id = try #require(
                try await client.send(.POST, "/v1/reservations", body: Self.reserveBody).json["reservation_id"]?.stringValue)
            try await server.ledger.advanceClock(namespace: "default", byMs: 35_001)
            let reply = try await client.send(.GET, "/v1/reservations/\(id)")
            #expect(reply.status == 410 && reply.json["error"] == "RESERVATION_EXPIRED")
        }
    }

    @Test("200 concurrent HTTP reserves against a budget that fits 37 → exactly 37 succeed")
    func httpStampede() async throws {
        try await HTTPTestClient.withServer(Fixture.seed(tenantAllocated: 37_000)) { client, server in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await client.send(
                            .POST, "/v1/reservations",
                            body: #"{"idempotency_key":"s\#(index)","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b"},"estimate":{"unit":"USD_MICROCENTS","amount":1000}}"#
                        ).status
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0 == 200 }.count == 37)
            #expect(statuses.filter { $0 == 409 }.count == 163)
            #expect(try await server.ledger.checkInvariants().isEmpty)
        }
    }
}
