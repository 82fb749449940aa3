import Foundation
import CyclesProtocol
import CyclesServer
import NIOHTTP1
import Testing

/// `/v1/admin/tenants…` over HTTP: create, get, list, patch, the SUSPENDED guard on the runtime plane and the
/// CLOSED cascade.
struct AdminTenantTests {
    static let admin = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]

    static func send(
        _ client: HTTPTestClient, _ method: HTTPMethod, _ path: String, body: String? = nil
    ) async throws -> HTTPTestClient.Reply {
        try await client.send(method, path, body: body, apiKey: nil, headers: admin)
    }

    @Test("Create answers 201 with the tenant, a same-name retry 200, another name 409; without the admin key 401")
    func create() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let body = #"{"tenant_id":"globex","name":"Globex","max_reservation_extensions":3,"metadata":{"tier":"gold"}}"#
            let created = try await Self.send(client, .POST, "/v1/admin/tenants", body: body)
            #expect(created.status == 201)
            #expect(created.header("Content-Type") == "application/json")
            #expect(created.header("X-Request-Id") != nil)
            #expect(created.json["tenant_id"] == "globex")
            #expect(created.json["status"] == "ACTIVE")
            #expect(created.json["max_reservation_extensions"] == 3)
            #expect(created.json["metadata"]?["tier"] == "gold")
            #expect(created.json["created_at"] == "2027-01-15T08:00:00.000Z")

            let retried = try await Self.send(client, .POST, "/v1/admin/tenants", body: body)
            #expect(retried.status == 200)
            #expect(retried.json == created.json)
            let conflict = try await Self.send(
                client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"globex","name":"Other"}"#)
            #expect(conflict.status == 409)
            #expect(conflict.json["error"] == "DUPLICATE_RESOURCE")

            #expect(try await client.send(.POST, "/v1/admin/tenants", body: body, apiKey: nil).status == 401)
            // A tenant API key is not an admin key.
            #expect(try await client.send(.POST, "/v1/admin/tenants", body: body).status == 401)
            #expect(try await client.send(
                .POST, "/v1/admin/tenants", body: body, apiKey: nil,
                headers: [(CyclesHeader.adminAPIKey, "guess")]).status == 401)
        }
    }

    @Test("Admin list query values are strict: blank, non-integer or out-of-range limit and blank sort or status are 400 naming them")
    func listQueryValuesAreStrict() async throws {
        try await HTTPTestClient.withServer { client, _ in
            for (query, name) in [
                ("limit=", "limit"), ("limit=ten", "limit"), ("limit=101", "limit"), ("limit=0", "limit"),
                ("sort_by=", "sort_by"), ("sort_dir=", "sort_dir"), ("status=", "status"),
            ] {
                for path in ["/v1/admin/tenants", "/v1/admin/api-keys"] where !(path.hasSuffix("api-keys") && name.hasPrefix("sort")) {
                    let reply = try await Self.send(client, .GET, "\(path)?\(query)")
                    #expect(reply.status == 400, "\(path)?\(query)")
                    #expect(reply.json["error"] == "INVALID_REQUEST", "\(path)?\(query)")
                    #expect(reply.json["message"]?.stringValue?.contains(name) == true, "\(path)?\(query)")
                }
            }
            #expect(try await Self.send(client, .GET, "/v1/admin/tenants?limit=100").status == 200)
        }
    }

    @Test("Bad tenant bodies are 400 INVALID_REQUEST naming the field")
    func createRejectsBadInput() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let cases: [(String, String)] = [
                (#"{"tenant_id":"Bad_Id","name":"x"}"#, "tenant_id"),
                (#"{"tenant_id":"ab","name":"x"}"#, "tenant_id"),
                (#"{"tenant_id":"good-id"}"#, "name"),
                (#"{"tenant_id":"good-id","name":""}"#, "name"),
                (#"{"tenant_id":"good-id","name":"x","status":"ACTIVE"}"#, "status"),
                (#"{"tenant_id":"good-id","name":"x","default_reservation_ttl_ms":5}"#, "default_reservation_ttl_ms"),
                (#"{"tenant_id":"good-id","name":"x","max_reservation_extensions":-1}"#, "max_reservation_extensions"),
                (#"{"tenant_id":"good-id","name":"x","default_commit_overage_policy":"MAYBE"}"#, "default_commit_overage_policy"),
                (#"{"tenant_id":"good-id","name":"x","reservation_expiry_policy":"NEVER"}"#, "reservation_expiry_policy"),
                (#"{"tenant_id":"good-id","name":"x","metadata":{"a":1}}"#, "metadata"),
                (#"{"tenant_id":7,"name":"x"}"#, "tenant_id"),
                // One grapheme, 257 code points: lengths count code points, as JSON Schema's maxLength does.
                (#"{"tenant_id":"good-id","name":"e"# + String(repeating: #"\u0301"#, count: 256) + #""}"#, "name"),
            ]
            for (body, field) in cases {
                let reply = try await Self.send(client, .POST, "/v1/admin/tenants", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(body)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body): \(reply.text)")
            }
            #expect(try await Self.send(client, .GET, "/v1/admin/tenants/good-id").status == 404)
        }
    }

    @Test("Get answers a seeded or created tenant and 404 TENANT_NOT_FOUND for an unknown one")
    func get() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let acme = try await Self.send(client, .GET, "/v1/admin/tenants/acme")
            #expect(acme.status == 200)
            #expect(acme.json["name"] == "Acme")
            #expect(acme.json["status"] == "ACTIVE")
            let missing = try await Self.send(client, .GET, "/v1/admin/tenants/nobody")
            #expect(missing.status == 404)
            #expect(missing.json["error"] == "TENANT_NOT_FOUND")
            #expect(missing.header("Content-Type") == "application/json")
        }
    }

    @Test("List filters by status and search, sorts, and pages with a keyset cursor that visits every tenant once")
    func list() async throws {
        try await HTTPTestClient.withServer { client, _ in
            for id in ["t-alpha", "t-bravo", "t-charlie", "t-delta", "t-echo"] {
                let reply = try await Self.send(
                    client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"\#(id)","name":"Name \#(id)"}"#)
                #expect(reply.status == 201)
            }
            _ = try await Self.send(client, .PATCH, "/v1/admin/tenants/t-delta", body: #"{"status":"SUSPENDED"}"#)

            var seen: [String] = []
            var cursor: String?
            repeat {
                let path = "/v1/admin/tenants?sort_by=tenant_id&sort_dir=asc&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await Self.send(client, .GET, path)
                #expect(page.status == 200)
                seen += page.json["tenants"]?.arrayValue?.compactMap { $0["tenant_id"]?.stringValue } ?? []
                cursor = page.json["next_cursor"]?.stringValue
                #expect((page.json["has_more"] == true) == (cursor != nil))
            } while cursor != nil
            #expect(seen == ["acme", "other", "t-alpha", "t-bravo", "t-charlie", "t-delta", "t-echo"])

            let suspended = try await Self.send(client, .GET, "/v1/admin/tenants?status=SUSPENDED")
            #expect(suspended.json["tenants"]?.arrayValue?.compactMap { $0["tenant_id"]?.stringValue } == ["t-delta"])
            let searched = try await Self.send(client, .GET, "/v1/admin/tenants?search=CHAR")
            #expect(searched.json["tenants"]?.arrayValue?.compactMap { $0["tenant_id"]?.stringValue } == ["t-charlie"])
            let descending = try await Self.send(client, .GET, "/v1/admin/tenants?sort_by=tenant_id&sort_dir=desc&limit=1")
            #expect(descending.json["tenants"]?.arrayValue?.first?["tenant_id"] == "t-echo")

            let firstPage = try await Self.send(client, .GET, "/v1/admin/tenants?sort_by=tenant_id&sort_dir=asc&limit=2")
            let foreignCursor = try #require(firstPage.json["next_cursor"]?.stringValue)
            for path in [
                "/v1/admin/tenants?sort_by=name&cursor=\(foreignCursor)", "/v1/admin/tenants?cursor=garbage",
                "/v1/admin/tenants?limit=0", "/v1/admin/tenants?limit=x", "/v1/admin/tenants?status=OPEN",
                "/v1/admin/tenants?sort_by=colour", "/v1/admin/tenants?sort_dir=up",
                "/v1/admin/tenants?search=\(String(repeating: "a", count: 129))",
            ] {
                let reply = try await Self.send(client, .GET, path)
                #expect(reply.status == 400, "\(path)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(path)")
            }
            #expect(try await client.send(.GET, "/v1/admin/tenants", apiKey: nil).status == 401)
        }
    }

    @Test("SUSPENDED blocks new reservations and events (403) while existing ones still commit; ACTIVE again resumes")
    func suspension() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let reserved = try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
            let id = try #require(reserved.json["reservation_id"]?.stringValue)

            let suspended = try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: #"{"status":"SUSPENDED"}"#)
            #expect(suspended.status == 200)
            #expect(suspended.json["status"] == "SUSPENDED")
            #expect(suspended.json["suspended_at"] == "2027-01-15T08:00:00.000Z")

            let blocked = try await client.send(
                .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody.replacingOccurrences(of: "k1", with: "k2"))
            #expect(blocked.status == 403)
            #expect(blocked.json["error"] == "FORBIDDEN")
            let event = try await client.send(
                .POST, "/v1/events",
                body: #"{"idempotency_key":"ev1","subject":{"tenant":"acme"},"action":{"kind":"k","name":"n"},"actual":{"unit":"USD_MICROCENTS","amount":5}}"#)
            #expect(event.status == 403)
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme").status == 200)
            let committed = try await client.send(
                .POST, "/v1/reservations/\(id)/commit",
                body: #"{"idempotency_key":"c1","actual":{"unit":"USD_MICROCENTS","amount":10}}"#)
            #expect(committed.status == 200)

            let resumed = try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: #"{"status":"ACTIVE"}"#)
            #expect(resumed.json["status"] == "ACTIVE")
            let again = try await client.send(
                .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody.replacingOccurrences(of: "k1", with: "k3"))
            #expect(again.status == 200)
        }
    }

    @Test("Closing runs the cascade in one transaction: reservations released, budgets closed with reserved returned, keys revoked")
    func closeCascade() async throws {
        try await HTTPTestClient.withServer { client, server in
            let reserved = try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
            let id = try #require(reserved.json["reservation_id"]?.stringValue)
            let before = try await server.ledger.state(namespace: "default").budgets.filter { $0.tenantID == "acme" }
            #expect(before.contains { $0.reserved == 1_000 })

            let closed = try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: #"{"status":"CLOSED"}"#)
            #expect(closed.status == 200)
            #expect(closed.json["status"] == "CLOSED")
            #expect(closed.json["closed_at"] == "2027-01-15T08:00:00.000Z")

            let state = try await server.ledger.state(namespace: "default")
            #expect(state.reservations.first { $0.reservationID == id }?.status == .released)
            let budgets = state.budgets.filter { $0.tenantID == "acme" }
            #expect(budgets.allSatisfy { $0.status == "CLOSED" && $0.reserved == 0 })
            for budget in budgets {
                #expect(budget.allocated == budget.remaining + budget.reserved + budget.spent + budget.debt)
            }
            #expect(try await server.ledger.checkInvariants().isEmpty)
            // The other tenant is untouched.
            #expect(state.budgets.filter { $0.tenantID == "other" }.allSatisfy { $0.status == "ACTIVE" })
            #expect(try await client.send(.GET, "/v1/balances?tenant=other", apiKey: Fixture.otherKey).status == 200)
            // Keys are revoked: the tenant's key no longer authenticates.
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme").status == 401)

            let reclosed = try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: #"{"status":"CLOSED"}"#)
            #expect(reclosed.status == 200)
            #expect(reclosed.json == closed.json)
            for body in [#"{"status":"ACTIVE"}"#, #"{"status":"SUSPENDED"}"#, #"{"name":"Renamed"}"#] {
                let refused = try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: body)
                #expect(refused.status == 409, "\(body)")
                #expect(refused.json["error"] == "TENANT_CLOSED", "\(body)")
            }
            #expect(try await Self.send(client, .GET, "/v1/admin/tenants/acme").status == 200)
        }
    }

    @Test("Patch changes settings, validates each field (400 naming it) and answers 404 for an unknown tenant")
    func patch() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let renamed = try await Self.send(
                client, .PATCH, "/v1/admin/tenants/acme",
                body: #"{"name":"Acme Ltd","max_reservation_ttl_ms":120000,"default_commit_overage_policy":"REJECT"}"#)
            #expect(renamed.status == 200)
            #expect(renamed.json["name"] == "Acme Ltd")
            #expect(renamed.json["max_reservation_ttl_ms"] == 120_000)
            #expect(renamed.json["default_commit_overage_policy"] == "REJECT")
            #expect(renamed.json["updated_at"] != nil)
            for (body, field) in [
                (#"{"status":"GONE"}"#, "status"), (#"{"max_reservation_ttl_ms":0}"#, "max_reservation_ttl_ms"),
                (#"{"tenant_id":"x"}"#, "tenant_id"), (#"{"name":5}"#, "name"),
            ] {
                let reply = try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body): \(reply.text)")
            }
            let missing = try await Self.send(client, .PATCH, "/v1/admin/tenants/nobody", body: #"{"name":"x"}"#)
            #expect(missing.status == 404)
            #expect(missing.json["error"] == "TENANT_NOT_FOUND")
        }
    }

    @Test("Tenant operations work on the Ledger directly, without HTTP")
    func engineWithoutHTTP() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        guard case .created(let created) = try await ledger.createTenant(TenantCreateRequest(tenantID: "initech", name: "Initech"))
        else { Issue.record("expected a new tenant"); return }
        #expect(created.status == "ACTIVE")
        let closed = try await ledger.updateTenant("initech", TenantUpdateRequest(status: "CLOSED"))
        #expect(closed.status == "CLOSED")
        #expect(try await ledger.tenant("initech") == closed)
        let page = try await ledger.listTenants(.init(status: "CLOSED"))
        #expect(page.tenants.map(\.tenantID) == ["initech"])
    }

    @Test("The tenant cursor is the shared keyset cursor: pages stay gap- and duplicate-free while tenants are created")
    func cursorStableUnderInserts() async throws {
        try await HTTPTestClient.withServer { client, server in
            for index in 0..<5 {
                // Distinct creation times, so created_at (the default sort, newest first) orders them.
                _ = try await server.ledger.advanceClock(namespace: "default", byMs: 1_000)
                #expect(try await Self.send(
                    client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"c-\#(index)","name":"C"}"#).status == 201)
            }
            var seen: [String] = []
            var cursor: String?
            var page = 0
            repeat {
                let reply = try await Self.send(client, .GET, "/v1/admin/tenants?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(reply.status == 200)
                #expect(reply.json["next_cursor"]?.stringValue.map { $0.hasPrefix("c2.") } ?? true)
                seen += reply.json["tenants"]?.arrayValue?.compactMap { $0["tenant_id"]?.stringValue } ?? []
                cursor = reply.json["next_cursor"]?.stringValue
                if page == 0 {
                    // Newer than every listed tenant: a newest-first listing already past it never shows it.
                    _ = try await server.ledger.advanceClock(namespace: "default", byMs: 1_000)
                    _ = try await Self.send(client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"c-late","name":"L"}"#)
                }
                page += 1
            } while cursor != nil
            #expect(Array(seen.prefix(5)) == ["c-4", "c-3", "c-2", "c-1", "c-0"])
            #expect(Set(seen) == ["c-4", "c-3", "c-2", "c-1", "c-0", "acme", "other"])
            #expect(seen.count == 7)
            // The cursor of a status-filtered list is refused without the filter.
            let filtered = try await Self.send(client, .GET, "/v1/admin/tenants?status=ACTIVE&limit=1")
            let filteredCursor = try #require(filtered.json["next_cursor"]?.stringValue)
            #expect(try await Self.send(client, .GET, "/v1/admin/tenants?limit=1&cursor=\(filteredCursor)").status == 400)
        }
    }
}
