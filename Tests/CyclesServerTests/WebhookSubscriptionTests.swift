import CyclesProtocol
import CyclesServer
import Foundation
import NIOHTTP1
import Testing

/// Webhook subscriptions over HTTP: admin and tenant self-service create, list, get, patch and delete; both
/// WEBHOOK SUBSCRIPTION INVARIANTS on every path that persists one; secrets; the security config; the close cascade.
struct WebhookSubscriptionTests {
    static let admin = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]
    static let url = "https://hooks.example.com/cycles"

    static func adminSend(_ client: HTTPTestClient, _ method: HTTPMethod, _ path: String, body: String? = nil)
        async throws -> HTTPTestClient.Reply
    {
        try await client.send(method, path, body: body, apiKey: nil, headers: admin)
    }

    static func count(_ client: HTTPTestClient, query: String = "") async throws -> Int {
        let reply = try await adminSend(client, .GET, "/v1/admin/webhooks?limit=100\(query)")
        return reply.json["subscriptions"]?.arrayValue?.count ?? -1
    }

    static func events(_ server: ReferenceServer, _ type: EventType) async throws -> [ProtocolEvent] {
        try await server.ledger.listEvents(.init(eventType: type, sortDirection: "asc", limit: 100)).events
    }

    /// A tenant key with the webhook permissions.
    static func writer(_ server: ReferenceServer, tenant: String = "acme") async throws -> String {
        try await server.ledger.createAPIKey(
            APIKeyCreateRequest(tenantID: tenant, name: "hooks", permissions: [.webhooksRead, .webhooksWrite])
        ).keySecret
    }

    @Test("Admin create answers 201 with the secret once; get and list never show it and mask header values; webhook.created is emitted")
    func adminCreate() async throws {
        try await HTTPTestClient.withServer { client, server in
            let body = #"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"name":"ops","headers":{"Authorization":"Bearer tok_1"},"retry_policy":{"max_retries":3}}"#
            #expect(try await client.send(.POST, "/v1/admin/webhooks", body: body, apiKey: nil).status == 401)
            let created = try await Self.adminSend(client, .POST, "/v1/admin/webhooks?tenant_id=acme", body: body)
            #expect(created.status == 201)
            let secret = try #require(created.json["signing_secret"]?.stringValue)
            #expect(secret.hasPrefix("whsec_"))
            let subscription = try #require(created.json["subscription"])
            let id = try #require(subscription["subscription_id"]?.stringValue)
            #expect(id.hasPrefix("whsub_"))
            #expect(subscription["tenant_id"] == "acme")
            #expect(subscription["status"] == "ACTIVE")
            #expect(subscription["disable_after_failures"] == 10)
            #expect(subscription["retry_policy"]?["max_retries"] == 3)
            #expect(subscription["signing_secret"] == nil)
            #expect(subscription["headers"]?["Authorization"] == "********")
            let got = try await Self.adminSend(client, .GET, "/v1/admin/webhooks/\(id)")
            #expect(got.status == 200)
            #expect(got.json == subscription)
            #expect(!got.text.contains(secret) && !got.text.contains("tok_1"))
            let list = try await Self.adminSend(client, .GET, "/v1/admin/webhooks")
            #expect(!list.text.contains(secret))
            #expect(try await Self.adminSend(client, .GET, "/v1/admin/webhooks/whsub_nope").json["error"] == "WEBHOOK_NOT_FOUND")
            // A caller-chosen secret is answered once too; a system-wide subscription has owner __system__.
            let system = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks",
                body: #"{"url":"\#(Self.url)","event_types":["api_key.created"],"signing_secret":"s3cret"}"#)
            #expect(system.status == 201)
            #expect(system.json["signing_secret"] == "s3cret")
            #expect(system.json["subscription"]?["tenant_id"] == "__system__")
            let created_ = try await Self.events(server, .webhookCreated)
            #expect(created_.count == 2)
            #expect(created_[0].correlationID == "webhook_create:\(id)")
            #expect(created_[0].category == .webhook)
            #expect(try created_[0].payload(as: EventDataWebhookLifecycle.self).newStatus == "ACTIVE")
        }
    }

    @Test("Both invariants are enforced on admin and tenant create and patch: 400 INVALID_REQUEST naming the field, nothing stored")
    func invariants() async throws {
        try await HTTPTestClient.withServer { client, server in
            let writer = try await Self.writer(server)
            let rejectedCreates: [(String, String, String?)] = [
                ("/v1/admin/webhooks?tenant_id=acme", #"{"url":"\#(Self.url)","event_types":["api_key.created"]}"#, nil),
                ("/v1/admin/webhooks?tenant_id=acme", #"{"url":"\#(Self.url)","event_types":["budget.funded"],"event_categories":["system"]}"#, nil),
                ("/v1/admin/webhooks", #"{"url":"\#(Self.url)","event_types":[]}"#, nil),
                ("/v1/webhooks", #"{"url":"\#(Self.url)","event_types":["webhook.created"]}"#, writer),
                ("/v1/webhooks", #"{"url":"\#(Self.url)","event_types":["tenant.created"],"event_categories":["policy"]}"#, writer),
                ("/v1/webhooks", #"{"url":"\#(Self.url)","event_types":["budget.nope"]}"#, writer),
            ]
            for (path, body, key) in rejectedCreates {
                let reply = try await client.send(.POST, path, body: body, apiKey: key, headers: key == nil ? Self.admin : [])
                #expect(reply.status == 400, "\(path) \(body)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(path) \(body)")
                #expect(reply.json["message"]?.stringValue?.contains("event_") == true, "\(reply.text)")
            }
            #expect(try await Self.count(client) == 0)

            let owned = try await client.send(
                .POST, "/v1/webhooks", body: #"{"url":"\#(Self.url)","event_types":["budget.exhausted"]}"#, apiKey: writer)
            #expect(owned.status == 201)
            let id = try #require(owned.json["subscription"]?["subscription_id"]?.stringValue)
            let rejectedPatches: [(String, String?)] = [
                (#"{"event_categories":["api_key"]}"#, writer),
                (#"{"event_types":["policy.created"]}"#, nil),
                (#"{"event_categories":["webhook"]}"#, nil),
                (#"{"event_types":[]}"#, writer),  // would leave no selector at all
            ]
            for (body, key) in rejectedPatches {
                let path = key == nil ? "/v1/admin/webhooks/\(id)" : "/v1/webhooks/\(id)"
                let reply = try await client.send(.PATCH, path, body: body, apiKey: key, headers: key == nil ? Self.admin : [])
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(body)")
            }
            let stored = try await Self.adminSend(client, .GET, "/v1/admin/webhooks/\(id)")
            #expect(stored.json["event_types"] == ["budget.exhausted"])
            #expect(stored.json["event_categories"] == nil)
            // Category-only is fine once a category is there: set categories, then clear the types.
            let categories = try await client.send(
                .PATCH, "/v1/webhooks/\(id)", body: #"{"event_categories":["budget"]}"#, apiKey: writer)
            #expect(categories.status == 200)
            let categoryOnly = try await client.send(.PATCH, "/v1/webhooks/\(id)", body: #"{"event_types":[]}"#, apiKey: writer)
            #expect(categoryOnly.status == 200)
            #expect(categoryOnly.json["event_types"] == [])
            // The same selectors are fine on an operator-owned subscription.
            let system = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks",
                body: #"{"url":"\#(Self.url)","event_types":["api_key.created"],"event_categories":["system","webhook"]}"#)
            #expect(system.status == 201)
        }
    }

    @Test("Self-service needs webhooks:read/write, sees only its tenant's subscriptions (others are 404), and an admin acts on the owner's behalf")
    func tenantSelfService() async throws {
        try await HTTPTestClient.withServer { client, server in
            let body = #"{"url":"\#(Self.url)","event_types":["reservation.denied"]}"#
            #expect(try await client.send(.POST, "/v1/webhooks", body: body, apiKey: nil).status == 401)
            #expect(try await client.send(.POST, "/v1/webhooks", body: body).status == 403)  // default permissions
            #expect(try await client.send(.GET, "/v1/webhooks").status == 403)
            let acme = try await Self.writer(server)
            let other = try await Self.writer(server, tenant: "other")
            let created = try await client.send(.POST, "/v1/webhooks", body: body, apiKey: acme)
            #expect(created.status == 201)
            #expect(created.json["subscription"]?["tenant_id"] == "acme")
            let id = try #require(created.json["subscription"]?["subscription_id"]?.stringValue)
            _ = try await client.send(.POST, "/v1/webhooks", body: body, apiKey: other)

            let mine = try await client.send(.GET, "/v1/webhooks", apiKey: acme)
            #expect(mine.json["subscriptions"]?.arrayValue?.count == 1)
            #expect(try await client.send(.GET, "/v1/webhooks?tenant=other", apiKey: acme).status == 403)
            for method in [HTTPMethod.GET, .DELETE] {
                let reply = try await client.send(method, "/v1/webhooks/\(id)", apiKey: other)
                #expect(reply.status == 404, "\(method)")
                #expect(reply.json["error"] == "WEBHOOK_NOT_FOUND")
            }
            let hijack = try await client.send(
                .PATCH, "/v1/webhooks/\(id)", body: #"{"url":"https://evil.example.com/"}"#, apiKey: other)
            #expect(hijack.status == 404)
            #expect(try await Self.adminSend(client, .GET, "/v1/admin/webhooks/\(id)").json["url"]?.stringValue == Self.url)

            let noTenant = try await Self.adminSend(client, .GET, "/v1/webhooks")
            #expect(noTenant.status == 400)
            #expect(noTenant.json["message"] == "tenant query parameter is required when using admin key authentication")
            let adminList = try await Self.adminSend(client, .GET, "/v1/webhooks?tenant=other")
            #expect(adminList.json["subscriptions"]?.arrayValue?.count == 1)
            let paused = try await Self.adminSend(client, .PATCH, "/v1/webhooks/\(id)", body: #"{"status":"PAUSED"}"#)
            #expect(paused.status == 200)
            #expect(paused.json["status"] == "PAUSED")
            let event = try #require(try await Self.events(server, .webhookPaused).first)
            #expect(event.actor?.type == "admin_on_behalf_of")
            #expect(event.tenantID == "acme")
        }
    }

    @Test("Patch emits paused, resumed or updated with the changed fields (none for a no-op); delete answers 204 and emits webhook.deleted")
    func patchAndDeleteEvents() async throws {
        try await HTTPTestClient.withServer { client, server in
            let created = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks?tenant_id=acme",
                body: #"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"name":"a"}"#)
            let id = try #require(created.json["subscription"]?["subscription_id"]?.stringValue)
            let path = "/v1/admin/webhooks/\(id)"
            #expect(try await Self.adminSend(client, .PATCH, path, body: #"{"status":"PAUSED","name":"b"}"#).status == 200)
            #expect(try await Self.adminSend(client, .PATCH, path, body: #"{"status":"ACTIVE"}"#).status == 200)
            let renamed = try await Self.adminSend(
                client, .PATCH, path, body: #"{"url":"https://other.example.com/x","name":"b"}"#)
            #expect(renamed.json["url"] == "https://other.example.com/x")
            #expect(try await Self.adminSend(client, .PATCH, path, body: #"{"name":"b"}"#).status == 200)  // no-op
            #expect(try await Self.adminSend(client, .PATCH, path, body: #"{"status":"DISABLED"}"#).status == 400)
            let all = try await server.ledger.listEvents(.init(category: .webhook, sortDirection: "asc")).events
            #expect(all.map(\.eventType) == [.webhookCreated, .webhookPaused, .webhookResumed, .webhookUpdated])
            #expect(try all[1].payload(as: EventDataWebhookLifecycle.self).changedFields == ["name"])
            #expect(try all[3].payload(as: EventDataWebhookLifecycle.self).changedFields == ["url"])
            #expect(all[3].correlationID?.hasPrefix("webhook_update:\(id):") == true)

            let deleted = try await Self.adminSend(client, .DELETE, path)
            #expect(deleted.status == 204)
            #expect(deleted.text.isEmpty)
            #expect(try await Self.adminSend(client, .GET, path).status == 404)
            #expect(try await Self.adminSend(client, .DELETE, path).status == 404)
            let gone = try #require(try await Self.events(server, .webhookDeleted).first)
            #expect(try gone.payload(as: EventDataWebhookLifecycle.self).previousStatus == "ACTIVE")
            #expect(gone.correlationID == "webhook_delete:\(id)")
        }
    }

    @Test("Bad webhook bodies and URLs are 400 naming the field; an unknown tenant is 404, a closed one 409")
    func badInput() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let cases: [(String, String, String)] = [
                (#"{"event_types":["budget.exhausted"]}"#, "url", "INVALID_REQUEST"),
                (#"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"colour":"red"}"#, "colour", "INVALID_REQUEST"),
                (#"{"url":"\#(Self.url)","event_types":"budget.exhausted"}"#, "event_types", "INVALID_REQUEST"),
                (#"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"retry_policy":{"max_retries":11}}"#, "retry_policy.max_retries", "INVALID_REQUEST"),
                (#"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"retry_policy":{"tries":1}}"#, "retry_policy.tries", "INVALID_REQUEST"),
                (#"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"thresholds":{"budget_utilization":[1.5]}}"#, "thresholds.budget_utilization[0]", "INVALID_REQUEST"),
                (#"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"disable_after_failures":0}"#, "disable_after_failures", "INVALID_REQUEST"),
                (#"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"signing_secret":""}"#, "signing_secret", "INVALID_REQUEST"),
                (#"{"url":"http://hooks.example.com/","event_types":["budget.exhausted"]}"#, "url", "WEBHOOK_URL_INVALID"),
                (#"{"url":"https://127.0.0.1:9/","event_types":["budget.exhausted"]}"#, "url", "WEBHOOK_URL_INVALID"),
                (#"{"url":"https://10.1.2.3/","event_types":["budget.exhausted"]}"#, "url", "WEBHOOK_URL_INVALID"),
                (#"{"url":"https://[::1]/","event_types":["budget.exhausted"]}"#, "url", "WEBHOOK_URL_INVALID"),
                (#"{"url":"https://localhost/","event_types":["budget.exhausted"]}"#, "url", "WEBHOOK_URL_INVALID"),
                (#"{"url":"not a url","event_types":["budget.exhausted"]}"#, "url", "WEBHOOK_URL_INVALID"),
            ]
            for (body, field, code) in cases {
                let reply = try await Self.adminSend(client, .POST, "/v1/admin/webhooks?tenant_id=acme", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["error"]?.stringValue == code, "\(body): \(reply.text)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body): \(reply.text)")
            }
            #expect(try await Self.count(client) == 0)
            let body = #"{"url":"\#(Self.url)","event_types":["budget.exhausted"]}"#
            let unknown = try await Self.adminSend(client, .POST, "/v1/admin/webhooks?tenant_id=nobody", body: body)
            #expect(unknown.status == 404)
            #expect(unknown.json["error"] == "TENANT_NOT_FOUND")
        }
    }

    @Test("The security config answers the spec's defaults, PUT replaces it (bad CIDR 400), and it governs later URLs; --mock allows loopback HTTP")
    func securityConfig() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let defaults = try await Self.adminSend(client, .GET, "/v1/admin/config/webhook-security")
            #expect(defaults.status == 200)
            #expect(defaults.json["allow_http"] == false)
            #expect(defaults.json["blocked_cidr_ranges"]?.arrayValue?.count == 7)
            #expect(defaults.json["allowed_url_patterns"] == [])
            #expect(try await client.send(.GET, "/v1/admin/config/webhook-security", apiKey: nil).status == 401)
            let bad = try await Self.adminSend(
                client, .PUT, "/v1/admin/config/webhook-security", body: #"{"blocked_cidr_ranges":["10.0.0.0/33"]}"#)
            #expect(bad.status == 400)
            #expect(bad.json["message"]?.stringValue?.contains("blocked_cidr_ranges[0]") == true)
            let put = try await Self.adminSend(
                client, .PUT, "/v1/admin/config/webhook-security",
                body: #"{"allow_http":true,"allowed_url_patterns":["http://*.example.com/*"],"blocked_cidr_ranges":[]}"#)
            #expect(put.status == 200)
            #expect(put.json["allow_http"] == true)
            #expect(try await Self.adminSend(client, .GET, "/v1/admin/config/webhook-security").json == put.json)
            let allowed = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks",
                body: #"{"url":"http://hooks.example.com/x","event_types":["budget.exhausted"]}"#)
            #expect(allowed.status == 201)
            let outside = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks",
                body: #"{"url":"https://hooks.other.org/x","event_types":["budget.exhausted"]}"#)
            #expect(outside.status == 400)
            #expect(outside.json["error"] == "WEBHOOK_URL_INVALID")
        }
        let server = try await ReferenceServer.start(.init(seed: Fixture.seed(), mock: true))
        let client = HTTPTestClient(baseURL: server.baseURL)
        do {
            let config = try await Self.adminSend(client, .GET, "/v1/admin/config/webhook-security")
            #expect(config.json["allow_http"] == true)
            let loopback = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks",
                body: #"{"url":"http://127.0.0.1:8099/hook","event_types":["budget.exhausted"]}"#)
            #expect(loopback.status == 201)
            let privateRange = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks",
                body: #"{"url":"http://192.168.1.5/hook","event_types":["budget.exhausted"]}"#)
            #expect(privateRange.status == 400)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("Closing the tenant disables its subscriptions with webhook.disabled_via_tenant_cascade; afterwards every change is 409 TENANT_CLOSED")
    func closeCascade() async throws {
        try await HTTPTestClient.withServer { client, server in
            let created = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks?tenant_id=acme",
                body: #"{"url":"\#(Self.url)","event_types":["budget.exhausted"],"name":"ops"}"#)
            let id = try #require(created.json["subscription"]?["subscription_id"]?.stringValue)
            _ = try await server.ledger.updateTenant("acme", TenantUpdateRequest(status: "CLOSED"))
            let after = try await Self.adminSend(client, .GET, "/v1/admin/webhooks/\(id)")
            #expect(after.json["status"] == "DISABLED")
            let cascade = try #require(try await Self.events(server, .webhookDisabledViaTenantCascade).first)
            let payload = try cascade.payload(as: EventDataTenantCascade.self)
            #expect(payload.subscriptionID == id)
            #expect(payload.name == "ops")
            #expect(payload.priorStatus == "ACTIVE")
            #expect(payload.newStatus == "DISABLED")
            for (method, body) in [(HTTPMethod.PATCH, #"{"status":"ACTIVE"}"#), (.DELETE, nil)] {
                let reply = try await Self.adminSend(client, method, "/v1/admin/webhooks/\(id)", body: body)
                #expect(reply.status == 409, "\(method)")
                #expect(reply.json["error"] == "TENANT_CLOSED")
            }
            let create = try await Self.adminSend(
                client, .POST, "/v1/admin/webhooks?tenant_id=acme",
                body: #"{"url":"\#(Self.url)","event_types":["budget.exhausted"]}"#)
            #expect(create.status == 409)
        }
    }
}
