import CyclesProtocol
@testable import CyclesServer
import CyclesTesting
import Foundation
import NIOHTTP1
import Testing

/// Webhook delivery against a real receiver on loopback: signature and headers, delivery records in both listings,
/// retries on the policy's schedule driven by the (frozen, then advanced) clock, final failure, and replay.
struct WebhookDeliveryTests {
    static let admin = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]
    /// Generous: a loaded machine can starve delivery for seconds; the timeout only bounds a real failure.
    static let patience: Duration = .seconds(60)

    /// A `--mock` server (loopback HTTP allowed; `/metrics` with `metrics`) with the clock frozen, and a receiver.
    static func withSetup(
        metrics: Bool = false, _ body: (HTTPTestClient, ReferenceServer, CyclesWebhookReceiver) async throws -> Void
    ) async throws {
        let receiver = try await CyclesWebhookReceiver.start(secret: "topsecret")
        do {
            try await HTTPTestClient.withServer(configuration: .init(seed: Fixture.seed(), mock: true, metrics: metrics)) {
                client, server in try await body(client, server, receiver)
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    static func subscribe(_ client: HTTPTestClient, _ receiver: CyclesWebhookReceiver, retry: String = "") async throws -> String {
        let body = #"{"url":"\#(receiver.url)","event_types":["reservation.denied"],"signing_secret":"topsecret"\#(retry)}"#
        let created = try await client.send(.POST, "/v1/admin/webhooks?tenant_id=acme", body: body, apiKey: nil, headers: admin)
        #expect(created.status == 201, "\(created.text)")
        return try #require(created.json["subscription"]?["subscription_id"]?.stringValue)
    }

    static func deny(_ client: HTTPTestClient, key: String = "d1") async throws {
        let body = #"{"idempotency_key":"\#(key)","subject":{"tenant":"acme"},"action":{"kind":"llm","name":"x"},"estimate":{"unit":"USD_MICROCENTS","amount":9000000},"dry_run":true}"#
        #expect(try await client.send(.POST, "/v1/reservations", body: body).json["decision"] == "DENY")
    }

    /// Polls (bounded) the admin delivery listing until the newest delivery has `status`.
    static func waitForDelivery(_ client: HTTPTestClient, _ id: String, status: String, count: Int = 1) async throws
        -> [JSONValue]
    {
        var deliveries: [JSONValue] = []
        for _ in 0..<2000 {
            let reply = try await client.send(
                .GET, "/v1/admin/webhooks/\(id)/deliveries", apiKey: nil, headers: admin)
            deliveries = reply.json["deliveries"]?.arrayValue ?? []
            if deliveries.count >= count, deliveries.first?["status"]?.stringValue == status { return deliveries }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("delivery never reached \(status): \(deliveries)")
        return deliveries
    }

    @Test("A committed event is POSTed with a signature that verifies with the secret (and not another), the event's id, type and trace headers, and recorded as SUCCESS in both listings")
    func delivers() async throws {
        try await Self.withSetup { client, server, receiver in
            let id = try await Self.subscribe(client, receiver)
            try await Self.deny(client)
            let received = try await receiver.nextDelivery(timeout: Self.patience)
            let event = try CyclesJSON.decode(ProtocolEvent.self, from: Data(received.body))
            #expect(event.eventType == .reservationDenied)
            #expect(received.signatureValid == true)
            #expect(received.verifiesSignature(secret: "topsecret"))
            #expect(!received.verifiesSignature(secret: "another"))
            #expect(received.headers["x-cycles-event-id"] == event.eventID)
            #expect(received.headers["x-cycles-event-type"] == "reservation.denied")
            #expect(received.headers["x-cycles-trace-id"] == event.traceID)
            #expect(received.headers["traceparent"]?.hasPrefix("00-\(event.traceID ?? "")-") == true)
            #expect(received.headers["content-type"] == "application/json")

            let deliveries = try await Self.waitForDelivery(client, id, status: "SUCCESS")
            let delivery = try #require(deliveries.first)
            #expect(delivery["event_id"]?.stringValue == event.eventID)
            #expect(delivery["attempts"] == 1)
            #expect(delivery["response_status"] == 200)
            #expect(delivery["trace_id"]?.stringValue == event.traceID)
            let reader = try await server.ledger.createAPIKey(
                APIKeyCreateRequest(tenantID: "acme", name: "r", permissions: [.webhooksRead]))
            let mine = try await client.send(.GET, "/v1/webhooks/\(id)/deliveries", apiKey: reader.keySecret)
            #expect(mine.json["deliveries"]?.arrayValue?.count == 1)
            let rival = try await server.ledger.createAPIKey(
                APIKeyCreateRequest(tenantID: "other", name: "r", permissions: [.webhooksRead]))
            #expect(try await client.send(.GET, "/v1/webhooks/\(id)/deliveries", apiKey: rival.keySecret).status == 404)
            #expect(try await client.send(.GET, "/v1/admin/webhooks/whsub_nope/deliveries", apiKey: nil, headers: Self.admin).status == 404)
            #expect(try await client.send(.GET, "/v1/admin/webhooks/\(id)/deliveries?status=DONE", apiKey: nil, headers: Self.admin).status == 400)
        }
    }

    @Test("A failing endpoint is retried when the clock reaches the policy's delay, then FAILED with system.webhook_delivery_failed; replay delivers again")
    func retriesThenReplay() async throws {
        try await Self.withSetup { client, server, receiver in
            receiver.answer(500)
            let id = try await Self.subscribe(
                client, receiver, retry: #","retry_policy":{"max_retries":1,"initial_delay_ms":1000}"#)
            try await Self.deny(client)
            _ = try await receiver.nextDelivery(timeout: Self.patience)
            let retrying = try await Self.waitForDelivery(client, id, status: "RETRYING")
            #expect(retrying.first?["attempts"] == 1)
            #expect(retrying.first?["response_status"] == 500)
            #expect(retrying.first?["next_retry_at"]?.stringValue == RFC3339.string(Fixture.start + 1000))
            _ = try await server.ledger.advanceClock(namespace: "default", byMs: 1000)
            _ = try await receiver.nextDelivery(timeout: Self.patience)
            let failed = try await Self.waitForDelivery(client, id, status: "FAILED")
            #expect(failed.first?["attempts"] == 2)
            #expect(receiver.deliveries.count == 2)
            let alerts = try await server.ledger.listEvents(.init(eventType: .systemWebhookDeliveryFailed)).events
            #expect(alerts.count == 1)
            #expect(alerts.first?.tenantID == "__system__")
            #expect(try alerts.first?.payload(as: EventDataSystem.self).details?["subscription_id"] == .string(id))

            receiver.answer(200)
            let replay = try await client.send(
                .POST, "/v1/admin/webhooks/\(id)/replay", body: #"{"max_events":10}"#, apiKey: nil, headers: Self.admin)
            #expect(replay.status == 202)
            #expect(replay.json["events_queued"] == 1)
            _ = try await receiver.nextDelivery(timeout: Self.patience)
            let after = try await Self.waitForDelivery(client, id, status: "SUCCESS", count: 2)
            #expect(after.count == 2)
            let bodies = receiver.deliveries.map { try? CyclesJSON.decode(ProtocolEvent.self, from: Data($0.body)).eventID }
            #expect(Set(bodies).count == 1)  // the same event, delivered again
        }
    }

    @Test("Replay refuses a window larger than max_events and bad bodies (400), an unknown subscription (404), and needs the admin key")
    func replayValidation() async throws {
        try await Self.withSetup { client, _, receiver in
            let id = try await Self.subscribe(client, receiver)
            try await Self.deny(client, key: "a")
            try await Self.deny(client, key: "b")
            let path = "/v1/admin/webhooks/\(id)/replay"
            for (body, field) in [
                (#"{"max_events":1}"#, "max_events"), (#"{"max_events":0}"#, "max_events"),
                (#"{"from":"yesterday"}"#, "from"), (#"{"event_types":["nope.x"]}"#, "event_types[0]"),
                (#"{"limit":3}"#, "limit"),
            ] {
                let reply = try await client.send(.POST, path, body: body, apiKey: nil, headers: Self.admin)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body): \(reply.text)")
            }
            #expect(try await client.send(.POST, path, body: "{}", apiKey: nil).status == 401)
            let missing = try await client.send(
                .POST, "/v1/admin/webhooks/whsub_nope/replay", body: "{}", apiKey: nil, headers: Self.admin)
            #expect(missing.status == 404)
            #expect(missing.json["error"] == "WEBHOOK_NOT_FOUND")
        }
    }

    @Test("An event committed while no dispatcher runs is delivered after the ledger is reopened by a new server (the outbox is durable)")
    func outboxSurvivesRestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cycles-outbox-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let receiver = try await CyclesWebhookReceiver.start(secret: "s")
        // First life: the engine alone (no dispatcher), as if the process died right after the commit.
        let ledger = try Ledger(databasePath: path)
        try await ledger.applySeed(Fixture.seed())
        ledger.useDevelopmentWebhookSecurityDefaults()
        let created = try await ledger.createWebhook(
            WebhookCreateRequest(url: receiver.url, eventTypes: [.reservationDenied], signingSecret: "s"),
            tenantID: "acme", caller: .admin)
        _ = try await ledger.reserveValue(Fixture.reserve(9_000_000, dryRun: true))
        try ledger.close()
        #expect(receiver.deliveries.isEmpty)
        // Second life: a server on the same file sends what was committed.
        let server = try await ReferenceServer.start(.init(databasePath: path, seed: Fixture.seed(), mock: true))
        let received = try await receiver.nextDelivery(timeout: Self.patience)
        await server.stop()
        await receiver.stop()
        #expect(receiver.deliveries.count == 1)
        let event = try CyclesJSON.decode(ProtocolEvent.self, from: Data(received.body))
        #expect(event.eventType == .reservationDenied)
        #expect(received.signatureValid == true)
        _ = created
    }

    @Test("/test sends one signed system.webhook_test probe to a tenant-owned subscription's own endpoint, answers the outcome, and records no delivery or event")
    func testProbe() async throws {
        try await Self.withSetup { client, server, receiver in
            let id = try await Self.subscribe(client, receiver)
            let ok = try await client.send(.POST, "/v1/admin/webhooks/\(id)/test", apiKey: nil, headers: Self.admin)
            #expect(ok.status == 200)
            #expect(ok.json["success"] == true)
            #expect(ok.json["response_status"] == 200)
            let probe = try await receiver.nextDelivery(timeout: Self.patience)
            let event = try CyclesJSON.decode(ProtocolEvent.self, from: Data(probe.body))
            #expect(event.eventType == .systemWebhookTest)
            #expect(event.eventID == ok.json["event_id"]?.stringValue)
            #expect(probe.signatureValid == true)
            receiver.answer(503)
            let writer = try await server.ledger.createAPIKey(
                APIKeyCreateRequest(tenantID: "acme", name: "w", permissions: [.webhooksWrite]))
            let failing = try await client.send(.POST, "/v1/webhooks/\(id)/test", apiKey: writer.keySecret)
            #expect(failing.status == 200)
            #expect(failing.json["success"] == false)
            #expect(failing.json["response_status"] == 503)
            let rival = try await server.ledger.createAPIKey(
                APIKeyCreateRequest(tenantID: "other", name: "w", permissions: [.webhooksWrite]))
            #expect(try await client.send(.POST, "/v1/webhooks/\(id)/test", apiKey: rival.keySecret).status == 404)
            let deliveries = try await client.send(.GET, "/v1/admin/webhooks/\(id)/deliveries", apiKey: nil, headers: Self.admin)
            #expect(deliveries.json["deliveries"]?.arrayValue?.isEmpty == true)
            #expect(try await server.ledger.listEvents(.init(eventType: .systemWebhookTest)).events.isEmpty)
            let subscription = try await client.send(.GET, "/v1/admin/webhooks/\(id)", apiKey: nil, headers: Self.admin)
            #expect(subscription.json["consecutive_failures"] == 0)
            #expect(subscription.json["status"] == "ACTIVE")
        }
    }
}
