import Cycles
import CyclesProtocol
import CyclesServer
import CyclesTesting
import Testing

/// `CyclesWebhookReceiver` and the event / delivery waits of `CyclesTestServer`, used as a user's test would: a mock
/// server, a receiver on loopback, events caused through the client, and nothing but awaits (no sleeps).
struct WebhookReceiverTests {
    static let action = Action(kind: "llm.completion", name: "gpt-4o")

    /// A server (tenant `acme`, $0.01 budget) and a receiver with `secret`, both stopped afterwards.
    static func withServerAndReceiver(
        secret: String? = "whsec_user", _ body: (CyclesTestServer, CyclesWebhookReceiver) async throws -> Void
    ) async throws {
        let receiver = try await CyclesWebhookReceiver.start(secret: secret)
        do {
            try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
                try await body(server, receiver)
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    /// A dry run over the budget: answered DENY, which emits `reservation.denied`.
    static func deny(_ server: CyclesTestServer) async throws {
        let answer = try await server.client.dryRun(estimate: .usdMicrocents(5_000_000), action: action)
        #expect(answer.body.decision == .deny)
    }

    @Test("A user's test: a denial and a threshold crossing arrive signed at the receiver and are in the server's log; the signature verifies with the secret and not another")
    func deliversDenialAndThreshold() async throws {
        try await Self.withServerAndReceiver { server, receiver in
            let created = try await server.subscribeWebhook(
                to: receiver, eventTypes: [.reservationDenied, .budgetThresholdCrossed])
            #expect(created.signingSecret == "whsec_user")
            try await Self.deny(server)
            let reservation = try await server.client.reserve(estimate: .usdMicrocents(850_000), action: Self.action)
            _ = try await reservation.commit(actual: .usdMicrocents(850_000))

            let denied = try await receiver.nextEvent(ofType: .reservationDenied)
            let crossed = try await receiver.nextEvent(ofType: .budgetThresholdCrossed)
            #expect(denied.tenantID == "acme")
            let threshold = try crossed.payload(as: EventDataBudgetThreshold.self)
            #expect(threshold.threshold == 0.8)
            #expect(threshold.direction == "rising")
            #expect(threshold.scope == "tenant:acme")

            // The same events, awaited and listed straight from the server's log.
            #expect(try await server.nextEvent(ofType: .reservationDenied, tenant: "acme").eventID == denied.eventID)
            #expect(try await server.nextEvent(ofType: .budgetThresholdCrossed).eventID == crossed.eventID)
            #expect(try await server.events(ofType: .reservationDenied).map(\.eventID) == [denied.eventID])
            #expect(try await server.events(ofType: .reservationDenied, tenant: "other").isEmpty)

            let deliveries = receiver.deliveries
            #expect(deliveries.count == 2)
            for delivery in deliveries {
                #expect(delivery.signatureValid == true)
                #expect(delivery.verifiesSignature(secret: "whsec_user"))
                #expect(!delivery.verifiesSignature(secret: "whsec_other"))
                #expect(delivery.eventID == delivery.event?.eventID)
                #expect(delivery.eventType == delivery.event?.eventType)
                #expect(delivery.header("content-type") == "application/json")
                #expect(delivery.deliveryID?.hasPrefix("whdel_") == true)
                #expect(delivery.path == "/hook")
                #expect(delivery.subscription == nil)
            }

            // The server's delivery records: both settled as SUCCESS at the first attempt.
            let id = created.subscription.subscriptionID
            let first = try await server.nextDelivery(subscriptionID: id)
            let second = try await server.nextDelivery(subscriptionID: id)
            #expect(Set([first.eventID, second.eventID]) == Set([denied.eventID, crossed.eventID]))
            #expect([first.status, second.status] == ["SUCCESS", "SUCCESS"])
            #expect(first.attempts == 1)
            #expect(try await server.deliveries(subscriptionID: id).count == 2)
        }
    }

    @Test("A subscription signing with another secret: the delivery is recorded with signatureValid false and nextEvent throws SignatureMismatch")
    func wrongSecretIsVisible() async throws {
        try await Self.withServerAndReceiver(secret: "whsec_expected") { server, receiver in
            try await server.subscribeWebhook(
                to: receiver, eventTypes: [.reservationDenied], path: "billing", signingSecret: "whsec_actual")
            try await Self.deny(server)
            await #expect(throws: CyclesWebhookReceiver.SignatureMismatch.self) {
                try await receiver.nextEvent(ofType: .reservationDenied)
            }
            let delivery = try #require(receiver.deliveries.first)
            #expect(delivery.signatureValid == false)
            #expect(delivery.verifiesSignature(secret: "whsec_actual"))
            #expect(delivery.path == "/hook/billing")
            #expect(delivery.subscription == "billing")
            #expect(delivery.accepted)
        }
    }

    @Test("Receiver down (503), then up: once the virtual clock passes the retry delay, every event arrives and is recorded SUCCESS after two attempts")
    func downThenUp() async throws {
        try await Self.withServerAndReceiver { server, receiver in
            try await server.freezeClock()  // retries wait for the virtual clock, not for real time
            receiver.answer(503)
            let id = try await server.subscribeWebhook(to: receiver, eventTypes: [.reservationDenied])
                .subscription.subscriptionID
            try await Self.deny(server)
            try await Self.deny(server)
            let events = try await server.events(ofType: .reservationDenied).map(\.eventID)
            #expect(events.count == 2)
            // Both first attempts were refused and wait for their retry (default policy: 1 s later).
            for _ in events {
                let retrying = try await server.nextDelivery(subscriptionID: id) { $0.status == "RETRYING" }
                #expect(retrying.attempts == 1)
                #expect(retrying.responseStatus == 503)
            }
            #expect(receiver.deliveries.allSatisfy { !$0.accepted })

            receiver.answer(200)
            try await server.advanceClock(by: .seconds(2))
            var arrived: Set<String> = []
            for _ in events { arrived.insert(try await receiver.nextEvent(ofType: .reservationDenied).eventID) }
            #expect(arrived == Set(events))
            for _ in events {
                let settled = try await server.nextDelivery(subscriptionID: id)
                #expect(settled.status == "SUCCESS")
                #expect(settled.attempts == 2)
            }
        }
    }

    @Test("answer(_:then:) scripts failures then success: one delivery is retried on the policy's schedule, and each of its states can be awaited")
    func scriptedFailures() async throws {
        try await Self.withServerAndReceiver { server, receiver in
            try await server.freezeClock()
            receiver.answer([503, 500], then: 200)
            let id = try await server.subscribeWebhook(to: receiver, eventTypes: [.reservationDenied])
                .subscription.subscriptionID
            try await Self.deny(server)
            let once = try await server.nextDelivery(subscriptionID: id) { $0.status == "RETRYING" }
            #expect(once.attempts == 1)
            try await server.advanceClock(by: .seconds(1))  // initial_delay_ms 1000
            let twice = try await server.nextDelivery(subscriptionID: id) { $0.status == "RETRYING" }
            #expect(twice.attempts == 2)
            #expect(twice.deliveryID == once.deliveryID)
            #expect(twice.responseStatus == 500)
            try await server.advanceClock(by: .seconds(2))  // × backoff_multiplier 2
            let done = try await server.nextDelivery(subscriptionID: id)
            #expect(done.status == "SUCCESS")
            #expect(done.attempts == 3)
            #expect(receiver.deliveries.map(\.responseStatus) == [503, 500, 200])
            #expect(Set(receiver.deliveries.compactMap(\.deliveryID)) == [done.deliveryID])
            #expect(try await receiver.nextEvent(ofType: .reservationDenied).eventID == done.eventID)
        }
    }

    @Test("A wait that finds nothing throws CyclesWaitTimeout saying what it awaited and what there was instead")
    func timeoutsAreClear() async throws {
        try await Self.withServerAndReceiver { server, receiver in
            let quiet = await #expect(throws: CyclesWaitTimeout.self) {
                try await receiver.nextDelivery(timeout: .milliseconds(100))
            }
            #expect(quiet?.description.contains("CyclesWebhookReceiver.nextDelivery") == true)
            #expect(quiet?.description.contains("no request reached \(receiver.url)") == true, "\(String(describing: quiet))")

            try await server.subscribeWebhook(to: receiver, eventTypes: [.reservationDenied])
            try await Self.deny(server)
            _ = try await receiver.nextEvent(ofType: .reservationDenied)
            let consumed = await #expect(throws: CyclesWaitTimeout.self) {
                try await receiver.nextEvent(ofType: .reservationDenied, timeout: .milliseconds(100))
            }
            #expect(consumed?.description.contains("nextEvent(ofType: reservation.denied)") == true)
            #expect(consumed?.description.contains("1 received, 1 already returned") == true, "\(String(describing: consumed))")

            _ = try await server.nextEvent(ofType: .reservationDenied)
            let serverSide = await #expect(throws: CyclesWaitTimeout.self) {
                try await server.nextEvent(ofType: .reservationDenied, timeout: .milliseconds(100))
            }
            #expect(serverSide?.description.contains("all returned by earlier nextEvent calls") == true)
            let never = await #expect(throws: CyclesWaitTimeout.self) {
                try await server.nextEvent(ofType: .budgetExhausted, tenant: "acme", timeout: .milliseconds(100))
            }
            #expect(never?.description == "CyclesTestServer.nextEvent(ofType: budget.exhausted, tenant: acme) timed out after 0.1 seconds: no event of that type in the log")
        }
    }

    @Test("A wait started before the event is caused returns when it commits; without a secret the server's generated one verifies and signatureValid is nil")
    func waitBeforeCause() async throws {
        try await Self.withServerAndReceiver(secret: nil) { server, receiver in
            let created = try await server.subscribeWebhook(to: receiver, eventTypes: [.reservationDenied])
            let generated = try #require(created.signingSecret)
            async let fromServer = server.nextEvent(ofType: .reservationDenied)
            async let fromReceiver = receiver.nextEvent(ofType: .reservationDenied)
            try await Self.deny(server)
            #expect(try await fromServer.eventID == fromReceiver.eventID)
            let delivery = try #require(receiver.deliveries.first)
            #expect(delivery.signatureValid == nil)
            #expect(delivery.verifiesSignature(secret: generated))
        }
    }

    @Test("Cancelling a wait ends it at once with CancellationError")
    func cancelledWait() async throws {
        try await Self.withServerAndReceiver { server, receiver in
            let receiving = Task { try await receiver.nextDelivery(timeout: .seconds(600)) }
            let awaitingEvent = Task { try await server.nextEvent(ofType: .budgetExhausted, timeout: .seconds(600)) }
            receiving.cancel()
            awaitingEvent.cancel()
            await #expect(throws: CancellationError.self) { try await receiving.value }
            await #expect(throws: CancellationError.self) { try await awaitingEvent.value }
        }
    }
}
