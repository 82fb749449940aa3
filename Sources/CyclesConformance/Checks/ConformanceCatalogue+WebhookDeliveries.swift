import CyclesProtocol
import CyclesTesting
import Foundation

/// Webhook deliveries received for real: the kit hosts a loopback receiver (`CyclesWebhookReceiver`), subscribes it to
/// a fixture tenant's `reservation.denied` events and provokes one with a DENY dry run. What is judged is normative:
/// the `WebhookDelivery` envelope and signature header rules, the outbound trace headers of the correlation contract,
/// retry semantics (`WebhookRetryPolicy`), the delivery listings and replay. A target that cannot reach the kit's
/// loopback address, or refuses a plain-HTTP loopback URL (the spec's default URL rules do), skips with that reason.
extension ConformanceCatalogue {
    static let webhookDeliveries: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-HOOK-004", .must, .webhooks,
            "A delivery is the Event as JSON with Content-Type application/json, X-Cycles-Event-Id and X-Cycles-Event-Type naming it, X-Cycles-Signature sha256=HMAC-SHA256 of the raw body that verifies with the subscription's secret and not with another, X-Cycles-Trace-Id of the causing request and a traceparent with that trace id, a fresh span id and the inbound trace flags (01 without an inbound traceparent); the delivery listings record it",
            spec: "WebhookDelivery envelope and signature header rules (normative); WEBHOOK EVENT GUIDANCE required headers; CORRELATION AND TRACING outbound deliveries",
            requires: [.fixtures, .adminKey, .adminAPI]
        ) { context in
            let tenant = try await context.fixture().tenant
            try await withSubscribedReceiver(context, tenant) { receiver, subscription in
                // traceparent with flags 00 (not sampled): the delivery must keep them.
                let viaTraceparent = context.traced(
                    context.request(
                        "POST", "/v1/reservations", tenant,
                        json: context.reserveBody(tenant, estimate: beyondBudget, extra: ["dry_run": true])),
                    flags: "00")
                try context.expectStatus(try await context.send(viaTraceparent.request), 200, because: "a traced DENY dry run")
                let first = try await awaitDelivery(context, receiver, traceID: viaTraceparent.traceID)
                try judgeDelivery(
                    context, first, secret: subscription.secret, traceID: viaTraceparent.traceID,
                    inboundSpan: viaTraceparent.spanID, flags: "00")
                // X-Cycles-Trace-Id only: the trace id is kept, the flags default to 01.
                let viaHeader = try await context.deniedDryRun(tenant)
                let second = try await awaitDelivery(context, receiver, traceID: viaHeader.traceID)
                try judgeDelivery(
                    context, second, secret: subscription.secret, traceID: viaHeader.traceID, inboundSpan: nil, flags: "01")
                let eventID = first.eventID ?? ""
                let record = try await awaitDeliveryRecord(context, subscription.id, eventID: eventID) {
                    $0["status"]?.stringValue == "SUCCESS"
                }
                try context.expect(
                    record["trace_id"]?.stringValue == viaTraceparent.traceID
                        && (record["trace_flags"]?.stringValue).map { $0 == "00" } ?? true,
                    "the delivery record of \(eventID) is \(record)", expected: "trace_id of the causing request, trace_flags 00",
                    spec: "WebhookDelivery.trace_id, trace_flags")
                let reader = try await context.requireAPIKey(for: tenant.tenantID, ["webhooks:read"])
                let tenantView = try await context.tenantDeliveries(apiKey: reader, subscription.id)
                try context.expectStatus(tenantView, 200, because: "the owner listing the deliveries")
                try context.expectShape(tenantView, WireShapes.webhookDeliveryListResponse)
                try context.expect(
                    (tenantView.json?["deliveries"]?.arrayValue ?? []).contains { $0["event_id"]?.stringValue == eventID },
                    "GET /v1/webhooks/{id}/deliveries does not list the delivery of \(eventID)",
                    expected: "the same delivery records as the admin listing", exchange: tenantView)
            }
        },
        ConformanceCheck(
            "SRV-HOOK-005", .must, .webhooks,
            "A delivery the receiver refuses is retried on the subscription's WebhookRetryPolicy (next_retry_at = attempt + initial_delay_ms, then × backoff_multiplier capped at max_delay_ms), is FAILED after max_retries retries with no further attempt, and system.webhook_delivery_failed is emitted",
            spec: "WebhookRetryPolicy; WebhookSubscription FAILURE HANDLING; WebhookDelivery.status, attempts, next_retry_at (normative)",
            requires: [.fixtures, .adminKey, .adminAPI, .clock], runsAlone: true
        ) { context in
            let tenant = try await context.fixture().tenant
            // Moving the dispatcher's clock moves every pending retry of the server: the check runs alone.
            let clock = try await context.provisioner.clock(for: Fixture(namespace: dispatcherClockNamespace, tenants: []))
            let policy: [String: JSONValue] = [
                "max_retries": .integer(2), "initial_delay_ms": .integer(60_000), "backoff_multiplier": .double(2),
                "max_delay_ms": .integer(100_000),
            ]
            try await withSubscribedReceiver(context, tenant, extra: ["retry_policy": .object(policy)]) { receiver, subscription in
                receiver.answer(500)
                let denial = try await context.deniedDryRun(tenant)
                // Judged through the delivery records, not through what reached the receiver: an attempt that failed
                // in transport (a stale pooled connection, say) is still an attempt on the schedule.
                let eventID = try await context.awaitEvents(
                    of: tenant.tenantID, type: .reservationDenied, traceID: denial.traceID
                ).first?["event_id"]?.stringValue ?? ""
                for (attempt, delay) in [(1, Int64(60_000)), (2, 100_000)] {
                    let record = try await awaitDeliveryRecord(context, subscription.id, eventID: eventID) {
                        $0["attempts"]?.integerValue == Int64(attempt) && $0["status"]?.stringValue == "RETRYING"
                    }
                    let attempted = record["attempted_at"]?.stringValue.flatMap(CheckContext.instant)
                    let next = record["next_retry_at"]?.stringValue.flatMap(CheckContext.instant)
                    try context.expect(
                        attempted != nil && next != nil && abs(next! - attempted! - delay) <= 1_000,
                        "after attempt \(attempt) the record reads attempted_at \(record["attempted_at"] ?? .null), "
                            + "next_retry_at \(record["next_retry_at"] ?? .null)",
                        expected: "next_retry_at = attempted_at + \(delay) ms", spec: "WebhookRetryPolicy schedule")
                    _ = try await clock.advance(byMs: delay)
                }
                let failed = try await awaitDeliveryRecord(context, subscription.id, eventID: eventID) {
                    ($0["attempts"]?.integerValue ?? 0) > 2 || $0["status"]?.stringValue == "FAILED"
                }
                try context.expect(
                    failed["status"]?.stringValue == "FAILED" && failed["attempts"]?.integerValue == 3
                        && failed["next_retry_at"] == nil,
                    "after max_retries (2) the record reads \(failed)", expected: "status FAILED, attempts 3, no next_retry_at",
                    spec: "WebhookDelivery FAILED: all retries exhausted")
                let received = receiver.deliveries.filter { $0.eventID == eventID }
                try context.expect(
                    (1...3).contains(received.count), "the receiver got \(received.count) attempts of \(eventID)",
                    expected: "at most 1 + max_retries = 3", spec: "WebhookRetryPolicy.max_retries")
                try context.expect(
                    received.allSatisfy { $0.verifiesSignature(secret: subscription.secret) },
                    "an attempt's X-Cycles-Signature does not verify", expected: "every attempt signed",
                    spec: "signature header rules")
                _ = try await context.awaitAdminEvents(
                    of: ProtocolEvent.systemTenant, "event_type=system.webhook_delivery_failed",
                    waitingFor: "system.webhook_delivery_failed naming the failed delivery of \(eventID)"
                ) { events in events.contains { JSONText.encode($0).contains(eventID) } }
            }
        },
        ConformanceCheck(
            "SRV-HOOK-006", .must, .webhooks,
            "POST /v1/admin/webhooks/{id}/replay over a delivered event's window answers 202 with events_queued 1 and delivers the same event again as a new delivery, signed, and the admin listing records both deliveries",
            spec: "replayEvents (normative): each replayed event is a new WebhookDelivery",
            requires: [.fixtures, .adminKey, .adminAPI]
        ) { context in
            let tenant = try await context.fixture().tenant
            try await withSubscribedReceiver(context, tenant) { receiver, subscription in
                let denial = try await context.deniedDryRun(tenant)
                let original = try await awaitDelivery(context, receiver, traceID: denial.traceID)
                let eventID = original.eventID ?? ""
                _ = try await awaitDeliveryRecord(context, subscription.id, eventID: eventID) {
                    $0["status"]?.stringValue == "SUCCESS"
                }
                let timestamp = original.event?.timestamp ?? ""
                let replay = try await context.send(
                    try context.adminRequest(
                        "POST", "/v1/admin/webhooks/\(subscription.id)/replay",
                        json: [
                            "from": .string(timestamp), "to": .string(timestamp), "event_types": ["reservation.denied"],
                            "max_events": 10,
                        ]))
                try context.expectStatus(replay, 202, spec: "replayEvents 202", because: "replaying the delivered event")
                try context.expect(
                    replay.json?["events_queued"]?.integerValue == 1, "\(replay.summary): \(replay.body.prefix(300))",
                    expected: "events_queued 1 (the one event in the window)", spec: "replayEvents 202", exchange: replay)
                let again = try await receiver.nextDelivery(timeout: CheckContext.eventArrivalTimeout) {
                    $0.eventID == eventID
                }
                let sameEvent =
                    JSONText.decode(String(decoding: again.body, as: UTF8.self))
                    == JSONText.decode(String(decoding: original.body, as: UTF8.self))
                try context.expect(
                    again.verifiesSignature(secret: subscription.secret) && sameEvent,
                    "the replayed delivery of \(eventID) is not the same signed event",
                    expected: "the stored event, signed with the subscription's secret", spec: "replayEvents")
                let records = try await awaitDeliveryRecords(context, subscription.id, eventID: eventID) { $0.count >= 2 }
                let ids = Set(records.compactMap { $0["delivery_id"]?.stringValue })
                try context.expect(
                    ids.count == records.count, "the replay reused a delivery id: \(records)",
                    expected: "a new WebhookDelivery per replayed event", spec: "replayEvents")
            }
        },
    ]

    /// The namespace whose clock our server's dispatcher schedules retries by (the server's default namespace, which
    /// `cycles serve --mock` lets `/__cycles/clock` move). Advancing it moves every pending retry.
    static let dispatcherClockNamespace = "default"

    /// A subscription of `tenant` (admin create, `reservation.denied`) pointing at a fresh loopback receiver, with a
    /// signing secret of the kit's; runs `body` and then deletes the subscription and stops the receiver.
    static func withSubscribedReceiver(
        _ context: CheckContext, _ tenant: ProvisionedTenant, extra: [String: JSONValue] = [:],
        _ body: (CyclesWebhookReceiver, (id: String, secret: String)) async throws -> Void
    ) async throws {
        try requireLoopbackTarget(context)
        let receiver = try await CyclesWebhookReceiver.start()
        do {
            let secret = "whsec_conformance_" + RandomIdentifier.hex(byteCount: 16)
            let created = try await context.createAdminWebhook(
                tenantID: tenant.tenantID,
                context.webhookBody(url: receiver.url, types: [.reservationDenied], secret: secret, extra: extra))
            if created.status == 400 {
                throw CheckSkipped(
                    "the target refuses the kit's loopback receiver \(receiver.url) (\(created.errorCode ?? "400"): "
                        + "\(created.json?["message"]?.stringValue ?? "")); its webhook URL rules block plain HTTP or "
                        + "loopback, as the spec's defaults do. Run it in development mode (e.g. `cycles serve --mock`)")
            }
            let id = try context.createdSubscriptionID(created, "subscribing the kit's receiver")
            do {
                try await body(receiver, (id, secret))
            } catch {
                await context.deleteWebhook(id)
                throw error
            }
            await context.deleteWebhook(id)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    /// Skips unless the target listens on a loopback address: the kit's receiver listens on 127.0.0.1 only, which a
    /// server on another host cannot reach.
    static func requireLoopbackTarget(_ context: CheckContext) throws {
        let host = context.client.baseURL.split(separator: "/").dropFirst(1).first.map { authority in
            authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }.dropFirst()) : String(authority.split(separator: ":")[0])
        } ?? ""
        guard ["127.0.0.1", "localhost", "::1"].contains(host.lowercased()) || host.hasPrefix("127.") else {
            throw CheckSkipped(
                "the target \(context.client.baseURL) is not on this machine's loopback, so it cannot reach the kit's "
                    + "webhook receiver (127.0.0.1); run the kit on the server's host to judge deliveries")
        }
    }

    /// The next delivery of a `reservation.denied` event whose envelope carries `traceID`.
    static func awaitDelivery(_ context: CheckContext, _ receiver: CyclesWebhookReceiver, traceID: String) async throws
        -> CyclesWebhookReceiver.Delivery
    {
        do {
            return try await receiver.nextDelivery(timeout: CheckContext.eventArrivalTimeout) { delivery in
                delivery.event?.traceID == traceID
                    || JSONText.decode(String(decoding: delivery.body, as: UTF8.self))?["trace_id"]?.stringValue == traceID
            }
        } catch {
            throw CheckFailure(
                "no delivery of the reservation.denied with trace_id \(traceID) reached the receiver: \(error)",
                expected: "an HTTP POST to the subscription's URL", spec: "WEBHOOK EVENT GUIDANCE delivery protocol")
        }
    }

    /// Judges one delivery's body and headers (see SRV-HOOK-004's title).
    static func judgeDelivery(
        _ context: CheckContext, _ delivery: CyclesWebhookReceiver.Delivery, secret: String, traceID: String,
        inboundSpan: String?, flags: String
    ) throws {
        let text = String(decoding: delivery.body, as: UTF8.self)
        guard let body = JSONText.decode(text) else {
            throw CheckFailure("the delivery body is not JSON: \(text.prefix(300))", expected: "the Event as JSON")
        }
        try context.expectConformantEvents([body], "the delivered event")
        var wrong: [String] = []
        let mediaType = delivery.header("Content-Type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
        if mediaType?.lowercased() != "application/json" { wrong.append("Content-Type \(delivery.header("Content-Type") ?? "absent")") }
        if delivery.header(CyclesHeader.webhookEventID) != body["event_id"]?.stringValue {
            wrong.append("X-Cycles-Event-Id \(delivery.header(CyclesHeader.webhookEventID) ?? "absent") for event \(body["event_id"] ?? .null)")
        }
        if delivery.header(CyclesHeader.webhookEventType) != body["event_type"]?.stringValue {
            wrong.append("X-Cycles-Event-Type \(delivery.header(CyclesHeader.webhookEventType) ?? "absent")")
        }
        if body["trace_id"]?.stringValue != traceID { wrong.append("body trace_id \(body["trace_id"] ?? .null)") }
        if delivery.header(CyclesHeader.traceID) != traceID {
            wrong.append("X-Cycles-Trace-Id \(delivery.header(CyclesHeader.traceID) ?? "absent")")
        }
        let parts = (delivery.header(CyclesHeader.traceparent) ?? "").split(separator: "-").map(String.init)
        let spanIsFresh =
            parts.count == 4 && parts[2].count == 16 && parts[2] != inboundSpan && parts[2] != String(repeating: "0", count: 16)
        if parts.count != 4 || parts[0] != "00" || parts[1] != traceID || !spanIsFresh || parts[3] != flags {
            wrong.append(
                "traceparent \(delivery.header(CyclesHeader.traceparent) ?? "absent") (inbound span \(inboundSpan ?? "none"))")
        }
        if !(delivery.signature?.hasPrefix(CyclesHeader.webhookSignatureScheme) ?? false) || !delivery.verifiesSignature(secret: secret) {
            wrong.append("X-Cycles-Signature \(delivery.signature ?? "absent") does not verify with the secret")
        }
        if delivery.verifiesSignature(secret: secret + "-other") {
            wrong.append("X-Cycles-Signature also verifies with another secret")
        }
        try context.expect(
            wrong.isEmpty, "delivery of \(body["event_id"]?.stringValue ?? "?"): \(wrong.joined(separator: "; "))",
            expected: "the spec's delivery headers: 00-\(traceID)-<fresh span>-\(flags), sha256=<HMAC of the raw body>",
            spec: "WEBHOOK EVENT GUIDANCE required headers; signature header rules")
    }

    /// The admin listing's records of `eventID`'s deliveries to `subscriptionID`, read until `done` holds.
    static func awaitDeliveryRecords(
        _ context: CheckContext, _ subscriptionID: String, eventID: String, until done: ([JSONValue]) -> Bool
    ) async throws -> [JSONValue] {
        let deadline = ContinuousClock.now + CheckContext.eventArrivalTimeout
        while true {
            let page = try await context.adminDeliveries(subscriptionID, "limit=100")
            try context.expectStatus(page, 200, spec: "listWebhookDeliveries 200", because: "listing deliveries")
            try context.expectShape(page, WireShapes.webhookDeliveryListResponse)
            let records = (page.json?["deliveries"]?.arrayValue ?? []).filter { $0["event_id"]?.stringValue == eventID }
            if done(records) { return records }
            guard ContinuousClock.now < deadline else {
                throw CheckFailure(
                    "the deliveries of \(eventID) never reached the expected state: \(records)",
                    expected: "WebhookDelivery records of the attempts", spec: "listWebhookDeliveries", exchange: page)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The one delivery record of `eventID`, read until `done` holds for it.
    static func awaitDeliveryRecord(
        _ context: CheckContext, _ subscriptionID: String, eventID: String, until done: @escaping (JSONValue) -> Bool
    ) async throws -> JSONValue {
        let records = try await awaitDeliveryRecords(context, subscriptionID, eventID: eventID) { records in
            records.count == 1 && done(records[0])
        }
        return records[0]
    }
}
