import CyclesProtocol
import CyclesServer
import Foundation
import NIOHTTP1
import Testing

/// `GET /v1/admin/events`, `GET /v1/admin/events/{event_id}` and `GET /v1/events` over HTTP.
struct EventListingTests {
    static let admin = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]

    /// Denials for both tenants (dry runs over budget), so each tenant has events of its own.
    static func provoke(_ client: HTTPTestClient, tenant: String = "acme", key: String = Fixture.acmeKey, count: Int)
        async throws
    {
        for index in 0..<count {
            let body = """
                {"idempotency_key":"deny-\(tenant)-\(index)","subject":{"tenant":"\(tenant)"},\
                "action":{"kind":"llm","name":"x"},"estimate":{"unit":"USD_MICROCENTS","amount":9000000},"dry_run":true}
                """
            let reply = try await client.send(.POST, "/v1/reservations", body: body, apiKey: key)
            #expect(reply.json["decision"] == "DENY")
        }
    }

    static func ids(_ reply: HTTPTestClient.Reply) -> [String] {
        reply.json["events"]?.arrayValue?.compactMap { $0["event_id"]?.stringValue } ?? []
    }

    @Test("The admin listing filters by tenant, type, category, scope prefix and correlation, pages with a cursor without gaps or repeats, and needs the admin key")
    func adminListing() async throws {
        try await HTTPTestClient.withServer { client, _ in
            try await Self.provoke(client, count: 3)
            try await Self.provoke(client, tenant: "other", key: Fixture.otherKey, count: 2)
            #expect(try await client.send(.GET, "/v1/admin/events", apiKey: nil).status == 401)
            #expect(try await client.send(.GET, "/v1/admin/events").status == 401)  // a tenant key is not admin

            let all = try await client.send(.GET, "/v1/admin/events", apiKey: nil, headers: Self.admin)
            #expect(all.status == 200)
            #expect(all.header("Content-Type") == "application/json")
            #expect(Self.ids(all).count == 5)
            #expect(all.json["has_more"] == false)
            let acme = try await client.send(.GET, "/v1/admin/events?tenant_id=acme", apiKey: nil, headers: Self.admin)
            #expect(Self.ids(acme).count == 3)
            for query in ["event_type=reservation.denied", "category=reservation", "scope=tenant:oth"] {
                let reply = try await client.send(.GET, "/v1/admin/events?\(query)", apiKey: nil, headers: Self.admin)
                #expect(reply.status == 200, "\(query)")
                #expect(!Self.ids(reply).isEmpty, "\(query)")
            }
            let none = try await client.send(.GET, "/v1/admin/events?category=tenant", apiKey: nil, headers: Self.admin)
            #expect(Self.ids(none).isEmpty)
            let first = try #require(all.json["events"]?.arrayValue?.first)
            let correlated = try await client.send(
                .GET, "/v1/admin/events?correlation_id=\(first["correlation_id"]?.stringValue ?? "")&request_id=\(first["request_id"]?.stringValue ?? "")&trace_id=\(first["trace_id"]?.stringValue ?? "")",
                apiKey: nil, headers: Self.admin)
            #expect(Self.ids(correlated) == [first["event_id"]?.stringValue].compactMap { $0 })

            // Pages of 2 in both directions give every event exactly once, in order.
            for direction in ["desc", "asc"] {
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let path = "/v1/admin/events?limit=2&sort_dir=\(direction)" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try await client.send(.GET, path, apiKey: nil, headers: Self.admin)
                    #expect(page.status == 200)
                    seen += Self.ids(page)
                    cursor = page.json["next_cursor"]?.stringValue
                    #expect((page.json["has_more"] == true) == (cursor != nil))
                } while cursor != nil
                #expect(Set(seen).count == 5)
                #expect(seen == (direction == "desc" ? Self.ids(all) : Self.ids(all).reversed()))
            }
            let byType = try await client.send(.GET, "/v1/admin/events?sort_by=tenant_id&sort_dir=asc&limit=4", apiKey: nil, headers: Self.admin)
            #expect(byType.json["events"]?.arrayValue?.compactMap { $0["tenant_id"]?.stringValue } == ["acme", "acme", "acme", "other"])
            let next = try #require(byType.json["next_cursor"]?.stringValue)
            let rest = try await client.send(.GET, "/v1/admin/events?sort_by=tenant_id&sort_dir=asc&limit=4&cursor=\(next)", apiKey: nil, headers: Self.admin)
            #expect(rest.json["events"]?.arrayValue?.compactMap { $0["tenant_id"]?.stringValue } == ["other"])
            // A cursor belongs to its query.
            let reused = try await client.send(.GET, "/v1/admin/events?sort_by=event_type&limit=4&cursor=\(next)", apiKey: nil, headers: Self.admin)
            #expect(reused.status == 400)
        }
    }

    @Test("Bad admin listing parameters are 400 INVALID_REQUEST naming the parameter")
    func badParameters() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let long = String(repeating: "x", count: 129)
            for (query, name) in [
                ("event_type=budget.nope", "event_type"), ("event_type=", "event_type"), ("category=billing", "category"),
                ("limit=0", "limit"), ("limit=101", "limit"), ("sort_by=size", "sort_by"), ("sort_dir=up", "sort_dir"),
                ("trace_id=ABC", "trace_id"), ("from=yesterday", "from"), ("to=12", "to"), ("search=\(long)", "search"),
                ("cursor=garbage", "cursor"),
            ] {
                let reply = try await client.send(.GET, "/v1/admin/events?\(query)", apiKey: nil, headers: Self.admin)
                #expect(reply.status == 400, "\(query)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(query)")
                #expect(reply.json["message"]?.stringValue?.contains(name) == true, "\(query): \(reply.text)")
            }
        }
    }

    @Test("Get answers the stored event, 404 EVENT_NOT_FOUND for an unknown id, 401 without the admin key")
    func getEvent() async throws {
        try await HTTPTestClient.withServer { client, _ in
            try await Self.provoke(client, count: 1)
            let list = try await client.send(.GET, "/v1/admin/events", apiKey: nil, headers: Self.admin)
            let event = try #require(list.json["events"]?.arrayValue?.first)
            let id = try #require(event["event_id"]?.stringValue)
            let got = try await client.send(.GET, "/v1/admin/events/\(id)", apiKey: nil, headers: Self.admin)
            #expect(got.status == 200)
            #expect(got.json == event)
            #expect(got.json["data"]?["reason_code"] == "BUDGET_EXCEEDED")
            let missing = try await client.send(.GET, "/v1/admin/events/evt_nope", apiKey: nil, headers: Self.admin)
            #expect(missing.status == 404)
            #expect(missing.json["error"] == "EVENT_NOT_FOUND")
            #expect(try await client.send(.GET, "/v1/admin/events/\(id)", apiKey: nil).status == 401)
        }
    }

    @Test("GET /v1/events needs events:read, answers only the caller's tenant-accessible events, and no parameter widens it")
    func tenantListing() async throws {
        try await HTTPTestClient.withServer { client, server in
            try await Self.provoke(client, count: 2)
            try await Self.provoke(client, tenant: "other", key: Fixture.otherKey, count: 1)
            #expect(try await client.send(.GET, "/v1/events", apiKey: nil).status == 401)
            let forbidden = try await client.send(.GET, "/v1/events")  // default permissions lack events:read
            #expect(forbidden.status == 403)
            // Creating the readers emits api_key.created for both tenants: admin-only, so never listed to them.
            let acmeReader = try await server.ledger.createAPIKey(
                APIKeyCreateRequest(tenantID: "acme", name: "reader", permissions: [.eventsRead]))
            let otherReader = try await server.ledger.createAPIKey(
                APIKeyCreateRequest(tenantID: "other", name: "reader", permissions: [.eventsRead]))
            let mine = try await client.send(.GET, "/v1/events", apiKey: acmeReader.keySecret)
            #expect(mine.status == 200)
            #expect(mine.header("X-Cycles-Tenant") == "acme")
            let events = mine.json["events"]?.arrayValue ?? []
            #expect(events.count == 2)
            #expect(events.allSatisfy { $0["tenant_id"] == "acme" && $0["category"] == "reservation" })
            let widened = try await client.send(
                .GET, "/v1/events?tenant_id=other&category=api_key", apiKey: acmeReader.keySecret)
            #expect(widened.status == 200)
            #expect(Self.ids(widened).isEmpty)
            let theirs = try await client.send(.GET, "/v1/events?limit=1", apiKey: otherReader.keySecret)
            #expect(Self.ids(theirs).count == 1)
            #expect(theirs.json["events"]?.arrayValue?.first?["tenant_id"] == "other")
            #expect(try await client.send(.GET, "/v1/events?limit=0", apiKey: acmeReader.keySecret).status == 400)
        }
    }
}
