import CyclesProtocol
import Hummingbird
import Logging

import Foundation

/// Webhook subscriptions on the admin plane (`/v1/admin/webhooks…`, reference operations) and the webhook security
/// config (`/v1/admin/config/webhook-security`).
extension AdminRoutes {
    func addWebhookRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/admin/webhooks") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let tenantID = try QueryParameters(request)["tenant_id"]
                let body = try await decode(WebhookCreateRequest.self, from: request)
                return try .json(try await ledger.createWebhook(body, tenantID: tenantID, caller: .admin), status: 201, tenant: nil)
            }
        }
        router.get("/v1/admin/webhooks") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let parameters = try QueryParameters(request)
                var query = Ledger.WebhookQuery(
                    tenantID: parameters["tenant_id"], status: try parameters.typed("status", expecting: "a status"),
                    eventType: try parameters.typed("event_type", expecting: "an event type").map(EventType.init(rawValue:)),
                    search: parameters["search"], cursor: parameters["cursor"])
                if let sortBy = try parameters.typed("sort_by", expecting: "a sort field") { query.sortBy = sortBy }
                if let direction = try parameters.typed("sort_dir", expecting: "asc or desc") { query.sortDirection = direction }
                query.limit = try parameters.limit(in: 1...100, default: query.limit)
                return try .json(try await ledger.listWebhooks(query), tenant: nil)
            }
        }
        router.post("/v1/admin/webhooks/bulk-action") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let body = try await decode(WebhookBulkActionRequest.self, from: request)
                return try .json(try await ledger.bulkActionWebhooks(body), tenant: nil)
            }
        }
        router.get("/v1/admin/webhooks/:subscription_id") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                let id = try context.parameters.require("subscription_id")
                return try .json(try await ledger.webhookSubscription(id, caller: .admin), tenant: nil)
            }
        }
        router.patch("/v1/admin/webhooks/:subscription_id") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                let id = try context.parameters.require("subscription_id")
                let body = try await decode(WebhookUpdateRequest.self, from: request)
                return try .json(try await ledger.updateWebhook(id, body, caller: .admin), tenant: nil)
            }
        }
        router.delete("/v1/admin/webhooks/:subscription_id") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                try await ledger.deleteWebhook(try context.parameters.require("subscription_id"), caller: .admin)
                return HTTPExchange.Reply(status: 204, body: Data(), tenant: nil)
            }
        }
        router.get("/v1/admin/webhooks/:subscription_id/deliveries") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                let id = try context.parameters.require("subscription_id")
                return try .json(try await deliveries(id, request: request, caller: .admin), tenant: nil)
            }
        }
        router.post("/v1/admin/webhooks/:subscription_id/test") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                return try .json(try await testWebhook(try context.parameters.require("subscription_id"), caller: .admin), tenant: nil)
            }
        }
        router.post("/v1/admin/webhooks/:subscription_id/replay") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                let id = try context.parameters.require("subscription_id")
                let body = try await decode(WebhookReplayRequest.self, from: request)
                return try .json(try await ledger.replay(id, body), status: 202, tenant: nil)
            }
        }
        router.get("/v1/admin/config/webhook-security") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                return try .json(try await ledger.webhookSecurityConfig(), tenant: nil)
            }
        }
        router.put("/v1/admin/config/webhook-security") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let body = try await decode(WebhookSecurityConfig.self, from: request)
                return try .json(try await ledger.setWebhookSecurityConfig(body), tenant: nil)
            }
        }
    }

    /// The delivery listing both planes share (`status`, `from`, `to`, `limit`, `cursor`).
    func deliveries(_ subscriptionID: String, request: Request, caller: Ledger.WebhookCaller) async throws
        -> WebhookDeliveryListResponse
    {
        let parameters = try QueryParameters(request)
        return try await ledger.listDeliveries(
            subscriptionID, caller: caller, status: try parameters.typed("status", expecting: "a delivery status"),
            fromMs: try parameters.instant("from"), toMs: try parameters.instant("to"),
            limit: try parameters.limit(in: 1...100, default: 50), cursor: parameters["cursor"])
    }

    /// `/test`: one signed `system.webhook_test` POST to the subscription's endpoint, answered with the outcome.
    func testWebhook(_ subscriptionID: String, caller: Ledger.WebhookCaller) async throws -> WebhookTestResponse {
        let probe = try await ledger.webhookTestProbe(subscriptionID, caller: caller)
        return try await WebhookDispatcher(ledger: ledger, logger: Logger(label: "cycles-webhooks")).test(probe)
    }
}
