import CyclesProtocol
import CyclesServer
import Foundation
import NIOHTTP1
import Testing

/// `/v1/admin/api-keys…` over HTTP: the secret is returned once and works, lists never show it, patch and revoke.
struct AdminAPIKeyTests {
    static let admin = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]

    static func send(
        _ client: HTTPTestClient, _ method: HTTPMethod, _ path: String, body: String? = nil
    ) async throws -> HTTPTestClient.Reply {
        try await client.send(method, path, body: body, apiKey: nil, headers: admin)
    }

    @Test("Create returns the secret once; it authenticates with its permissions; lists show only the prefix")
    func createUseAndList() async throws {
        try await HTTPTestClient.withServer { client, server in
            let created = try await Self.send(
                client, .POST, "/v1/admin/api-keys",
                body: #"{"tenant_id":"acme","name":"reader","permissions":["balances:read"],"metadata":{"team":"ops"}}"#)
            #expect(created.status == 201)
            #expect(created.header("Content-Type") == "application/json")
            let secret = try #require(created.json["key_secret"]?.stringValue)
            let keyID = try #require(created.json["key_id"]?.stringValue)
            #expect(secret.hasPrefix("cyc_live_") && secret.count == 41)
            #expect(created.json["permissions"] == ["balances:read"])
            #expect(created.json["expires_at"]?.stringValue == APIKey.never)
            #expect(secret.hasPrefix(try #require(created.json["key_prefix"]?.stringValue)))

            #expect(try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: secret).status == 200)
            #expect(try await client.send(
                .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody, apiKey: secret).status == 403)
            let introspected = try await client.send(.GET, "/v1/auth/introspect", apiKey: secret)
            #expect(introspected.json["tenant_id"] == "acme")

            let listed = try await Self.send(client, .GET, "/v1/admin/api-keys?tenant_id=acme")
            #expect(listed.status == 200)
            #expect(!listed.text.contains(secret))
            #expect(listed.json["keys"]?.arrayValue?.allSatisfy { $0["key_secret"] == nil } == true)
            let entry = try #require(listed.json["keys"]?.arrayValue?.first { $0["key_id"]?.stringValue == keyID })
            #expect(entry["name"] == "reader")
            #expect(entry["status"] == "ACTIVE")
            #expect(entry["metadata"]?["team"] == "ops")
            // The seeded key is listed too; the other tenant's key is not under tenant_id=acme.
            #expect(listed.json["keys"]?.arrayValue?.count == 2)
            // Only the digest is stored.
            let stored = try await server.ledger.state(namespace: "default")
            #expect(!"\(stored)".contains(secret))
        }
    }

    @Test("Create rejects bad input with 400 naming the field, a closed tenant with 409, no admin key with 401")
    func createRejects() async throws {
        try await HTTPTestClient.withServer { client, _ in
            for (body, field) in [
                (#"{"tenant_id":"acme"}"#, "name"), (#"{"tenant_id":"nobody","name":"k"}"#, "tenant_id"),
                (#"{"tenant_id":"acme","name":"k","permissions":["root"]}"#, "permissions[0]"),
                (#"{"tenant_id":"acme","name":"k","expires_at":"tomorrow"}"#, "expires_at"),
                (#"{"tenant_id":"acme","name":"k","expires_at":"2020-01-01T00:00:00Z"}"#, "expires_at"),
                (#"{"tenant_id":"acme","name":"k","key_secret":"mine"}"#, "key_secret"),
                (#"{"tenant_id":"acme","name":"k","scope_filter":"x"}"#, "scope_filter"),
            ] {
                let reply = try await Self.send(client, .POST, "/v1/admin/api-keys", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body): \(reply.text)")
            }
            #expect(try await client.send(
                .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"acme","name":"k"}"#, apiKey: nil).status == 401)
            _ = try await Self.send(client, .PATCH, "/v1/admin/tenants/other", body: #"{"status":"CLOSED"}"#)
            let closed = try await Self.send(client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"other","name":"k"}"#)
            #expect(closed.status == 409)
            #expect(closed.json["error"] == "TENANT_CLOSED")
        }
    }

    @Test("Patch replaces permissions (enforced at once); revoke makes the key 401; a revoked key cannot change")
    func patchAndRevoke() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let created = try await Self.send(
                client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"acme","name":"k","permissions":["balances:read"]}"#)
            let secret = try #require(created.json["key_secret"]?.stringValue)
            let keyID = try #require(created.json["key_id"]?.stringValue)
            #expect(try await client.send(.GET, "/v1/reservations?tenant=acme", apiKey: secret).status == 403)

            let patched = try await Self.send(
                client, .PATCH, "/v1/admin/api-keys/\(keyID)",
                body: #"{"name":"lister","permissions":["reservations:list"]}"#)
            #expect(patched.status == 200)
            #expect(patched.json["name"] == "lister")
            #expect(patched.json["permissions"] == ["reservations:list"])
            #expect(try await client.send(.GET, "/v1/reservations?tenant=acme", apiKey: secret).status == 200)
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: secret).status == 403)
            for (body, field) in [(#"{"permissions":["nope"]}"#, "permissions[0]"), (#"{"status":"ACTIVE"}"#, "status")] {
                let reply = try await Self.send(client, .PATCH, "/v1/admin/api-keys/\(keyID)", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body): \(reply.text)")
            }
            #expect(try await Self.send(client, .PATCH, "/v1/admin/api-keys/key_nope", body: "{}").status == 404)

            let revoked = try await Self.send(client, .DELETE, "/v1/admin/api-keys/\(keyID)?reason=rotated")
            #expect(revoked.status == 200)
            #expect(revoked.json["status"] == "REVOKED")
            #expect(revoked.json["revoked_reason"] == "rotated")
            #expect(revoked.json["revoked_at"] != nil)
            #expect(try await client.send(.GET, "/v1/reservations?tenant=acme", apiKey: secret).status == 401)
            let again = try await Self.send(client, .DELETE, "/v1/admin/api-keys/\(keyID)")
            #expect(again.status == 409)
            #expect(again.json["error"] == "KEY_REVOKED")
            let frozen = try await Self.send(client, .PATCH, "/v1/admin/api-keys/\(keyID)", body: #"{"name":"x"}"#)
            #expect(frozen.status == 409)
            #expect(try await Self.send(client, .DELETE, "/v1/admin/api-keys/key_nope").status == 404)
            let listed = try await Self.send(client, .GET, "/v1/admin/api-keys?status=REVOKED")
            #expect(listed.json["keys"]?.arrayValue?.compactMap { $0["key_id"]?.stringValue } == [keyID])
        }
    }

    @Test("A key with an expiry is listed EXPIRED and gets 401 once the namespace clock passes it")
    func expiry() async throws {
        try await HTTPTestClient.withServer { client, server in
            let created = try await Self.send(
                client, .POST, "/v1/admin/api-keys",
                body: #"{"tenant_id":"acme","name":"short","expires_at":"2027-01-15T08:01:00Z"}"#)
            #expect(created.status == 201)
            #expect(created.json["expires_at"] == "2027-01-15T08:01:00.000Z")
            let secret = try #require(created.json["key_secret"]?.stringValue)
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: secret).status == 200)
            try await server.ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 60_000))
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: secret).status == 401)
            let listed = try await Self.send(client, .GET, "/v1/admin/api-keys?status=EXPIRED")
            #expect(listed.json["keys"]?.arrayValue?.compactMap { $0["key_id"] } == [created.json["key_id"]!])
        }
    }

    @Test("The key list pages newest first with a cursor that visits every key once")
    func paging() async throws {
        try await HTTPTestClient.withServer { client, _ in
            var created: [String] = []
            for index in 0..<4 {
                let reply = try await Self.send(
                    client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"acme","name":"k\#(index)"}"#)
                created.append(try #require(reply.json["key_id"]?.stringValue))
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await Self.send(
                    client, .GET, "/v1/admin/api-keys?tenant_id=acme&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == 200)
                seen += page.json["keys"]?.arrayValue?.compactMap { $0["key_id"]?.stringValue } ?? []
                cursor = page.json["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(seen.count == 5)
            #expect(Set(seen).isSuperset(of: created))
            #expect(try await Self.send(client, .GET, "/v1/admin/api-keys?cursor=zz").status == 400)
            #expect(try await Self.send(client, .GET, "/v1/admin/api-keys?status=LOST").status == 400)
        }
    }

    @Test("The status filter runs in SQL before the page is cut: each filtered page is full and the cursor keeps its place")
    func statusFilterPages() async throws {
        try await HTTPTestClient.withServer { client, server in
            var created: [String] = []
            for index in 0..<6 {
                // Distinct creation times, so newest-first order is known (ties would fall back to the key id).
                _ = try await server.ledger.advanceClock(namespace: "default", byMs: 1)
                let reply = try await Self.send(
                    client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"acme","name":"s\#(index)"}"#)
                created.append(try #require(reply.json["key_id"]?.stringValue))
            }
            // Newest first: s5 … s0. Revoke every other one, and let one more key expire by the namespace clock.
            for keyID in [created[0], created[2], created[4]] {
                #expect(try await Self.send(client, .DELETE, "/v1/admin/api-keys/\(keyID)").status == 200)
            }
            let expiring = try await Self.send(
                client, .POST, "/v1/admin/api-keys",
                body: #"{"tenant_id":"acme","name":"brief","expires_at":"2027-01-15T09:00:00Z"}"#)
            let expiringID = try #require(expiring.json["key_id"]?.stringValue)
            _ = try await server.ledger.advanceClock(namespace: "default", byMs: 2 * 3_600_000)

            func pages(_ status: String) async throws -> (ids: [String], sizes: [Int]) {
                var ids: [String] = []
                var sizes: [Int] = []
                var cursor: String?
                repeat {
                    let page = try await Self.send(
                        client, .GET,
                        "/v1/admin/api-keys?tenant_id=acme&status=\(status)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    #expect(page.status == 200)
                    let keys = page.json["keys"]?.arrayValue ?? []
                    #expect(keys.allSatisfy { $0["status"]?.stringValue == status })
                    ids += keys.compactMap { $0["key_id"]?.stringValue }
                    sizes.append(keys.count)
                    cursor = page.json["next_cursor"]?.stringValue
                } while cursor != nil
                return (ids, sizes)
            }
            let revoked = try await pages("REVOKED")
            #expect(revoked.ids == [created[4], created[2], created[0]])
            #expect(revoked.sizes == [2, 1])
            let active = try await pages("ACTIVE")
            // The created keys still ACTIVE (s5, s3, s1) plus the seeded one, never the expired key.
            #expect(active.ids.count == 4)
            #expect(Set(active.ids).isSuperset(of: [created[5], created[3], created[1]]))
            #expect(!active.ids.contains(expiringID))
            #expect(active.sizes == [2, 2])
            #expect(try await pages("EXPIRED").ids == [expiringID])
            // A cursor made under one status is refused under another.
            let first = try await Self.send(client, .GET, "/v1/admin/api-keys?tenant_id=acme&status=ACTIVE&limit=1")
            let cursor = try #require(first.json["next_cursor"]?.stringValue)
            #expect(try await Self.send(client, .GET, "/v1/admin/api-keys?tenant_id=acme&status=REVOKED&cursor=\(cursor)").status == 400)
        }
    }
}
