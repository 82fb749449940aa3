public import CyclesProtocol
import Foundation

/// Webhook subscriptions as the webhook checks drive them: the reference create, read, update and delete operations
/// on the admin plane (`/v1/admin/webhooks`) and the tenant plane (`/v1/webhooks`). A target that does not serve one
/// (404, 405 or 501 without a protocol error code naming a record) skips the check with that reason.
extension CheckContext {
    /// A URL for subscriptions that must never receive anything: `.invalid` is reserved (RFC 2606) and never resolves,
    /// and it is HTTPS on a public-looking name, so the spec's default URL rules (HTTPS only, private ranges blocked)
    /// accept it at create time on any server that does not resolve names there.
    public static let unreachableWebhookURL = "https://receiver.cycles-conformance.invalid/hook"

    /// A `WebhookCreateRequest` body.
    public func webhookBody(
        url: String = CheckContext.unreachableWebhookURL, types: [EventType], categories: [EventCategory]? = nil,
        secret: String? = nil, extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        var body: [String: JSONValue] = [
            "name": "conformance", "url": .string(url), "event_types": .array(types.map { .string($0.rawValue) }),
        ]
        if let categories { body["event_categories"] = .array(categories.map { .string($0.rawValue) }) }
        if let secret { body["signing_secret"] = .string(secret) }
        body.merge(extra) { _, new in new }
        return .object(body)
    }

    /// `POST /v1/admin/webhooks?tenant_id=` with the admin key (`tenantID` `nil`: a `__system__` subscription).
    public func createAdminWebhook(tenantID: String?, _ body: JSONValue) async throws -> WireExchange {
        let query = tenantID.map { "?tenant_id=" + FixtureNaming.queryEscape($0) } ?? ""
        let answer = try await send(try adminRequest("POST", "/v1/admin/webhooks" + query, json: body))
        try skipUnlessServed(answer, "create webhook subscriptions (POST /v1/admin/webhooks)")
        return answer
    }

    /// `POST /v1/webhooks` with a tenant key.
    public func createTenantWebhook(apiKey: String, _ body: JSONValue) async throws -> WireExchange {
        let answer = try await send(
            .json("POST", "/v1/webhooks", body, headers: [WireHeader(CyclesHeader.apiKey, apiKey)]))
        try skipUnlessServed(answer, "serve tenant self-service webhooks (POST /v1/webhooks)")
        return answer
    }

    /// The `subscription_id` of a 201 create answer (`WebhookCreateResponse.subscription`), or a failure.
    public func createdSubscriptionID(_ answer: WireExchange, _ what: String) throws -> String {
        try expectStatus(answer, 201, spec: "createWebhookSubscription 201", because: what)
        guard let id = answer.json?["subscription"]?["subscription_id"]?.stringValue else {
            throw CheckFailure(
                "\(answer.summary): no subscription.subscription_id", expected: "WebhookCreateResponse",
                spec: "WebhookCreateResponse", exchange: answer)
        }
        return id
    }

    /// `GET /v1/admin/webhooks/{id}` with the admin key.
    public func adminWebhook(_ id: String) async throws -> WireExchange {
        try await send(try adminRequest("GET", "/v1/admin/webhooks/\(id)"))
    }

    /// `PATCH /v1/admin/webhooks/{id}` with the admin key.
    public func patchAdminWebhook(_ id: String, _ body: JSONValue) async throws -> WireExchange {
        try await send(try adminRequest("PATCH", "/v1/admin/webhooks/\(id)", json: body))
    }

    /// `PATCH /v1/webhooks/{id}` with a tenant key.
    public func patchTenantWebhook(apiKey: String, _ id: String, _ body: JSONValue) async throws -> WireExchange {
        try await send(
            .json("PATCH", "/v1/webhooks/\(id)", body, headers: [WireHeader(CyclesHeader.apiKey, apiKey)]))
    }

    /// `DELETE /v1/admin/webhooks/{id}` (best effort: cleanup after a check).
    public func deleteWebhook(_ id: String) async {
        guard let request = try? adminRequest("DELETE", "/v1/admin/webhooks/\(id)") else { return }
        _ = try? await send(request)
    }

    /// Every subscription of `tenantID` in `GET /v1/admin/webhooks?tenant_id=` (one page of 100 is plenty for a
    /// check's own tenant).
    public func adminWebhooks(of tenantID: String) async throws -> [JSONValue] {
        let answer = try await send(
            try adminRequest("GET", "/v1/admin/webhooks?tenant_id=\(FixtureNaming.queryEscape(tenantID))&limit=100"))
        try skipUnlessServed(answer, "list webhook subscriptions (GET /v1/admin/webhooks)")
        try expectStatus(answer, 200, because: "listing the tenant's subscriptions")
        return answer.json?["subscriptions"]?.arrayValue ?? []
    }

    /// `GET /v1/admin/webhooks/{id}/deliveries?<query>` with the admin key.
    public func adminDeliveries(_ id: String, _ query: String = "") async throws -> WireExchange {
        try await send(try adminRequest("GET", "/v1/admin/webhooks/\(id)/deliveries" + (query.isEmpty ? "" : "?" + query)))
    }

    /// `GET /v1/webhooks/{id}/deliveries` with a tenant key.
    public func tenantDeliveries(apiKey: String, _ id: String) async throws -> WireExchange {
        try await send(
            WireRequest(
                method: "GET", path: "/v1/webhooks/\(id)/deliveries", headers: [WireHeader(CyclesHeader.apiKey, apiKey)]))
    }

    /// A tenant key with `permissions`, created through the admin API; fails when the server refuses them.
    public func requireAPIKey(for tenantID: String, _ permissions: [String]) async throws -> String {
        guard let key = try await createAPIKey(for: tenantID, permissions: permissions) else {
            throw CheckFailure(
                "creating a tenant key with \(permissions) was refused with 400",
                expected: "a tenant key with tenant permissions", spec: "createApiKey; Permission")
        }
        return key.secret
    }

    /// Skips when the server answers `answer` as a route it does not have.
    func skipUnlessServed(_ answer: WireExchange, _ what: String) throws {
        let namesRecord = answer.errorCode.map { $0.hasSuffix("_NOT_FOUND") } ?? false
        if [404, 405, 501].contains(answer.status), !namesRecord {
            throw CheckSkipped("the target does not \(what): HTTP \(answer.status)")
        }
    }
}
