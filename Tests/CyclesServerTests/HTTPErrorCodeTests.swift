import CyclesProtocol
import CyclesServer
import NIOHTTP1
import Testing

/// The remaining error codes each endpoint declares, over HTTP.
struct HTTPErrorCodeTests {
    static let event = #"{"idempotency_key":"ev","subject":{"tenant":"other"},"action":{"kind":"a","name":"b"},"actual":{"unit":"USD_MICROCENTS","amount":1}}"#

    @Test("Events: 403 on another tenant's subject, 401 without a key")
    func eventErrors() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let forbidden = try await client.send(.POST, "/v1/events", body: Self.event)
            let unauthorized = try await client.send(.POST, "/v1/events", body: Self.event, apiKey: nil)
            #expect(forbidden.status == 403)
            #expect(unauthorized.status == 401)
        }
    }

    @Test("Decide: same key with another payload → 409 IDEMPOTENCY_MISMATCH; a replay is identical")
    func decideMismatch() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let body = #"{"idempotency_key":"d","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b"},"estimate":{"unit":"USD_MICROCENTS","amount":1}}"#
            let first = try await client.send(.POST, "/v1/decide", body: body)
            #expect(try await client.send(.POST, "/v1/decide", body: body).text == first.text)
            let changed = body.replacing("\"amount\":1", with: "\"amount\":2")
            let mismatch = try await client.send(.POST, "/v1/decide", body: changed)
            #expect(mismatch.status == 409 && mismatch.json["error"] == "IDEMPOTENCY_MISMATCH")
        }
    }

    @Test("Commit, release and extend bodies are validated (400 naming the field)")
    func settleValidation() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let id = try #require(
                try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody).json["reservation_id"]?.stringValue)
            let cases: [(String, String, String)] = [
                ("commit", #"{"idempotency_key":"c","actual":{"unit":"USD_MICROCENTS","amount":1},"metrics":{"tokens_input":-1}}"#, "metrics.tokens_input"),
                ("commit", #"{"idempotency_key":"c"}"#, "actual"),
                ("release", "{\"idempotency_key\":\"r\",\"reason\":\"\(String(repeating: "x", count: 257))\"}", "reason"),
                ("extend", #"{"idempotency_key":"e","extend_by_ms":0}"#, "extend_by_ms"),
                ("extend", #"{"idempotency_key":"e","extend_by_ms":86400001}"#, "extend_by_ms"),
            ]
            for (operation, body, field) in cases {
                let reply = try await client.send(.POST, "/v1/reservations/\(id)/\(operation)", body: body)
                #expect(reply.status == 400, "\(operation) \(body)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(reply.text)")
            }
            let longID = String(repeating: "r", count: 129)
            #expect(try await client.send(.GET, "/v1/reservations/\(longID)").status == 400)
            #expect(try await client.send(.GET, "/v1/reservations/\(String(repeating: "r", count: 128))").status == 404)
        }
    }

    @Test("List query validation: bad sort, bad date, inverted window → 400; blank window bounds count as unset")
    func listQueryValidation() async throws {
        try await HTTPTestClient.withServer { client, _ in
            _ = try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
            #expect(try await client.send(.GET, "/v1/reservations?sort_by=amount").status == 400)
            #expect(try await client.send(.GET, "/v1/reservations?sort_dir=up").status == 400)
            #expect(try await client.send(.GET, "/v1/reservations?from=yesterday").status == 400)
            #expect(try await client.send(.GET, "/v1/reservations?limit=0").status == 400)
            #expect(try await client.send(.GET, "/v1/reservations?limit=201").status == 400)
            #expect(try await client.send(.GET, "/v1/reservations?status=DONE").status == 400)
            #expect(
                try await client.send(.GET, "/v1/reservations?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z").status == 400)
            let blank = try await client.send(.GET, "/v1/reservations?from=&to=&finalized_from=")
            #expect(blank.status == 200 && blank.json["reservations"]?.arrayValue?.count == 1)
            // Blank typed values are not "unset": "" is no status or sort field (SpecLetterTests has the rest).
            #expect(try await client.send(.GET, "/v1/reservations?status=&sort_by=").status == 400)
            let window = try await client.send(
                .GET, "/v1/reservations?from=2027-01-15T08:00:00Z&to=2027-01-15T09:00:00.000Z&sort_by=reserved&sort_dir=asc&include=metadata,%20bogus")
            #expect(window.status == 200 && window.json["reservations"]?.arrayValue?.count == 1)
            #expect(try await client.send(.GET, "/v1/reservations?cursor=c1.deadbeef.2").status == 400)
        }
    }
}
