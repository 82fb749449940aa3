import CyclesProtocol
import Foundation
import GRDB
import NIOHTTP1
import Testing

@testable import CyclesServer

/// Retention (`Ledger+Retention.swift`): each kind of record goes after its retention and not before, by the ledger
/// clock; what is live is never purged; the ledger's invariants hold across a purge.
struct RetentionTests {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour
    /// Every kind at its 24 h minimum, so one day of clock makes everything finished due.
    static let minimal = RetentionPolicy(
        idempotencyMs: day, reservationsMs: day, eventsMs: day, deliveriesMs: day, auditMs: day)

    /// Rows per table.
    static func counts(_ ledger: Ledger) async throws -> [String: Int] {
        try await ledger.pool.read { db in
            var counts: [String: Int] = [:]
            for table in ["reservation", "idempotency", "event", "event_log", "webhook_delivery", "audit_log", "admin_idempotency"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1
            }
            return counts
        }
    }

    static func idempotencyEndpoints(_ ledger: Ledger) async throws -> [String] {
        try await ledger.pool.read { db in
            try String.fetchAll(db, sql: "SELECT endpoint FROM idempotency ORDER BY endpoint")
        }
    }

    static func moveClock(_ ledger: Ledger, to ms: Int64) async throws {
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: ms))
    }

    @Test("A policy below a minimum, or with events and audit differing, is refused naming the flag; durations parse")
    func configuration() throws {
        #expect(throws: Never.self) { try RetentionPolicy.defaults.validate() }
        #expect(throws: Never.self) { try Self.minimal.validate() }
        var short = Self.minimal
        short.reservationsMs = Self.day - 1
        #expect { try short.validate() } throws: { ($0 as? RetentionPolicyError)?.message.contains("--retention-reservations") == true }
        var differing = Self.minimal
        differing.eventsMs = 2 * Self.day
        #expect { try differing.validate() } throws: {
            ($0 as? RetentionPolicyError)?.message.contains("same retention policy as audit logs") == true
        }
        let ledger = try Ledger()
        defer { try? ledger.close() }
        #expect(throws: RetentionPolicyError.self) { try ledger.setRetention(short) }
        #expect(ledger.retention == .defaults)
        #expect(RetentionPolicy.parseDuration("30d") == 30 * Self.day)
        #expect(RetentionPolicy.parseDuration("36h") == 36 * Self.hour)
        #expect(RetentionPolicy.parseDuration("90m") == 5_400_000)
        #expect(RetentionPolicy.parseDuration("45s") == 45_000)
        #expect(RetentionPolicy.parseDuration("1500ms") == 1500)
        for bad in ["", "d", "0d", "-1d", "1w", "1.5h", "12", "99999999999999999d"] {
            #expect(RetentionPolicy.parseDuration(bad) == nil, "\(bad)")
        }
        #expect(RetentionPolicy.format(30 * Self.day) == "30d")
        #expect(RetentionPolicy.format(1500) == "1500ms")
    }

    @Test("The server refuses to start with a retention below its minimum")
    func serverRefusesShortRetention() async throws {
        var short = Self.minimal
        short.idempotencyMs = Self.hour
        await #expect { _ = try await ReferenceServer.start(.init(retention: short)) } throws: {
            ($0 as? ServerStartError)?.message.contains("--retention-idempotency 1h is below the minimum of 1d") == true
        }
    }

    @Test("Finalized reservations, their answers, charges and stale answers go after the retention and not before; ACTIVE stays; invariants hold")
    func reservationsAndIdempotency() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        try ledger.setRetention(Self.minimal)
        let start = Fixture.start
        // Committed, released, expired (ttl 1 s, grace 0) and one left ACTIVE with a long lease.
        let committed = try await ledger.reserveValue(Fixture.reserve(100, key: "k-commit"))
        let commitID = try #require(committed.reservationID)
        _ = try await ledger.commit(commitID, CommitRequest(idempotencyKey: "c-1", actual: .usdMicrocents(80)), as: Fixture.acme)
        let released = try #require(try await ledger.reserveValue(Fixture.reserve(100, key: "k-release")).reservationID)
        _ = try await ledger.release(released, ReleaseRequest(idempotencyKey: "r-1"), as: .tenant(Fixture.acme))
        let expiring = try #require(try await ledger.reserveValue(Fixture.reserve(100, key: "k-expire", ttl: 1000, grace: 0)).reservationID)
        let active = try #require(try await ledger.reserveValue(Fixture.reserve(100, key: "k-active", ttl: 3_600_000)).reservationID)
        // A decide (24 h window) and a charge (its answer replays 7 days).
        _ = try await ledger.decide(
            DecisionRequest(
                idempotencyKey: "d-1", subject: Subject(tenant: "acme", agent: "bot"),
                action: Action(kind: "llm.completion", name: "gpt"), estimate: .usdMicrocents(10)),
            as: Fixture.acme)
        let charge = EventCreateRequest(
            idempotencyKey: "e-1", subject: Subject(tenant: "acme", agent: "bot"),
            action: Action(kind: "llm.completion", name: "gpt"), actual: .usdMicrocents(5))
        let charged = try await ledger.createEvent(charge, as: Fixture.acme)
        try await ledger.advanceClock(namespace: "default", byMs: 2000)  // expires `expiring`
        let before = try await Self.counts(ledger)
        #expect(before["reservation"] == 4)
        #expect(before["event"] == 1)

        // Inside every window nothing goes, and a replay inside its window still answers the original.
        try await Self.moveClock(ledger, to: start + 12 * Self.hour)
        #expect(try await ledger.purgeExpiredRecords().total == 0)
        let replayed = try await ledger.reserve(Fixture.reserve(100, key: "k-commit"), as: Fixture.acme)
        #expect(replayed.replayed)
        #expect(try replayed.value().reservationID == commitID)
        // 23 h after the last deadline: still nothing (the clock never passed deadline + 24 h).
        try await Self.moveClock(ledger, to: start + 2000 + 23 * Self.hour)
        #expect(try await ledger.purgeExpiredRecords().total == 0)
        #expect(try await Self.counts(ledger) == before)

        // Past deadline + 24 h (setClock, not advanceClock, so the long-lease reservation is still ACTIVE in the row
        // although its deadline has passed: the purge must not touch it).
        try await Self.moveClock(ledger, to: start + 2 * Self.day)
        let report = try await ledger.purgeExpiredRecords()
        #expect(report.reservations == 3)
        #expect(report.charges == 1)
        let after = try await Self.counts(ledger)
        #expect(after["reservation"] == 1)
        #expect(after["event"] == 0)
        let remaining = try await ledger.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT reservation_id, status FROM reservation").map { ($0["reservation_id"] as String, $0["status"] as String) }
        }
        #expect(remaining.map(\.0) == [active.rawValue])
        #expect(remaining.map(\.1) == ["ACTIVE"])
        // Left: the ACTIVE reservation's reserve answer, and the charge's answer (7-day window not over).
        #expect(try await Self.idempotencyEndpoints(ledger) == ["event", "reserve"])
        let chargeReplay = try await ledger.createEvent(charge, as: Fixture.acme)
        #expect(chargeReplay.replayed)
        #expect(chargeReplay.body == charged.body)
        // A purged reservation is gone: 404, and its commit cannot replay.
        await expectLedgerError(.notFound) { _ = try await ledger.reservation(commitID, as: .tenant(Fixture.acme)) }
        await expectLedgerError(.notFound) { _ = try await ledger.reservation(expiring, as: .tenant(Fixture.acme)) }
        #expect(try await ledger.checkInvariants().isEmpty)

        // After 7 days the charge's answer goes too; the ACTIVE row still stays until it ends.
        try await Self.moveClock(ledger, to: start + 8 * Self.day)
        #expect(try await ledger.purgeExpiredRecords().idempotency == 1)
        #expect(try await Self.idempotencyEndpoints(ledger) == ["reserve"])
        #expect(try await Self.counts(ledger)["reservation"] == 1)
        #expect(try await ledger.checkInvariants().isEmpty)
    }

    @Test("Events, finished deliveries and audit entries go after their retention; an event with a pending delivery and the pending delivery stay")
    func eventsDeliveriesAudit() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        try ledger.setRetention(Self.minimal)
        ledger.useDevelopmentWebhookSecurityDefaults()
        // Two subscriptions to reservation.denied; each denied decide makes one event and two deliveries.
        let first = try await ledger.createWebhook(
            WebhookCreateRequest(url: "http://127.0.0.1:9/a", eventTypes: [.reservationDenied]), tenantID: "acme", caller: .admin)
        let second = try await ledger.createWebhook(
            WebhookCreateRequest(url: "http://127.0.0.1:9/b", eventTypes: [.reservationDenied]), tenantID: "acme", caller: .admin)
        func deny(_ key: String) async throws {
            _ = try await ledger.decide(
                DecisionRequest(
                    idempotencyKey: IdempotencyKey(key), subject: Subject(tenant: "acme", agent: "bot"),
                    action: Action(kind: "llm.completion", name: "gpt"), estimate: .usdMicrocents(10_000_000)),
                as: Fixture.acme)
        }
        try await deny("deny-1")
        try await deny("deny-2")
        // Every delivery of the first event finishes (one SUCCESS, one FAILED after its retries); of the second,
        // one succeeds and one stays PENDING.
        let due = try await ledger.dueDeliveries(limit: 10)
        #expect(due.count == 4)
        let denied = try await ledger.listEvents(.init(eventType: .reservationDenied, sortDirection: "asc")).events
        let (older, newer) = (denied[0].eventID, denied[1].eventID)
        let success = Ledger.DeliveryOutcome(responseStatus: 200, responseTimeMs: 1, error: nil)
        for delivery in due where delivery.eventID == older || delivery.subscriptionID == first.subscription.subscriptionID {
            var attempt = delivery
            attempt.retryPolicy = WebhookRetryPolicy(maxRetries: 0)
            try await ledger.recordDeliveryAttempt(
                attempt,
                delivery.subscriptionID == first.subscription.subscriptionID
                    ? success : Ledger.DeliveryOutcome(responseStatus: 500, responseTimeMs: 1, error: "HTTP 500"))
        }
        let pending = try await ledger.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT event_id, subscription_id FROM webhook_delivery WHERE status = 'PENDING'")
                .map { ($0["event_id"] as String, $0["subscription_id"] as String) }
        }
        #expect(pending.map(\.0) == [newer])
        #expect(pending.map(\.1) == [second.subscription.subscriptionID])
        let before = try await Self.counts(ledger)
        #expect(before["webhook_delivery"] == 4)
        #expect((before["audit_log"] ?? 0) >= 2)  // the two creates

        try await Self.moveClock(ledger, to: Fixture.start + Self.day - 1)
        #expect(try await ledger.purgeExpiredRecords().total == 0)

        try await Self.moveClock(ledger, to: Fixture.start + Self.day + 1)
        let report = try await ledger.purgeExpiredRecords(batchSize: 1)
        #expect(report.deliveries == 3)
        #expect(report.audit == before["audit_log"])
        #expect(report.batches > report.total)  // one row per batch, and a last batch that finds nothing per kind
        let after = try await Self.counts(ledger)
        #expect(after["webhook_delivery"] == 1)
        #expect(after["audit_log"] == 0)
        // Only the event with the pending delivery is left (the system webhook_delivery_failed meta-event and the
        // webhook.created events are gone with the first denial).
        let left = try await ledger.listEvents(.init(sortDirection: "asc")).events
        #expect(left.map(\.eventID) == [newer])
        // Once it is delivered, the next purge (a day later, by the delivery's own retention) takes both.
        let stillDue = try await ledger.dueDeliveries(limit: 10)
        #expect(stillDue.map(\.eventID) == [newer])
        try await ledger.recordDeliveryAttempt(stillDue[0], success)
        #expect(try await ledger.purgeExpiredRecords().events == 1)
        try await Self.moveClock(ledger, to: Fixture.start + 2 * Self.day + 2)
        #expect(try await ledger.purgeExpiredRecords().deliveries == 1)
        #expect(try await Self.counts(ledger)["webhook_delivery"] == 0)
        #expect(try await ledger.checkInvariants().isEmpty)
    }

    @Test("Bulk-action answers replay for their 15 minutes and go once the idempotency retention has passed")
    func adminIdempotency() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        try ledger.setRetention(Self.minimal)
        let suspend = TenantBulkActionRequest(filter: TenantBulkFilter(search: "other"), action: "SUSPEND", idempotencyKey: "bulk-1")
        _ = try await ledger.bulkActionTenants(suspend)
        try await Self.moveClock(ledger, to: Fixture.start + 20 * 60_000)
        #expect(try await ledger.purgeExpiredRecords().idempotency == 0)
        try await Self.moveClock(ledger, to: Fixture.start + Self.day + 1)
        #expect(try await ledger.purgeExpiredRecords().idempotency == 1)
        #expect(try await Self.counts(ledger)["admin_idempotency"] == 0)
    }

    @Test("Each namespace's records are purged by its own clock")
    func namespaceClocks() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        try ledger.setRetention(Self.minimal)
        var seed = Fixture.seed()
        seed.tenants = [SeedTenant(tenantID: "iso", apiKeys: [SeedAPIKey(key: "cyc_test_iso_0123456789abcdef")])]
        seed.budgets = [SeedBudget(tenantID: "iso", scope: "tenant:iso", unit: .usdMicrocents, allocated: 1000)]
        try await ledger.applySeed(seed, namespace: "iso")
        try await ledger.setClock(namespace: "iso", mode: .frozen(atMs: Fixture.start))
        let iso = TenantIdentity(tenantID: "iso", namespace: "iso")
        var request = Fixture.reserve(10, key: "iso-1", agent: nil)
        request.subject = Subject(tenant: "iso")
        let id = try #require(try await ledger.reserveValue(request, as: iso).reservationID)
        _ = try await ledger.release(id, ReleaseRequest(), as: .tenant(iso))
        // The default clock moving on purges nothing of `iso`; `iso`'s own clock does.
        try await Self.moveClock(ledger, to: Fixture.start + 3 * Self.day)
        #expect(try await ledger.purgeExpiredRecords().reservations == 0)
        try await ledger.advanceClock(namespace: "iso", byMs: 3 * Self.day)
        #expect(try await ledger.purgeExpiredRecords().reservations == 1)
        #expect(try await ledger.checkInvariants().isEmpty)
    }

    @Test("Under --mock, POST /__cycles/retention/purge purges what an advanced clock made due and answers the counts")
    func controlRoute() async throws {
        let server = try await ReferenceServer.start(.init(seed: Fixture.seed(), mock: true, retention: Self.minimal))
        do {
            let client = HTTPTestClient(baseURL: server.baseURL)
            let admin = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]
            let reserved = try await client.send(
                .POST, "/v1/reservations",
                body: #"{"idempotency_key":"route-1","subject":{"tenant":"acme","agent":"bot"},"action":{"kind":"llm","name":"x"},"estimate":{"unit":"USD_MICROCENTS","amount":10}}"#)
            let id = try #require(reserved.json["reservation_id"]?.stringValue)
            #expect(try await client.send(.POST, "/v1/reservations/\(id)/release", body: #"{"idempotency_key":"route-2"}"#).status == 200)
            #expect(try await client.send(.POST, "/__cycles/retention/purge", apiKey: nil).status == 401)
            let early = try await client.send(.POST, "/__cycles/retention/purge", apiKey: nil, headers: admin)
            #expect(early.status == 200)
            #expect(early.json["reservations"] == 0)
            let advanced = try await client.send(
                .POST, "/__cycles/clock/advance", body: #"{"by_ms":\#(2 * Self.day)}"#, apiKey: nil, headers: admin)
            #expect(advanced.status == 200)
            let purged = try await client.send(.POST, "/__cycles/retention/purge", apiKey: nil, headers: admin)
            #expect(purged.json["reservations"] == 1)
            #expect(purged.json["longest_batch_ms"] != nil)
            #expect(try await client.send(.GET, "/v1/reservations/\(id)").status == 404)
            let invariants = try await client.send(.GET, "/__cycles/invariants", apiKey: nil, headers: admin)
            #expect(invariants.json["ok"] == true)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("A database from before v9 gains the retention indexes, and its old records purge")
    func migration() async throws {
        let path = FileManager.default.temporaryDirectory.path + "/migrate-v8-\(UUID().uuidString).sqlite"
        defer { SchemaMigrationTests.removeDatabase(at: path) }
        let v8 = try DatabasePool(path: path)
        try LedgerSchema.migrator().migrate(v8, upTo: "v8-webhook-deliveries")
        try await v8.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tenant (tenant_id, namespace, name, status) VALUES ('acme', 'default', 'Acme', 'ACTIVE');
                    INSERT INTO idempotency (tenant_id, endpoint, key, request_hash, http_status, body, reservation_id,
                      created_at_ms, expires_at_ms) VALUES ('acme', 'decide', 'old', 'h', 200, x'7b7d', NULL, 1000, 2000);
                    INSERT INTO event_log (event_id, event_type, category, tenant_id, timestamp_ms, body)
                      VALUES ('evt_old', 'tenant.created', 'tenant', 'acme', 1000, '{}');
                    INSERT INTO audit_log (log_id, at_ms, tenant_id, operation, status, actor_type)
                      VALUES ('log_old', 1000, '__admin__', 'createTenant', 201, 'admin');
                    """)
        }
        #expect(try await v8.read { db in try !db.indexes(on: "idempotency").contains { $0.name == "idempotency_unreserved_expiry" } })
        try v8.close()

        let ledger = try Ledger(databasePath: path)
        defer { try? ledger.close() }
        let indexes = try await ledger.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (?, ?, ?, ?) ORDER BY name",
                arguments: ["idempotency_unreserved_expiry", "event_tenant_created", "webhook_delivery_event", "webhook_delivery_completed"])
        }
        #expect(indexes == ["event_tenant_created", "idempotency_unreserved_expiry", "webhook_delivery_completed", "webhook_delivery_event"])
        try ledger.setRetention(Self.minimal)
        let report = try await ledger.purgeExpiredRecords()
        #expect(report.idempotency == 1)
        #expect(report.events == 1)
        #expect(report.audit == 1)
        #expect(try await Self.counts(ledger)["event_log"] == 0)
    }

    @Test("A purge batch holds the writer briefly: 1,000 finished reservations go in batches of 100")
    func batchTiming() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed(tenantAllocated: 1 << 40, agentAllocated: 1 << 40))
        defer { try? ledger.close() }
        try ledger.setRetention(Self.minimal)
        for index in 0..<1000 {
            let id = try #require(try await ledger.reserveValue(Fixture.reserve(1, key: IdempotencyKey("bulk-\(index)"))).reservationID)
            _ = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        }
        // An allowed reserve's answer and a commit's name their reservation, so neither is in the partial index
        // `idempotency_unreserved_expiry`: the hot path maintains no new index entry.
        let unreserved = try await ledger.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM idempotency WHERE reservation_id IS NULL")
        }
        #expect(unreserved == 0)
        try await Self.moveClock(ledger, to: Fixture.start + 2 * Self.day)
        let report = try await ledger.purgeExpiredRecords()
        #expect(report.reservations == 1000)
        #expect(report.batches >= 10)
        #expect(try await Self.counts(ledger)["reservation"] == 0)
        #expect(try await Self.counts(ledger)["idempotency"] == 0)
        #expect(try await ledger.checkInvariants().isEmpty)
        // The figure for the docs (not asserted: timing depends on the machine).
        print("retention batch timing: \(report.batches) batches, longest \(report.longestBatchMs) ms")
    }
}
