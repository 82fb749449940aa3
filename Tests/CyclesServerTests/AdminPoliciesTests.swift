import CyclesProtocol
import CyclesServer
import Foundation
import NIOHTTP1
import Testing

/// `/v1/admin/policies…` over HTTP under both keys: create, list, patch, every error status, tenant isolation, and
/// a policy's rate limit answered as 429 with `Retry-After`.
struct AdminPoliciesTests {
    static let admin = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]
    static let capsPolicy = #"{"name":"bots","scope_pattern":"tenant:acme/agent:*","priority":10,"caps":{"max_tokens":4096}}"#

    static func asAdmin(
        _ client: HTTPTestClient, _ method: HTTPMethod, _ path: String, body: String? = nil
    ) async throws -> HTTPTestClient.Reply {
        try await client.send(method, path, body: body, apiKey: nil, headers: admin)
    }

    @Test("Create under a tenant key answers 201 with the policy; the same name again is 409 DUPLICATE_RESOURCE")
    func createAsTenant() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let created = try await client.send(.POST, "/v1/admin/policies", body: Self.capsPolicy)
            #expect(created.status == 201)
            #expect(created.header("Content-Type") == "application/json")
            #expect(created.header("X-Request-Id") != nil)
            #expect(created.json["policy_id"]?.stringValue?.hasPrefix("pol_") == true)
            #expect(created.json["scope_pattern"] == "tenant:acme/agent:*")
            #expect(created.json["priority"] == 10)
            #expect(created.json["caps"]?["max_tokens"] == 4096)
            #expect(created.json["status"] == "ACTIVE")
            #expect(created.json["created_at"] == "2027-01-15T08:00:00.000Z")
            #expect(created.json["tenant_id"] == nil)  // not a member of the spec's Policy

            let again = try await client.send(.POST, "/v1/admin/policies", body: Self.capsPolicy)
            #expect(again.status == 409)
            #expect(again.json["error"] == "DUPLICATE_RESOURCE")
            // Another tenant may use the same name.
            let other = try await client.send(
                .POST, "/v1/admin/policies", body: #"{"name":"bots","scope_pattern":"agent:*"}"#, apiKey: Fixture.otherKey)
            #expect(other.status == 201)

            // Both creates are audited in their tenant's trail, by the key that made them; the refused one only as
            // a failure.
            let patched = try await Self.asAdmin(
                client, .PATCH, "/v1/admin/policies/\(try #require(created.json["policy_id"]?.stringValue))",
                body: #"{"status":"DISABLED"}"#)
            #expect(patched.status == 200)
            let entries = try await AdminAuditTests.logs(client, "resource_type=policy&sort_dir=asc")
            #expect(entries.map { $0["operation"] } == ["createPolicy", "createPolicy", "updatePolicy"])
            #expect(entries.map { $0["tenant_id"] } == ["acme", "other", "acme"].map(JSONValue.string))
            #expect(entries.map { $0["metadata"]?["actor_type"] } == ["api_key", "api_key", "admin_on_behalf_of"])
            #expect(entries.first?["status"] == 201)
            #expect(try await AdminAuditTests.logs(client, "error_code=DUPLICATE_RESOURCE").count == 1)
        }
    }

    @Test("Create under the admin key needs tenant_id; a tenant key must not send it; bad keys are 401, missing permission 403")
    func createAuthorization() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let missing = try await Self.asAdmin(client, .POST, "/v1/admin/policies", body: Self.capsPolicy)
            #expect(missing.status == 400)
            #expect(missing.json["message"]?.stringValue?.contains("tenant_id") == true)
            let withTenant = Self.capsPolicy.replacingOccurrences(of: #"{"name""#, with: #"{"tenant_id":"acme","name""#)
            let created = try await Self.asAdmin(client, .POST, "/v1/admin/policies", body: withTenant)
            #expect(created.status == 201)
            let unknown = try await Self.asAdmin(
                client, .POST, "/v1/admin/policies", body: #"{"tenant_id":"nobody","name":"x","scope_pattern":"agent:*"}"#)
            #expect(unknown.status == 400)
            #expect(unknown.json["message"]?.stringValue?.contains("tenant_id") == true)

            let tenantNamesTenant = try await client.send(.POST, "/v1/admin/policies", body: withTenant)
            #expect(tenantNamesTenant.status == 400)
            #expect(tenantNamesTenant.json["message"]?.stringValue?.contains("tenant_id") == true)

            #expect(try await client.send(.POST, "/v1/admin/policies", body: Self.capsPolicy, apiKey: nil).status == 401)
            #expect(try await client.send(.POST, "/v1/admin/policies", body: Self.capsPolicy, apiKey: "cyc_nope").status == 401)
            #expect(try await client.send(
                .POST, "/v1/admin/policies", body: withTenant, apiKey: nil,
                headers: [(CyclesHeader.adminAPIKey, "guess")]).status == 401)

            // A key without policies:write (only reservations:create and policies:read) is 403 on writes, 200 on list.
            let key = try await Self.asAdmin(
                client, .POST, "/v1/admin/api-keys",
                body: #"{"tenant_id":"acme","name":"reader","permissions":["reservations:create","policies:read"]}"#)
            let secret = try #require(key.json["key_secret"]?.stringValue)
            let forbidden = try await client.send(.POST, "/v1/admin/policies", body: Self.capsPolicy, apiKey: secret)
            #expect(forbidden.status == 403)
            #expect(forbidden.json["error"] == "FORBIDDEN")
            #expect(try await client.send(.GET, "/v1/admin/policies", apiKey: secret).status == 200)
            let policyID = try #require(created.json["policy_id"]?.stringValue)
            #expect(try await client.send(
                .PATCH, "/v1/admin/policies/\(policyID)", body: #"{"priority":1}"#, apiKey: secret).status == 403)
        }
    }

    @Test("Bad policy bodies are 400 INVALID_REQUEST naming the field, never 500")
    func createRejectsBadInput() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let cases: [(String, String)] = [
                (#"{"scope_pattern":"agent:*"}"#, "name"),
                (#"{"name":"x"}"#, "scope_pattern"),
                (#"{"name":"","scope_pattern":"agent:*"}"#, "name"),
                (#"{"name":"x","scope_pattern":"agent:*","colour":"red"}"#, "colour"),
                (#"{"name":"x","scope_pattern":"agent:*","caps":{"max_tokens":1,"extra":2}}"#, "caps.extra"),
                (#"{"name":"x","scope_pattern":"agent:*","rate_limits":{"per_hour":2}}"#, "rate_limits.per_hour"),
                (#"{"name":"x","scope_pattern":"agent:*","reservation_ttl_override":{"ttl":2}}"#, "reservation_ttl_override.ttl"),
                (#"{"name":"x","scope_pattern":"agent:*","priority":-1}"#, "priority"),
                (#"{"name":"x","scope_pattern":"agent:*","priority":"high"}"#, "priority"),
                (#"{"name":"x","scope_pattern":"agent:*","caps":{"max_tokens":-5}}"#, "max_tokens"),
                (#"{"name":"x","scope_pattern":"agent:*","caps":"none"}"#, "caps"),
                (#"{"name":"x","scope_pattern":"agent:*","commit_overage_policy":"MAYBE"}"#, "commit_overage_policy"),
                (#"{"name":"x","scope_pattern":"agent:*","reservation_ttl_override":{"max_ttl_ms":10}}"#, "max_ttl_ms"),
                (#"{"name":"x","scope_pattern":"agent:*","reservation_ttl_override":{"max_extensions":-1}}"#, "max_extensions"),
                (#"{"name":"x","scope_pattern":"agent:*","rate_limits":{"max_reservations_per_minute":0}}"#, "max_reservations_per_minute"),
                (#"{"name":"x","scope_pattern":"agent:*","effective_from":"tomorrow"}"#, "effective_from"),
                (#"{"name":"x","scope_pattern":"agent:*","effective_from":"2027-02-01T00:00:00Z","effective_until":"2027-01-01T00:00:00Z"}"#, "effective_until"),
                (#"{"name":"x","scope_pattern":"bogus"}"#, "scope_pattern"),
                (#"{"name":"x","scope_pattern":"agent:bot/tenant:acme"}"#, "scope_pattern"),
                (#"{"name":"x","scope_pattern":"tenant:other/*"}"#, "scope_pattern"),
                (#"[1,2]"#, "object"),
                ("not json", "JSON"),
            ]
            for (body, field) in cases {
                let reply = try await client.send(.POST, "/v1/admin/policies", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(body)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body): \(reply.text)")
            }
        }
    }

    @Test("List: a tenant sees only its own policies in priority order; the admin must name the tenant; pages visit each once")
    func list() async throws {
        try await HTTPTestClient.withServer { client, _ in
            for (name, priority) in [("low", 1), ("high", 50), ("mid", 10), ("mid-too", 10), ("zero", 0)] {
                let body = #"{"name":"\#(name)","scope_pattern":"tenant:acme/workspace:\#(name)/*","priority":\#(priority)}"#
                #expect(try await client.send(.POST, "/v1/admin/policies", body: body).status == 201)
            }
            _ = try await client.send(
                .POST, "/v1/admin/policies", body: #"{"name":"theirs","scope_pattern":"agent:*"}"#, apiKey: Fixture.otherKey)

            let all = try await client.send(.GET, "/v1/admin/policies")
            #expect(all.status == 200)
            let names = all.json["policies"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["high", "mid", "mid-too", "low", "zero"])
            #expect(all.json["has_more"] == false)

            // tenant_id is ignored under a tenant key: acme still sees only acme's.
            let spoofed = try await client.send(.GET, "/v1/admin/policies?tenant_id=other")
            #expect(spoofed.json["policies"]?.arrayValue?.count == 5)

            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(
                    .GET, "/v1/admin/policies?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == 200)
                seen += page.json["policies"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                cursor = page.json["next_cursor"]?.stringValue
                #expect((page.json["has_more"] == true) == (cursor != nil))
            } while cursor != nil
            #expect(seen == ["high", "mid", "mid-too", "low", "zero"])

            let filtered = try await client.send(.GET, "/v1/admin/policies?scope_pattern=tenant:acme/workspace:mid/*")
            #expect(filtered.json["policies"]?.arrayValue?.count == 1)
            // v0.1.26 filters are ignored without error.
            let ignored = try await client.send(.GET, "/v1/admin/policies?has_action_quotas=true&references_action_kind=x")
            #expect(ignored.json["policies"]?.arrayValue?.count == 5)

            #expect(try await Self.asAdmin(client, .GET, "/v1/admin/policies").status == 400)
            let adminView = try await Self.asAdmin(client, .GET, "/v1/admin/policies?tenant_id=other")
            #expect(adminView.json["policies"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["theirs"])

            for (query, name) in [("status=", "status"), ("status=GONE", "status"), ("limit=0", "limit"), ("cursor=zzz", "cursor")] {
                let reply = try await client.send(.GET, "/v1/admin/policies?\(query)")
                #expect(reply.status == 400, "\(query)")
                #expect(reply.json["message"]?.stringValue?.contains(name) == true, "\(query)")
            }
            #expect(try await client.send(.GET, "/v1/admin/policies", apiKey: nil).status == 401)
        }
    }

    @Test("Patch changes fields under either key; another tenant's policy is 404 and stays unchanged; a closed tenant's is 409")
    func patchAndIsolation() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let created = try await client.send(.POST, "/v1/admin/policies", body: Self.capsPolicy)
            let id = try #require(created.json["policy_id"]?.stringValue)
            _ = try await client.send(.POST, "/v1/admin/policies", body: #"{"name":"taken","scope_pattern":"agent:x"}"#)

            let patched = try await client.send(
                .PATCH, "/v1/admin/policies/\(id)",
                body: #"{"priority":3,"status":"DISABLED","rate_limits":{"max_commits_per_minute":5},"description":"d"}"#)
            #expect(patched.status == 200)
            #expect(patched.json["priority"] == 3)
            #expect(patched.json["status"] == "DISABLED")
            #expect(patched.json["rate_limits"]?["max_commits_per_minute"] == 5)
            #expect(patched.json["caps"]?["max_tokens"] == 4096)  // absent members stay
            #expect(patched.json["updated_at"] != nil)

            // The rival tenant can neither change nor see it.
            let rival = try await client.send(
                .PATCH, "/v1/admin/policies/\(id)", body: #"{"priority":99}"#, apiKey: Fixture.otherKey)
            #expect(rival.status == 404)
            let rivalList = try await client.send(.GET, "/v1/admin/policies", apiKey: Fixture.otherKey)
            #expect(rivalList.json["policies"]?.arrayValue?.isEmpty == true)
            let mine = try await client.send(.GET, "/v1/admin/policies")
            #expect(mine.json["policies"]?.arrayValue?.first { $0["policy_id"]?.stringValue == id }?["priority"] == 3)

            let byAdmin = try await Self.asAdmin(client, .PATCH, "/v1/admin/policies/\(id)", body: #"{"status":"ACTIVE"}"#)
            #expect(byAdmin.status == 200)
            #expect(byAdmin.json["status"] == "ACTIVE")

            let rename = try await client.send(.PATCH, "/v1/admin/policies/\(id)", body: #"{"name":"taken"}"#)
            #expect(rename.status == 409)
            #expect(rename.json["error"] == "DUPLICATE_RESOURCE")
            for (body, field) in [
                (#"{"status":"PAUSED"}"#, "status"), (#"{"scope_pattern":"agent:*"}"#, "scope_pattern"),
                (#"{"priority":-2}"#, "priority"), (#"{"effective_until":"2020-01-01T00:00:00Z","effective_from":"2021-01-01T00:00:00Z"}"#, "effective_until"),
                (#"{"caps":{"bogus":1}}"#, "caps.bogus"),
            ] {
                let reply = try await client.send(.PATCH, "/v1/admin/policies/\(id)", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body): \(reply.text)")
            }
            #expect(try await client.send(.PATCH, "/v1/admin/policies/pol_unknown", body: "{}").status == 404)
            #expect(try await client.send(.PATCH, "/v1/admin/policies/\(id)", body: "{}", apiKey: nil).status == 401)

            #expect(try await Self.asAdmin(client, .PATCH, "/v1/admin/tenants/acme", body: #"{"status":"CLOSED"}"#).status == 200)
            let closed = try await Self.asAdmin(client, .PATCH, "/v1/admin/policies/\(id)", body: #"{"priority":4}"#)
            #expect(closed.status == 409)
            #expect(closed.json["error"] == "TENANT_CLOSED")
            let closedCreate = try await Self.asAdmin(
                client, .POST, "/v1/admin/policies", body: #"{"tenant_id":"acme","name":"late","scope_pattern":"agent:*"}"#)
            #expect(closedCreate.status == 409)
            #expect(closedCreate.json["error"] == "TENANT_CLOSED")
        }
    }

    @Test("A policy's reserve rate limit answers 429 LIMIT_EXCEEDED with Retry-After and X-RateLimit-Reset")
    func rateLimitOverHTTP() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let policy = #"{"name":"slow","scope_pattern":"agent:bot","rate_limits":{"max_reservations_per_minute":1}}"#
            #expect(try await client.send(.POST, "/v1/admin/policies", body: policy).status == 201)
            #expect(try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody).status == 200)
            let throttled = try await client.send(
                .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody.replacingOccurrences(of: "k1", with: "k2"))
            #expect(throttled.status == 429)
            #expect(throttled.json["error"] == "LIMIT_EXCEEDED")
            #expect(throttled.json["request_id"] != nil)
            // Fixture.start is on a minute boundary, so the whole minute remains.
            #expect(throttled.header("Retry-After") == "60")
            #expect(throttled.header("X-RateLimit-Reset") == String((Fixture.start + 60_000) / 1000))
            // The idempotent replay of the admitted reserve is not throttled.
            #expect(try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody).status == 200)
        }
    }

    @Test("Tenant settings set through the admin API apply at reserve, extend and commit")
    func tenantSettingsFromAdminAPI() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let patched = try await Self.asAdmin(
                client, .PATCH, "/v1/admin/tenants/acme",
                body: #"{"default_reservation_ttl_ms":20000,"max_reservation_ttl_ms":25000,"max_reservation_extensions":1,"default_commit_overage_policy":"REJECT"}"#)
            #expect(patched.status == 200)
            let body = #"{"idempotency_key":"s1","subject":{"tenant":"acme","agent":"bot"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"USD_MICROCENTS","amount":100}}"#
            let reserved = try await client.send(.POST, "/v1/reservations", body: body)
            #expect(reserved.json["expires_at_ms"]?.integerValue == Fixture.start + 20_000)
            let capped = try await client.send(
                .POST, "/v1/reservations",
                body: body.replacingOccurrences(of: "s1", with: "s2").replacingOccurrences(of: #""estimate""#, with: #""ttl_ms":90000,"estimate""#))
            #expect(capped.json["expires_at_ms"]?.integerValue == Fixture.start + 25_000)
            let id = try #require(reserved.json["reservation_id"]?.stringValue)
            #expect(try await client.send(
                .POST, "/v1/reservations/\(id)/extend", body: #"{"idempotency_key":"e1","extend_by_ms":1000}"#).status == 200)
            let tooMany = try await client.send(
                .POST, "/v1/reservations/\(id)/extend", body: #"{"idempotency_key":"e2","extend_by_ms":1000}"#)
            #expect(tooMany.status == 409)
            #expect(tooMany.json["error"] == "MAX_EXTENSIONS_EXCEEDED")
            let over = try await client.send(
                .POST, "/v1/reservations/\(id)/commit", body: #"{"idempotency_key":"c1","actual":{"unit":"USD_MICROCENTS","amount":150}}"#)
            #expect(over.status == 409)
            #expect(over.json["error"] == "BUDGET_EXCEEDED")
        }
    }
}
