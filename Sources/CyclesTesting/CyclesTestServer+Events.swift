public import CyclesProtocol
import CyclesServer
import Synchronization

/// Events and webhook deliveries as a test awaits them: straight from the server's ledger (no HTTP), woken by the
/// ledger's commit signal rather than by polling.
extension CyclesTestServer {
    /// Every event of `type` in the server's event log, oldest first (append order); only `tenant`'s when given.
    public func events(ofType type: EventType, tenant: String? = nil) async throws -> [ProtocolEvent] {
        var events: [ProtocolEvent] = []
        var afterSeq: Int64 = 0
        while true {
            let page = try await server.ledger.eventLogEntries(afterSeq: afterSeq, type: type, tenantID: tenant)
            events += page.map(\.event)
            guard let last = page.last else { return events }
            afterSeq = last.seq
        }
    }

    /// The first event of `type` (of `tenant` when given) in the event log, oldest first, that no earlier
    /// `nextEvent` call on this server returned; waits for one to be committed, up to `timeout`.
    ///
    /// Events committed before the call count, so "cause it, then await it" never races.
    /// - Throws: ``CyclesWaitTimeout`` naming what was there instead.
    public func nextEvent(
        ofType type: EventType, tenant: String? = nil, timeout: Duration = .seconds(10)
    ) async throws -> ProtocolEvent {
        let ledger = server.ledger
        return try await awaitedRecords.next(
            changes: ledger.eventStreamChanges, timeout: timeout,
            awaited: "CyclesTestServer.nextEvent(ofType: \(type.rawValue)\(tenant.map { ", tenant: \($0)" } ?? ""))",
            candidates: { try await self.events(ofType: type, tenant: tenant) },
            key: { "event:" + $0.eventID },
            seen: { events in
                events.isEmpty
                    ? "no event of that type in the log"
                    : "\(events.count) event(s) of that type in the log, all returned by earlier nextEvent calls"
            })
    }

    /// Creates a webhook subscription that delivers to `receiver`: owned by `tenant` (default: the start seed's
    /// first tenant; `ProtocolEvent.systemTenant` for a system-wide one), selecting `eventTypes`, signed with
    /// `signingSecret` (default: the receiver's secret, so its checks pass; else the server generates one, answered
    /// in the result). `path` sends to ``CyclesWebhookReceiver/url(path:)`` so deliveries show which subscription
    /// they are for. The server runs with `--mock`, which allows the receiver's loopback HTTP URL.
    @discardableResult
    public func subscribeWebhook(
        to receiver: CyclesWebhookReceiver, eventTypes: [EventType], eventCategories: [EventCategory]? = nil,
        tenant: String? = nil, path: String? = nil, signingSecret: String? = nil,
        retryPolicy: WebhookRetryPolicy? = nil
    ) async throws -> WebhookCreateResponse {
        let request = WebhookCreateRequest(
            url: path.map(receiver.url(path:)) ?? receiver.url, eventTypes: eventTypes,
            eventCategories: eventCategories, signingSecret: signingSecret ?? receiver.secret,
            retryPolicy: retryPolicy)
        return try await server.ledger.createWebhook(
            request, tenantID: tenant ?? startSeed.tenants.first?.tenantID, caller: .admin)
    }

    /// Every delivery record (the spec's `WebhookDelivery`) of a subscription, oldest first.
    public func deliveries(subscriptionID: String) async throws -> [WebhookDelivery] {
        try await server.ledger.deliveryRecords(subscriptionID: subscriptionID)
    }

    /// The first delivery record of the subscription, oldest first, that matches `predicate` (default: settled,
    /// `SUCCESS` or `FAILED`) in a state (status and attempt count) no earlier `nextDelivery` call returned; waits
    /// for one up to `timeout`. A record is returned again once it changes, so a test can await the same delivery
    /// as `RETRYING` and later as `SUCCESS`.
    /// - Throws: ``CyclesWaitTimeout`` listing the records there were.
    public func nextDelivery(
        subscriptionID: String, timeout: Duration = .seconds(10),
        where predicate: @escaping @Sendable (WebhookDelivery) -> Bool = { ["SUCCESS", "FAILED"].contains($0.status) }
    ) async throws -> WebhookDelivery {
        try await awaitedRecords.next(
            changes: server.ledger.eventStreamChanges, timeout: timeout,
            awaited: "CyclesTestServer.nextDelivery(subscriptionID: \(subscriptionID))",
            candidates: { try await self.deliveries(subscriptionID: subscriptionID).filter(predicate) },
            key: { "delivery:\($0.deliveryID):\($0.status):\($0.attempts ?? 0)" },
            seen: { matching in
                let all = (try? await self.deliveries(subscriptionID: subscriptionID)) ?? []
                let states = all.suffix(5).map { "\($0.deliveryID) \($0.status) after \($0.attempts ?? 0) attempt(s)" }
                return "\(all.count) record(s), \(matching.count) matching and already returned"
                    + (states.isEmpty ? "" : "; latest: " + states.joined(separator: "; "))
            })
    }
}

/// The keys of what a server's waits already returned, so each wait returns something new.
final class AwaitedRecords: Sendable {
    private let returned = Mutex<Set<String>>([])

    /// Claims the first candidate whose key was not returned yet; else waits for the next ledger change and looks
    /// again, until `timeout`.
    func next<Record: Sendable>(
        changes: ChangeSignal, timeout: Duration, awaited: String,
        candidates: @Sendable () async throws -> [Record], key: (Record) -> String,
        seen: ([Record]) async -> String
    ) async throws -> Record {
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            let generation = changes.generation
            let records = try await candidates()
            let claimed = returned.withLock { returned in
                records.first { returned.insert(key($0)).inserted }
            }
            if let claimed { return claimed }
            guard await changes.wait(after: generation, until: deadline) else {
                throw CyclesWaitTimeout(awaited: awaited, timeout: timeout, seen: await seen(records))
            }
        }
    }
}
