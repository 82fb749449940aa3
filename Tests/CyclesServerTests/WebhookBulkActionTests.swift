import CyclesProtocol
import Foundation
import GRDB
import NIOHTTP1
import Testing

@testable import CyclesServer

/// `POST /v1/admin/webhooks/bulk-action`: counted first, per-row outcomes, one event per changed row with the bulk
/// correlation id, one audit entry per invocation, a 15-minute replay.
struct WebhookBulkActionTests {
    static func create(_ ledger: Ledger, tenant: String, url: String = "https://hooks.example.com/a") async throws -> String {
        try await ledger.createWebhook(
            WebhookCreateRequest(url: url, eventTypes: [.budgetExhausted]), tenantID: tenant, caller: .admin
        ).subscription.subscriptionID
    }

    static func statuses(_ ledger: Ledger) async throws -> [String: String] {
        try await ledger.pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT subscription_id, status FROM webhook_subscription").map {
                ($0["subscription_id"] as String, $0["status"] as String)
            })
        }
    }

    static func bulkAudits(_ ledger: Ledger) async throws -> Int {
        try await ledger.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE operation = 'bulkActionWebhooks'") ?? -1
        }
    }

    @Test("PAUSE, RESUME and DELETE: per-row succeeded, skipped and failed; events only for changed rows; one audit entry; replay and mismatch")
    func lifecycle() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        let a = try await Self.create(ledger, tenant: "acme")
        let b = try await Self.create(ledger, tenant: "acme", url: "https://staging.example.com/hook")
        let c = try await Self.create(ledger, tenant: "acme")
        let other = try await Self.create(ledger, tenant: "other")
        _ = try await ledger.updateWebhook(c, WebhookUpdateRequest(status: "PAUSED"), caller: .admin)
        let before = try await Self.statuses(ledger)

        // A wrong expected_count changes nothing.
        let wrong = WebhookBulkActionRequest(
            filter: WebhookBulkFilter(tenantID: "acme"), action: "PAUSE", expectedCount: 2, idempotencyKey: "p-0")
        let mismatch = await expectLedgerError(.countMismatch) { _ = try await ledger.bulkActionWebhooks(wrong) }
        #expect(mismatch?.httpStatus == 409)
        #expect(try await Self.statuses(ledger) == before)
        #expect(try await Self.bulkAudits(ledger) == 0)

        let pause = WebhookBulkActionRequest(
            filter: WebhookBulkFilter(tenantID: "acme"), action: "PAUSE", expectedCount: 3, idempotencyKey: "p-1")
        let paused = try await ledger.bulkActionWebhooks(pause)
        #expect(paused.totalMatched == 3)
        #expect(Set(paused.succeeded.map(\.id)) == [a, b])
        #expect(paused.skipped.map(\.id) == [c])
        #expect(paused.skipped.first?.reason == "ALREADY_IN_TARGET_STATE")
        #expect(paused.failed.isEmpty)
        let after = try await Self.statuses(ledger)
        #expect(after[a] == "PAUSED" && after[b] == "PAUSED" && after[other] == "ACTIVE")
        let pausedEvents = try await ledger.listEvents(.init(eventType: .webhookPaused, limit: 100)).events
            .filter { $0.correlationID?.hasPrefix("webhook_bulk_action:pause:") == true }
        #expect(Set(pausedEvents.compactMap { $0.data?["subscription_id"]?.stringValue }) == [a, b])
        #expect(Set(pausedEvents.map(\.correlationID)).count == 1)
        #expect(pausedEvents.allSatisfy { $0.actor?.type == "admin" && $0.data?["previous_status"] == "ACTIVE" })
        #expect(try await Self.bulkAudits(ledger) == 1)

        // The same key and body replays without acting; another body under it is 409.
        let eventCount = try await ledger.listEvents(.init(limit: 100)).events.count
        #expect(try await ledger.bulkActionWebhooks(pause) == paused)
        #expect(try await ledger.listEvents(.init(limit: 100)).events.count == eventCount)
        #expect(try await Self.bulkAudits(ledger) == 1)
        var changed = pause
        changed.action = "DELETE"
        await expectLedgerError(.idempotencyMismatch) { _ = try await ledger.bulkActionWebhooks(changed) }

        // RESUME: PAUSED rows come back (failure count reset); a DISABLED one fails; an ACTIVE one is skipped.
        try await ledger.pool.write { db in
            try db.execute(
                sql: "UPDATE webhook_subscription SET status = 'DISABLED', consecutive_failures = 10 WHERE subscription_id = ?",
                arguments: [c])
            try db.execute(sql: "UPDATE webhook_subscription SET consecutive_failures = 4 WHERE subscription_id = ?", arguments: [a])
        }
        let resumed = try await ledger.bulkActionWebhooks(
            WebhookBulkActionRequest(filter: WebhookBulkFilter(tenantID: "acme"), action: "RESUME", idempotencyKey: "r-1"))
        #expect(Set(resumed.succeeded.map(\.id)) == [a, b])
        #expect(resumed.failed.map(\.id) == [c])
        #expect(resumed.failed.first?.errorCode == "INVALID_TRANSITION")
        #expect(try await ledger.webhookSubscription(a, caller: .admin).consecutiveFailures == 0)
        let skipped = try await ledger.bulkActionWebhooks(
            WebhookBulkActionRequest(filter: WebhookBulkFilter(tenantID: "other"), action: "RESUME", idempotencyKey: "r-2"))
        #expect(skipped.skipped.map(\.id) == [other])
        #expect(try await ledger.listEvents(.init(eventType: .webhookResumed, limit: 100)).events.count == 2)

        // DELETE by search (subscription id or URL, case-insensitive).
        let deleted = try await ledger.bulkActionWebhooks(
            WebhookBulkActionRequest(filter: WebhookBulkFilter(search: "STAGING"), action: "DELETE", idempotencyKey: "d-1"))
        #expect(deleted.succeeded.map(\.id) == [b])
        #expect(try await Self.statuses(ledger)[b] == nil)
        let deletedEvents = try await ledger.listEvents(.init(eventType: .webhookDeleted)).events
        #expect(deletedEvents.map(\.correlationID) == deletedEvents.map { _ in deletedEvents.first?.correlationID })
        #expect(deletedEvents.first?.correlationID?.hasPrefix("webhook_bulk_action:delete:") == true)
        #expect(try await Self.bulkAudits(ledger) == 4)
    }

    @Test("Bad requests write nothing: empty filter, unknown action or status, more than 500 matches (LIMIT_EXCEEDED with total_matched)")
    func refusals() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        await expectLedgerError(.invalidRequest) {
            _ = try await ledger.bulkActionWebhooks(
                WebhookBulkActionRequest(filter: WebhookBulkFilter(), action: "PAUSE", idempotencyKey: "x"))
        }
        await expectLedgerError(.invalidRequest) {
            _ = try await ledger.bulkActionWebhooks(
                WebhookBulkActionRequest(filter: WebhookBulkFilter(tenantID: "acme"), action: "DISABLE", idempotencyKey: "x"))
        }
        await expectLedgerError(.invalidRequest) {
            _ = try await ledger.bulkActionWebhooks(
                WebhookBulkActionRequest(filter: WebhookBulkFilter(status: "GONE"), action: "PAUSE", idempotencyKey: "x"))
        }
        for _ in 0..<501 { _ = try await Self.create(ledger, tenant: "acme") }
        let tooMany = await expectLedgerError(.limitExceeded) {
            _ = try await ledger.bulkActionWebhooks(
                WebhookBulkActionRequest(filter: WebhookBulkFilter(tenantID: "acme"), action: "DELETE", idempotencyKey: "x"))
        }
        #expect(tooMany?.httpStatus == 400)
        #expect(tooMany?.details?["total_matched"] == 501)
        #expect(try await Self.statuses(ledger).count == 501)
        #expect(try await Self.bulkAudits(ledger) == 0)
    }

    @Test("Over HTTP the route takes the admin key only and answers the spec's envelope; unknown members are 400")
    func http() async throws {
        try await HTTPTestClient.withServer { client, server in
            let id = try await Self.create(server.ledger, tenant: "acme")
            let body = #"{"filter":{"tenant_id":"acme"},"action":"PAUSE","expected_count":1,"idempotency_key":"h-1"}"#
            #expect(try await client.send(.POST, "/v1/admin/webhooks/bulk-action", body: body, apiKey: Fixture.acmeKey).status == 401)
            let reply = try await client.send(
                .POST, "/v1/admin/webhooks/bulk-action", body: body, apiKey: nil, headers: WebhookSubscriptionTests.admin)
            #expect(reply.status == 200)
            #expect(reply.json["action"] == "PAUSE")
            #expect(reply.json["total_matched"] == 1)
            #expect(reply.json["succeeded"]?.arrayValue?.first?["id"]?.stringValue == id)
            #expect(reply.json["idempotency_key"] == "h-1")
            let unknown = try await client.send(
                .POST, "/v1/admin/webhooks/bulk-action",
                body: #"{"filter":{"tenant_id":"acme","url":"x"},"action":"PAUSE","idempotency_key":"h-2"}"#,
                apiKey: nil, headers: WebhookSubscriptionTests.admin)
            #expect(unknown.status == 400)
        }
    }
}
