import CyclesProtocol

/// Webhook subscriptions and deliveries (`cycles-governance-admin-v0.1.25.yaml`; CONFORMANCE.md §MUST): the two WEBHOOK
/// SUBSCRIPTION INVARIANTS bind every provisioning path, the delivery listings and replay are normative operations, and
/// the `WebhookDelivery` envelope, signature header rules and retry semantics are normative schemas — all MUST. The
/// create/update operations the checks use to reach them are reference operations: a target that does not serve them
/// skips with that reason.
///
/// Our control API's seed (`POST /__cycles/seed`) provisions tenants, keys and budgets but no subscriptions (its
/// strict reader refuses any other member), so the admin and tenant planes are the only provisioning paths to judge.
extension ConformanceCatalogue {
    static let webhooks: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-HOOK-001", .must, .webhooks,
            "A webhook subscription with neither event_types nor event_categories is rejected 400 INVALID_REQUEST and nothing is stored, on every path: admin create (tenant-owned and __system__), tenant create, and admin or tenant PATCH that would clear both",
            spec: "WEBHOOK SUBSCRIPTION INVARIANTS: INVARIANT 1 selector presence (normative, cross-plane)",
            requires: [.fixtures, .adminKey, .adminAPI]
        ) { context in
            let tenant = try await context.fixture().tenant
            let writer = try await context.requireAPIKey(for: tenant.tenantID, ["webhooks:read", "webhooks:write"])
            let control = try await controlSubscription(context, tenant)
            let empty = context.webhookBody(types: [])
            let bothEmpty = context.webhookBody(types: [], categories: [])
            for (path, answer) in [
                ("admin create, tenant-owned, event_types []", try await context.createAdminWebhook(tenantID: tenant.tenantID, empty)),
                ("admin create, tenant-owned, both empty", try await context.createAdminWebhook(tenantID: tenant.tenantID, bothEmpty)),
                ("admin create, __system__, both empty", try await context.createAdminWebhook(tenantID: nil, bothEmpty)),
                ("tenant create, event_types []", try await context.createTenantWebhook(apiKey: writer, empty)),
                ("tenant create, both empty", try await context.createTenantWebhook(apiKey: writer, bothEmpty)),
            ] {
                // A subscription the server wrongly stored is removed before the failure is reported.
                if let id = answer.json?["subscription"]?["subscription_id"]?.stringValue { await context.deleteWebhook(id) }
                try context.expectError(answer, 400, .invalidRequest, spec: "INVARIANT 1 on \(path)")
            }
            for (path, answer) in [
                ("admin PATCH clearing both", try await context.patchAdminWebhook(control, ["event_types": [], "event_categories": []])),
                ("admin PATCH clearing event_types (no categories stored)", try await context.patchAdminWebhook(control, ["event_types": []])),
                ("tenant PATCH clearing event_types", try await context.patchTenantWebhook(apiKey: writer, control, ["event_types": []])),
            ] {
                try context.expectError(answer, 400, .invalidRequest, spec: "INVARIANT 1 on \(path)")
            }
            try await expectStoredSubscriptions(context, tenant, exactly: control)
            await context.deleteWebhook(control)
        },
        ConformanceCheck(
            "SRV-HOOK-002", .must, .webhooks,
            "A tenant-owned webhook subscription cannot carry an admin-only event type or category (api_key, policy, webhook, system): admin create, tenant create, admin PATCH and tenant PATCH are rejected 400 INVALID_REQUEST and nothing is stored",
            spec: "WEBHOOK SUBSCRIPTION INVARIANTS: INVARIANT 2 tenant-owned selectors are tenant-accessible (normative, cross-plane)",
            requires: [.fixtures, .adminKey, .adminAPI]
        ) { context in
            let tenant = try await context.fixture().tenant
            let writer = try await context.requireAPIKey(for: tenant.tenantID, ["webhooks:read", "webhooks:write"])
            let control = try await controlSubscription(context, tenant)
            for (path, answer) in [
                ("admin create with api_key.created",
                    try await context.createAdminWebhook(tenantID: tenant.tenantID, context.webhookBody(types: [.apiKeyCreated]))),
                ("admin create with category system",
                    try await context.createAdminWebhook(
                        tenantID: tenant.tenantID, context.webhookBody(types: [.reservationDenied], categories: [.system]))),
                ("tenant create with policy.created",
                    try await context.createTenantWebhook(apiKey: writer, context.webhookBody(types: [.policyCreated]))),
                ("tenant create with category webhook",
                    try await context.createTenantWebhook(
                        apiKey: writer, context.webhookBody(types: [.budgetFunded], categories: [.webhook]))),
            ] {
                // A subscription the server wrongly stored is removed before the failure is reported.
                if let id = answer.json?["subscription"]?["subscription_id"]?.stringValue { await context.deleteWebhook(id) }
                try context.expectError(answer, 400, .invalidRequest, spec: "INVARIANT 2 on \(path)")
            }
            for (path, answer) in [
                ("admin PATCH adding api_key.revoked",
                    try await context.patchAdminWebhook(control, ["event_types": ["reservation.denied", "api_key.revoked"]])),
                ("admin PATCH adding category policy", try await context.patchAdminWebhook(control, ["event_categories": ["policy"]])),
                ("tenant PATCH adding category api_key",
                    try await context.patchTenantWebhook(apiKey: writer, control, ["event_categories": ["api_key"]])),
                ("tenant PATCH adding system.webhook_delivery_failed",
                    try await context.patchTenantWebhook(
                        apiKey: writer, control, ["event_types": ["system.webhook_delivery_failed"]])),
            ] {
                try context.expectError(answer, 400, .invalidRequest, spec: "INVARIANT 2 on \(path)")
            }
            try await expectStoredSubscriptions(context, tenant, exactly: control)
            await context.deleteWebhook(control)
        },
        ConformanceCheck(
            "SRV-HOOK-003", .must, .webhooks,
            "Delivery listings are tenant-isolated: GET /v1/webhooks/{id}/deliveries answers the owner (webhooks:read) a WebhookDeliveryListResponse, another tenant 404 (or 403), a key without webhooks:read 403; the admin listing answers it and 404 for an unknown subscription",
            spec: "listTenantWebhookDeliveries (normative) TENANCY, PERMISSIONS; listWebhookDeliveries (normative)",
            requires: [.fixtures, .adminKey, .adminAPI]
        ) { context in
            let fixture = try await context.fixture(.twoTenants())
            let (own, other) = (fixture.tenants[0], fixture.tenants[1])
            let ownKey = try await context.requireAPIKey(for: own.tenantID, ["webhooks:read", "webhooks:write"])
            let otherKey = try await context.requireAPIKey(for: other.tenantID, ["webhooks:read", "webhooks:write"])
            let writeOnly = try await context.requireAPIKey(for: own.tenantID, ["webhooks:write"])
            let id = try context.createdSubscriptionID(
                try await context.createTenantWebhook(apiKey: ownKey, context.webhookBody(types: [.reservationDenied])),
                "creating a subscription with the tenant's key")
            let mine = try await context.tenantDeliveries(apiKey: ownKey, id)
            try context.expectStatus(mine, 200, because: "the owner listing its subscription's deliveries")
            try context.expectShape(mine, WireShapes.webhookDeliveryListResponse)
            let foreign = try await context.tenantDeliveries(apiKey: otherKey, id)
            try context.expect(
                [403, 404].contains(foreign.status), "\(foreign.summary) for another tenant: \(foreign.body.prefix(200))",
                expected: "404 on a cross-tenant subscription", spec: "listTenantWebhookDeliveries TENANCY",
                exchange: foreign)
            try context.expectRefusal(
                try await context.tenantDeliveries(apiKey: writeOnly, id), statuses: [403], codes: forbiddenCodes,
                because: "listing deliveries without webhooks:read")
            let admin = try await context.adminDeliveries(id)
            try context.expectStatus(admin, 200, because: "the admin listing a tenant subscription's deliveries")
            try context.expectShape(admin, WireShapes.webhookDeliveryListResponse)
            let unknown = try await context.adminDeliveries("whsub_conformance_missing_\(RandomIdentifier.hex(byteCount: 6))")
            try context.expectStatus(unknown, 404, because: "listing deliveries of an unknown subscription")
            try context.expectShape(unknown, WireShapes.errorResponse)
            await context.deleteWebhook(id)
        },
    ] + webhookDeliveries

    /// A valid tenant-owned subscription (admin create, `reservation.denied`, the unreachable URL) the invariant checks
    /// try to corrupt. Skips when the target refuses it: the invariants cannot be told apart from the URL rules then.
    static func controlSubscription(_ context: CheckContext, _ tenant: ProvisionedTenant) async throws -> String {
        let answer = try await context.createAdminWebhook(
            tenantID: tenant.tenantID, context.webhookBody(types: [.reservationDenied]))
        if answer.status == 400 {
            throw CheckSkipped(
                "the target refused a valid subscription to \(CheckContext.unreachableWebhookURL): "
                    + "\(answer.summary) \(answer.json?["message"]?.stringValue ?? "")")
        }
        return try context.createdSubscriptionID(answer, "creating a valid tenant-owned subscription")
    }

    /// Fails unless `tenant`'s only stored subscription is `control`, still selecting exactly `reservation.denied`.
    static func expectStoredSubscriptions(_ context: CheckContext, _ tenant: ProvisionedTenant, exactly control: String)
        async throws
    {
        let stored = try await context.adminWebhooks(of: tenant.tenantID)
        let ids = stored.compactMap { $0["subscription_id"]?.stringValue }
        try context.expect(
            ids == [control], "the tenant's stored subscriptions are \(ids)", expected: "only the valid one, \(control)",
            spec: "VIOLATION HANDLING: nothing persisted")
        let current = try await context.adminWebhook(control)
        try context.expectStatus(current, 200, because: "reading the valid subscription back")
        let types = current.json?["event_types"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let categories = current.json?["event_categories"]?.arrayValue?.compactMap(\.stringValue) ?? []
        try context.expect(
            types == ["reservation.denied"] && categories.isEmpty,
            "a rejected update changed the subscription: event_types \(types), event_categories \(categories)",
            expected: "event_types [reservation.denied], no categories", spec: "VIOLATION HANDLING: nothing persisted",
            exchange: current)
    }
}
