import CyclesConformance
import CyclesProtocol
import Foundation

/// The event-stream and webhook defects of ``DefectiveProxy``: listings that leak or corrupt events, an event for a
/// rejected request, subscriptions that break the invariants, and deliveries that lose their trace headers or carry a
/// forged signature. Deliveries do not pass through the proxy on their own (the server posts straight to the
/// subscriber), so for the delivery defects the proxy points every subscription it creates at its own relay route,
/// which forwards each delivery to the real subscriber with the defect applied.
extension DefectiveProxy {
    /// The relay route: `POST /__relay?to=<percent-encoded subscriber URL>`.
    static let relayPath = "/__relay"

    /// Applies an event or webhook defect to a request before it is forwarded; returns an answer when the defect
    /// answers by itself.
    static func eventDefectRequest(
        _ request: inout WireRequest, defect: Defect, upstream: WireClient, memory: ProxyMemory
    ) async throws -> WireExchange? {
        let path = String(request.path.split(separator: "?", maxSplits: 1).first ?? "")
        let isCreate = request.method == "POST" && (path == "/v1/admin/webhooks" || path == "/v1/webhooks")
        let body = request.body.flatMap(JSONText.decode)
        switch defect {
        case .acceptsAdminOnlyTenantSubscriptions where isCreate && body.map(carriesAdminOnlySelectors) == true:
            // The bug: the owner is dropped, so the server stores the subscription (as __system__) and answers 201.
            return try await upstream.send(
                .json("POST", "/v1/admin/webhooks", body ?? [:], headers: [WireHeader(CyclesHeader.adminAPIKey, ConformanceHarness.adminKey)]))
        case .acceptsSelectorlessSubscriptions where isCreate:
            guard case .object(var members)? = body, (members["event_types"]?.arrayValue ?? []).isEmpty,
                (members["event_categories"]?.arrayValue ?? []).isEmpty
            else { return nil }
            // The bug: an empty selection is stored as "whatever the server picks" instead of being refused.
            members["event_types"] = ["reservation.denied"]
            request.body = JSONText.encode(.object(members))
        case .leaksTenantDeliveries where request.method == "GET" && path.hasPrefix("/v1/webhooks/")
            && path.hasSuffix("/deliveries"):
            request = request.removing(CyclesHeader.apiKey).adding(CyclesHeader.adminAPIKey, ConformanceHarness.adminKey)
        case .replaysNothing where request.method == "POST" && path.hasSuffix("/replay"):
            guard case .object(var members)? = body else { return nil }
            // The bug: the window is lost on the way to the selection, which finds nothing.
            members["from"] = "1970-01-01T00:00:00Z"
            members["to"] = "1970-01-01T00:00:01Z"
            request.body = JSONText.encode(.object(members))
        case .forgesWebhookSignatures, .deliveriesLoseTraceHeaders:
            guard isCreate, case .object(var members)? = body, let url = members["url"]?.stringValue else { return nil }
            let relay = await memory.baseURL + relayPath + "?to=" + PercentEncoding.encode(url)
            members["url"] = .string(relay)
            request.body = JSONText.encode(.object(members))
        default:
            break
        }
        return nil
    }

    /// Applies an event or webhook defect to an answer.
    static func eventDefectAnswer(
        _ answer: inout WireExchange, to request: WireRequest, defect: Defect, upstream: WireClient
    ) async throws {
        let path = String(request.path.split(separator: "?", maxSplits: 1).first ?? "")
        let isEventRead = request.method == "GET" && (path.hasPrefix("/v1/admin/events") || path == "/v1/events")
        switch defect {
        case .leaksOtherTenantsEvents where request.method == "GET" && path == "/v1/events" && answer.status == 200:
            // The bug: the tenant listing reads the whole stream, every tenant and category.
            let query = request.path.dropFirst(path.count)
            let everything = try await upstream.send(
                WireRequest(
                    method: "GET", path: "/v1/admin/events" + query,
                    headers: [WireHeader(CyclesHeader.adminAPIKey, ConformanceHarness.adminKey)]))
            answer.body = everything.body
        case .eventsLoseRequestID where isEventRead && answer.status == 200:
            answer.body = JSONText.encode(mapEvents(answer.json ?? .null) { event in
                var event = event
                event.removeValue(forKey: "request_id")
                return event
            })
        case .corruptsEventPayloads where isEventRead && answer.status == 200:
            answer.body = JSONText.encode(mapEvents(answer.json ?? .null) { event in
                guard event["event_type"]?.stringValue == "reservation.denied", case .object(var data)? = event["data"]
                else { return event }
                var event = event
                data["unit"] = "tokens"
                event["data"] = .object(data)
                return event
            })
        case .misreportsExpiredReservations where isEventRead && answer.status == 200:
            answer.body = JSONText.encode(mapEvents(answer.json ?? .null) { event in
                guard event["event_type"]?.stringValue == "reservation.expired", case .object(var data)? = event["data"]
                else { return event }
                var event = event
                data["estimated_amount"] = 0
                data["extensions_used"] = 0
                event["data"] = .object(data)
                return event
            })
        case .emitsEventsForRejectedRequests where request.method == "POST" && path == "/v1/reservations"
            && (400..<500).contains(answer.status):
            // The bug: the refused reserve still evaluates and emits reservation.denied under the request's trace.
            guard let body = request.body.flatMap(JSONText.decode), let subject = body["subject"] else { return }
            let evaluation: JSONValue = [
                "idempotency_key": .string(FixtureNaming.idempotencyKey("shadow")), "subject": subject,
                "action": body["action"] ?? ["kind": "llm.completion", "name": "shadow"],
                "estimate": ["unit": "TOKENS", "amount": 1_000_000_000_000], "dry_run": true,
            ]
            _ = try await upstream.send(.json("POST", "/v1/reservations", evaluation, headers: request.headers))
        case .misreportsRetrySchedule where request.method == "GET" && path.hasSuffix("/deliveries")
            && answer.status == 200:
            guard case .object(var page)? = answer.json, let rows = page["deliveries"]?.arrayValue else { return }
            // The bug: the retry is scheduled one second after the attempt, whatever the policy says.
            page["deliveries"] = .array(rows.map { row in
                guard case .object(var record) = row, record["next_retry_at"] != nil,
                    let attempted = record["attempted_at"]?.stringValue, let ms = CheckContext.instant(attempted)
                else { return row }
                record["next_retry_at"] = .string(
                    Date(timeIntervalSince1970: Double(ms + 1_000) / 1_000)
                        .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
                return .object(record)
            })
            answer.body = JSONText.encode(.object(page))
        case .misreportsFunding where request.method == "POST" && path == "/v1/admin/budgets/fund" && answer.status == 200:
            // The bug: RESET reports the new allocation as the new remaining (ignoring reserved, spent and debt).
            guard case .object(var funding)? = answer.json, funding["operation"]?.stringValue == "RESET",
                let allocated = funding["new_allocated"]
            else { return }
            funding["new_remaining"] = allocated
            answer.body = JSONText.encode(.object(funding))
        default:
            break
        }
    }

    /// Forwards one relayed delivery to the subscriber named in the relay URL, with the defect applied to its headers.
    static func relay(_ incoming: WireRequest, defect: Defect) async throws -> WireExchange {
        let query = incoming.path.split(separator: "?", maxSplits: 1).last.map(String.init) ?? ""
        let encoded = query.hasPrefix("to=") ? String(query.dropFirst(3)) : ""
        guard let target = encoded.removingPercentEncoding, let url = URL(string: target), let host = url.host,
            let port = url.port
        else {
            return WireExchange(
                baseURL: "", request: incoming, status: 400, headers: [], body: "{\"error\":\"bad relay target\"}",
                durationMs: 0)
        }
        var headers = incoming.headers.filter {
            !["host", "content-length", "connection", "transfer-encoding"].contains($0.name.lowercased())
        }
        switch defect {
        case .forgesWebhookSignatures:
            // The bug: the signature does not match the body (one hex digit differs, as a wrong key or a re-encoded
            // body would make it).
            guard let index = headers.firstIndex(where: { $0.name.lowercased() == CyclesHeader.webhookSignature.lowercased() }) else { break }
            var signature = Array(headers[index].value)
            if let last = signature.last { signature[signature.count - 1] = last == "0" ? "1" : "0" }
            headers[index].value = String(signature)
        case .deliveriesLoseTraceHeaders:
            headers = headers.filter {
                ![CyclesHeader.traceID.lowercased(), CyclesHeader.traceparent.lowercased()].contains($0.name.lowercased())
            }
        default:
            break
        }
        let subscriber = WireClient(baseURL: "\(url.scheme ?? "http")://\(host):\(port)")
        let answer: WireExchange
        do {
            answer = try await subscriber.send(
                WireRequest(method: "POST", path: url.path.isEmpty ? "/" : url.path, headers: headers, body: incoming.body))
        } catch {
            await subscriber.shutdown()
            throw error
        }
        await subscriber.shutdown()
        return answer
    }

    /// Whether a subscription body selects an admin-only event type or category.
    static func carriesAdminOnlySelectors(_ body: JSONValue) -> Bool {
        let types = (body["event_types"]?.arrayValue ?? []).compactMap(\.stringValue).map(EventType.init(rawValue:))
        let categories = (body["event_categories"]?.arrayValue ?? []).compactMap(\.stringValue)
            .map(EventCategory.init(rawValue:))
        return types.contains { !$0.isTenantAccessible } || categories.contains { !$0.isTenantAccessible }
    }

    /// `transform` applied to every event of an `EventListResponse` or to a single `Event`.
    static func mapEvents(_ body: JSONValue, _ transform: ([String: JSONValue]) -> [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = body else { return body }
        if let events = members["events"]?.arrayValue {
            members["events"] = .array(events.map { $0.objectValue.map { .object(transform($0)) } ?? $0 })
            return .object(members)
        }
        return members["event_id"] == nil ? body : .object(transform(members))
    }
}
