import CyclesProtocol
import Hummingbird

import Foundation

/// Tenant self-service webhooks (`/v1/webhooks…`, reference operations): a tenant key manages its own tenant's
/// subscriptions (`webhooks:read` / `webhooks:write`; another tenant's are 404); an admin key may read, patch and
/// delete any of them on the owner's behalf, and must name the tenant to list.
extension AdminRoutes {
    func addTenantWebhookRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/webhooks") { request, _ in
            await respond(to: request) {
                let identity = try exchange.tenant(of: request, requiring: .webhooksWrite)
                let body = try await decode(WebhookCreateRequest.self, from: request)
                let created = try await ledger.createWebhook(body, tenantID: identity.tenantID, caller: .tenant(identity))
                return try .json(created, status: 201, tenant: identity.tenantID)
            }
        }
        router.get("/v1/webhooks") { request, _ in
            await respond(to: request) {
                let parameters = try QueryParameters(request)
                let caller = try webhookCaller(request, requiring: .webhooksRead)
                var query = Ledger.WebhookQuery(
                    status: try parameters.typed("status", expecting: "a status"), cursor: parameters["cursor"])
                query.limit = try parameters.limit(in: 1...100, default: query.limit)
                switch caller {
                case .tenant(let identity):
                    if let tenant = parameters["tenant"], tenant != identity.tenantID {
                        throw LedgerError(
                            .forbidden, "tenant must be the authenticated key's tenant", tenant: identity.tenantID)
                    }
                    query.tenantID = identity.tenantID
                default:
                    guard let tenant = parameters["tenant"] else {
                        throw LedgerError.invalid("tenant query parameter is required when using admin key authentication")
                    }
                    query.tenantID = tenant
                }
                return try .json(try await ledger.listWebhooks(query), tenant: query.tenantID)
            }
        }
        router.get("/v1/webhooks/:subscription_id") { request, context in
            await respond(to: request) {
                let caller = try webhookCaller(request, requiring: .webhooksRead)
                let id = try context.parameters.require("subscription_id")
                let subscription = try await ledger.webhookSubscription(id, caller: caller)
                return try .json(subscription, tenant: subscription.tenantID)
            }
        }
        router.get("/v1/webhooks/:subscription_id/deliveries") { request, context in
            await respond(to: request) {
                let caller = try webhookCaller(request, requiring: .webhooksRead)
                let id = try context.parameters.require("subscription_id")
                return try .json(try await deliveries(id, request: request, caller: caller), tenant: caller.tenantID)
            }
        }
        router.post("/v1/webhooks/:subscription_id/test") { request, context in
            await respond(to: request) {
                let caller = try webhookCaller(request, requiring: .webhooksWrite)
                let id = try context.parameters.require("subscription_id")
                return try .json(try await testWebhook(id, caller: caller), tenant: caller.tenantID)
            }
        }
        router.patch("/v1/webhooks/:subscription_id") { request, context in
            await respond(to: request) {
                let caller = try webhookCaller(request, requiring: .webhooksWrite)
                let id = try context.parameters.require("subscription_id")
                let body = try await decode(WebhookUpdateRequest.self, from: request)
                let subscription = try await ledger.updateWebhook(id, body, caller: caller)
                return try .json(subscription, tenant: subscription.tenantID)
            }
        }
        router.delete("/v1/webhooks/:subscription_id") { request, context in
            await respond(to: request) {
                let caller = try webhookCaller(request, requiring: .webhooksWrite)
                try await ledger.deleteWebhook(try context.parameters.require("subscription_id"), caller: caller)
                return HTTPExchange.Reply(status: 204, body: Data(), tenant: caller.tenantID)
            }
        }
    }

    /// Either credential: a present admin key must be valid and acts on the owner's behalf; otherwise the tenant key
    /// must grant `permission`.
    func webhookCaller(_ request: Request, requiring permission: Permission) throws -> Ledger.WebhookCaller {
        switch try exchange.principal(of: request, requiring: permission) {
        case .admin: .adminOnBehalfOf
        case .tenant(let identity): .tenant(identity)
        }
    }
}

extension Ledger.WebhookCaller {
    /// The tenant of a tenant caller (echoed as `X-Cycles-Tenant`).
    var tenantID: String? {
        if case .tenant(let identity) = self { identity.tenantID } else { nil }
    }
}
