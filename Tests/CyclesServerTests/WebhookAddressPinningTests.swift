import CyclesProtocol
@testable import CyclesServer
import CyclesTesting
import Hummingbird
import Logging
import Testing

/// The dispatcher's SSRF guards at delivery time: a DNS name is connected at the very address the blocked ranges
/// were checked against (no second resolution a rebinding DNS server could answer differently), and a redirect is
/// never followed.
struct WebhookAddressPinningTests {
    /// A name no real resolver answers (`.test` is reserved, RFC 2606), so a delivery to it can only arrive through
    /// the address the injected resolver gave.
    static let host = "receiver.cycles.test"

    static func delivery(to url: String) -> Ledger.DueDelivery {
        Ledger.DueDelivery(
            deliveryID: "whdel_pinning", subscriptionID: "whsub_pinning", eventID: "evt_pinning",
            eventType: "reservation.denied", body: #"{"event_id":"evt_pinning"}"#, url: url, secret: "topsecret",
            headers: [:], retryPolicy: WebhookRetryPolicy(), attempts: 0, traceID: String(repeating: "a", count: 32),
            traceFlags: "01")
    }

    static func withDispatcher(_ body: (WebhookDispatcher) async throws -> Void) async throws {
        let ledger = try Ledger()
        let dispatcher = WebhookDispatcher(ledger: ledger, logger: Logger(label: "pinning-test"))
        do {
            try await body(dispatcher)
        } catch {
            try? ledger.close()
            throw error
        }
        try ledger.close()
    }

    @Test("A DNS name is delivered to the address that passed the blocked-range check, signed as any delivery")
    func deliversToTheCheckedAddress() async throws {
        let receiver = try await CyclesWebhookReceiver.start(secret: "topsecret")
        defer { Task { await receiver.stop() } }
        let port = try #require(receiver.url.split(separator: ":").last?.split(separator: "/").first)
        var policy = WebhookURLPolicy(config: WebhookURLPolicy.development)
        policy.resolver = { $0 == Self.host ? [[127, 0, 0, 1]] : nil }
        try await Self.withDispatcher { dispatcher in
            let outcome = await dispatcher.attempt(Self.delivery(to: "http://\(Self.host):\(port)/hook"), policy: policy)
            #expect(outcome.responseStatus == 200, "\(outcome.error ?? "")")
            // No resolver outside this test knows the name: arriving at all proves the pinned address was used.
            let received = try #require(receiver.deliveries.first)
            #expect(received.eventID == "evt_pinning")
            #expect(received.verifiesSignature(secret: "topsecret"))
        }
    }

    @Test("A name with any address in a blocked range is refused before a connection, whichever address comes first")
    func refusesWhenAnyAddressIsBlocked() async throws {
        var policy = WebhookURLPolicy(config: WebhookSecurityConfig(
            blockedCIDRRanges: WebhookSecurityConfig.defaults.blockedCIDRRanges, allowedURLPatterns: [], allowHTTP: true))
        policy.resolver = { _ in [[93, 184, 216, 34], [10, 0, 0, 5]] }
        try await Self.withDispatcher { dispatcher in
            let outcome = await dispatcher.attempt(Self.delivery(to: "http://\(Self.host)/hook"), policy: policy)
            #expect(outcome.responseStatus == nil)
            #expect(outcome.error?.contains("resolves to a blocked address range") == true)
        }
        #expect(try WebhookURLPolicy(config: WebhookURLPolicy.development).validateResolvedAddresses(of: "http://127.0.0.1:9/hook") == nil)
        #expect(WebhookURLPolicy.literal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
    }

    @Test("A 307 answer is a failed attempt: the POST is not re-sent to the Location, which could be a blocked address")
    func neverFollowsRedirects() async throws {
        let receiver = try await CyclesWebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        let router = Router()
        router.post("/hook") { _, _ in
            Response(status: .temporaryRedirect, headers: [.location: receiver.url])
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "redirecting-endpoint")
        logger.logLevel = .critical
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        let running = Task { try await application.runService(gracefulShutdownSignals: []) }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await Self.withDispatcher { dispatcher in
            let outcome = await dispatcher.attempt(
                Self.delivery(to: "http://127.0.0.1:\(port)/hook"),
                policy: WebhookURLPolicy(config: WebhookURLPolicy.development))
            #expect(outcome.responseStatus == 307)
            #expect(outcome.error == "HTTP 307")
            // The attempt has returned, so a followed redirect would already have reached the receiver.
            #expect(receiver.deliveries.isEmpty)
        }
    }
}
