import CyclesConformance
import CyclesProtocol
import CyclesTesting
import Foundation
import Testing

/// The durable outbox against the real thing: `cycles serve` (the built executable) on a database file, killed with
/// SIGKILL while its webhook deliveries are failing, started again on the same file, and every event it had
/// committed is then delivered to a receiver that has come back.
///
/// Time: the subscription retries on a slow schedule (first retry after 60 s, up to 10 retries), so the first life
/// makes exactly one attempt per delivery and the kill lands while they all wait to be retried. The second life runs
/// with `--mock`, whose `/__cycles` clock control moves the `default` namespace clock — the clock the retry schedule
/// is measured on — an hour ahead, so the overdue retries go out at once instead of after a real minute.
@Suite(.serialized)
struct WebhookOutboxKillTests {
    static let adminKey = "kill9-admin-0123456789"
    /// The demo seed's tenant and key.
    static let tenant = "acme"
    static let apiKey = "cyc_test_acme_0123456789abcdef"
    static let secret = "whsec_kill9"
    static let subscribedTypes: Set<String> = ["reservation.denied", "budget.threshold_crossed"]

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `cycles serve --mock` on `database`; returns it running with its base URL.
    static func serve(_ database: String) async throws -> (ChildProcess.Running, String) {
        let (running, banner) = try await CommandLineFirstHourTests.startServe(
            [
                "--port", "0", "--database", database, "--seed", "Fixtures/seeds/demo.json", "--admin-key", adminKey,
                "--mock",
            ], until: "Press Ctrl-C")
        let prefix = "Cycles server listening on "
        guard let line = banner.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
            running.kill()
            _ = try? await running.finish()
            throw Failure(description: "cycles serve did not start:\n\(banner)")
        }
        return (running, String(line.dropFirst(prefix.count)))
    }

    static func send(
        _ client: WireClient, _ method: String, _ path: String, body: String? = nil, admin: Bool = false
    ) async throws -> WireExchange {
        let key = admin ? WireHeader(CyclesHeader.adminAPIKey, adminKey) : WireHeader(CyclesHeader.apiKey, apiKey)
        return try await client.send(
            WireRequest(
                method: method, path: path, headers: [key, WireHeader("Content-Type", "application/json")], body: body))
    }

    /// A dry run far over the budget: DENY, so `reservation.denied`.
    static func deny(_ client: WireClient, key: String) async throws {
        let reply = try await send(
            client, "POST", "/v1/reservations",
            body: #"{"idempotency_key":"\#(key)","subject":{"tenant":"acme"},"action":{"kind":"llm","name":"x"},"estimate":{"unit":"USD_MICROCENTS","amount":900000000},"dry_run":true}"#)
        #expect(reply.status == 200, "\(reply.body)")
        #expect(reply.json?["decision"]?.stringValue == "DENY", "\(reply.body)")
    }

    /// The ids of the subscribed types' events in the server's log.
    static func committedEvents(_ client: WireClient) async throws -> Set<String> {
        let reply = try await send(client, "GET", "/v1/admin/events?tenant_id=acme&limit=100", admin: true)
        #expect(reply.status == 200, "\(reply.body)")
        let events = reply.json?["events"]?.arrayValue ?? []
        return Set(
            events.filter { subscribedTypes.contains($0["event_type"]?.stringValue ?? "") }
                .compactMap { $0["event_id"]?.stringValue })
    }

    @Test("kill -9 while deliveries fail, restart on the same database file: every committed event is delivered once the receiver is back")
    func outboxSurvivesKill() async throws {
        let database = FileManager.default.temporaryDirectory
            .appendingPathComponent("cycles-kill9-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) } }
        let receiver = try await CyclesWebhookReceiver.start(secret: Self.secret)
        receiver.answer(503)
        var server: ChildProcess.Running?
        do {
            // First life: a subscription, events, one refused attempt each; then SIGKILL.
            let (first, firstURL) = try await Self.serve(database)
            server = first
            let client = WireClient(baseURL: firstURL)
            let created = try await Self.send(
                client, "POST", "/v1/admin/webhooks?tenant_id=acme",
                body: #"{"url":"\#(receiver.url)","event_types":["reservation.denied","budget.threshold_crossed"],"signing_secret":"\#(Self.secret)","retry_policy":{"max_retries":10,"initial_delay_ms":60000,"max_delay_ms":3600000}}"#,
                admin: true)
            #expect(created.status == 201, "\(created.body)")
            let subscriptionID = try #require(created.json?["subscription"]?["subscription_id"]?.stringValue)
            for key in ["deny-1", "deny-2", "deny-3"] { try await Self.deny(client, key: key) }
            // A charge of 85 % of the $1000 budget crosses the 0.80 threshold.
            let charge = try await Self.send(
                client, "POST", "/v1/events",
                body: #"{"idempotency_key":"charge-1","subject":{"tenant":"acme"},"action":{"kind":"llm","name":"x"},"actual":{"unit":"USD_MICROCENTS","amount":85000000}}"#)
            #expect(charge.status == 201, "\(charge.body)")
            let attempted = try await Self.committedEvents(client)
            #expect(attempted.count == 4)
            for id in attempted {
                let refused = try await receiver.nextDelivery { $0.eventID == id }
                #expect(refused.responseStatus == 503)
            }
            // One more event, and the kill right after its answer: its delivery may not have been tried at all.
            try await Self.deny(client, key: "deny-4")
            let committed = try await Self.committedEvents(client)
            await client.shutdown()
            first.kill()
            let outcome = try await first.finish()
            server = nil
            #expect(outcome.exitCode == 128 + 9, "ended by SIGKILL")
            #expect(committed.count == 5)
            #expect(committed.isSuperset(of: attempted))
            #expect(!receiver.deliveries.contains { $0.accepted })

            // Second life on the same file: the receiver is back, the clock passes the retry schedule.
            receiver.answer(200)
            let (second, secondURL) = try await Self.serve(database)
            server = second
            let secondClient = WireClient(baseURL: secondURL)
            #expect(try await Self.committedEvents(secondClient) == committed, "the event log survived the kill")
            try await CyclesMockControlClient(baseURL: secondURL, adminKey: Self.adminKey)
                .advanceClock(byMs: 3_600_000)
            var delivered: Set<String> = []
            for id in committed {
                let delivery = try await receiver.nextDelivery(timeout: .seconds(30)) { $0.accepted && $0.eventID == id }
                #expect(delivery.signatureValid == true)
                #expect(delivery.event?.eventID == id)
                delivered.insert(id)
            }
            #expect(delivered == committed)
            let records = try await Self.send(
                secondClient, "GET", "/v1/admin/webhooks/\(subscriptionID)/deliveries?status=SUCCESS", admin: true)
            #expect(records.json?["deliveries"]?.arrayValue?.count == committed.count, "\(records.body)")
            await secondClient.shutdown()
            second.interrupt()
            _ = try await second.finish()
            server = nil
        } catch {
            if let server {
                server.kill()
                _ = try? await server.finish()
            }
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }
}
