import CyclesConformance
import Foundation
import CyclesProtocol
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A deliberately broken server: an HTTP proxy in front of our reference server that injects one defect, so the
/// tests can prove the kit catches it with the right check IDs.
final class DefectiveProxy: Sendable {
    /// The bug the proxy adds.
    enum Defect: String, Sendable, CaseIterable {
        /// Forwards everything untouched (proves the proxy itself is transparent).
        case none
        /// A replayed commit answers with the original body but charges the budget again (a shadow reservation
        /// with the same subject and estimate is created and committed behind the client's back).
        case rechargesReplayedCommit
        /// A live reserve refused with 409 BUDGET_EXCEEDED is answered 200 ALLOW: the stampede oversubscribes.
        case oversubscribes
        /// Responses lose their `X-Cycles-Trace-Id` header.
        case dropsTraceHeader
        /// The old overdraft rule (only the unfunded part of the delta counted against the limit): a commit refused
        /// with 409 OVERDRAFT_LIMIT_EXCEEDED is answered 200 as if it had been charged.
        case overdraftDeficitModel
        /// String limits counted in grapheme clusters: a key or `action.kind` within its limit in graphemes but over
        /// it in code points is cut to the limit before it reaches the server, so the request is accepted.
        case countsGraphemes
        /// Offset cursors: sorted `GET /v1/reservations` pages are slices of the current result at an offset, so
        /// rows repeat or are skipped when the data changes between pages.
        case offsetCursor
        /// Lenient query values: empty values are dropped, epoch-ms date-time bounds are converted to RFC 3339, and
        /// `+` is passed on as a literal plus (not a space).
        case lenientQueryValues
        /// An oversize body answers 400 instead of 413; a too-deep body says "not valid JSON".
        case oversizeAndDepthAs400
        /// Error answers are sent as `text/plain` (the JSON body unchanged).
        case textPlainErrors
        /// Tenant-key introspection claims the admin-plane capabilities `view_tenants` and `manage_api_keys`.
        case tenantIntrospectionElevated
        /// Admin routes trust a tenant key as if it were the operator key (the proxy adds the admin key).
        case adminPlaneTrustsTenantKeys
        /// A live reserve refused because the tenant is suspended is answered 200 ALLOW.
        case admitsSuspendedTenants
        /// Admin-plane and auth errors lose their `X-Request-Id` header.
        case adminErrorsWithoutRequestID
        /// `RESET` funding answers report the new allocation as the new remaining (reserved, spent and debt ignored).
        case misreportsFunding
        /// `GET /v1/events` answers the whole event stream: every tenant's events, admin-only categories included.
        case leaksOtherTenantsEvents
        /// Listed events lose their `request_id`.
        case eventsLoseRequestID
        /// Listed `reservation.denied` events carry `data.unit` in lowercase (outside `UnitEnum`).
        case corruptsEventPayloads
        /// A reserve refused with a 4xx still emits `reservation.denied` under the request's trace id.
        case emitsEventsForRejectedRequests
        /// Listed `reservation.expired` events report an estimate of 0 and no extensions (what was committed, not
        /// what was held).
        case misreportsExpiredReservations
        /// A tenant-owned subscription with admin-only types or categories is stored (as `__system__`) and answered 201.
        case acceptsAdminOnlyTenantSubscriptions
        /// A subscription created with no event types and no categories is stored with `reservation.denied`.
        case acceptsSelectorlessSubscriptions
        /// `GET /v1/webhooks/{id}/deliveries` answers any tenant key as if it were the operator key.
        case leaksTenantDeliveries
        /// Replay selects nothing (the window is lost) and answers 202 with `events_queued` 0.
        case replaysNothing
        /// Delivery listings report `next_retry_at` one second after the attempt, whatever the retry policy says.
        case misreportsRetrySchedule
        /// Deliveries carry an `X-Cycles-Signature` that does not match their body.
        case forgesWebhookSignatures
        /// Deliveries lose `X-Cycles-Trace-Id` and `traceparent`.
        case deliveriesLoseTraceHeaders
    }

    let baseURL: String
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let upstream: WireClient

    private init(baseURL: String, serviceGroup: ServiceGroup, runTask: Task<Void, any Error>, upstream: WireClient) {
        self.baseURL = baseURL
        self.serviceGroup = serviceGroup
        self.runTask = runTask
        self.upstream = upstream
    }

    /// Starts the proxy on an ephemeral port in front of `upstreamURL`.
    static func start(upstreamURL: String, defect: Defect) async throws -> DefectiveProxy {
        let upstream = WireClient(baseURL: upstreamURL)
        let memory = ProxyMemory()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let body = try await request.body.collect(upTo: 8 << 20)
            var headers: [WireHeader] = []
            for field in request.headers { headers.append(WireHeader(field.name.rawName, field.value)) }
            let wire = WireRequest(
                method: request.method.rawValue, path: request.uri.description, headers: headers,
                body: body.readableBytes > 0 ? String(buffer: body) : nil)
            let answer =
                wire.path.hasPrefix(Self.relayPath + "?")
                ? try await Self.relay(wire, defect: defect)
                : try await Self.handle(wire, defect: defect, upstream: upstream, memory: memory)
            var fields = HTTPFields()
            for header in answer.headers {
                let name = header.name.lowercased()
                guard !["content-length", "transfer-encoding", "connection"].contains(name),
                    let fieldName = HTTPField.Name(header.name)
                else { continue }
                if defect == .dropsTraceHeader, name == CyclesHeader.traceID.lowercased() { continue }
                if defect == .adminErrorsWithoutRequestID, name == CyclesHeader.requestID.lowercased(),
                    answer.status >= 400, wire.path.hasPrefix("/v1/admin/") || wire.path.hasPrefix("/v1/auth/")
                { continue }
                if defect == .textPlainErrors, name == "content-type", answer.status >= 400 {
                    fields.append(HTTPField(name: fieldName, value: "text/plain; charset=utf-8"))
                    continue
                }
                fields.append(HTTPField(name: fieldName, value: header.value))
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "defective-proxy")
        logger.logLevel = .error
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? -1)
                continuation.finish()
            },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            defer { continuation.finish() }
            try await serviceGroup.run()
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? -1
        await memory.setBaseURL("http://127.0.0.1:\(port)")
        return DefectiveProxy(
            baseURL: "http://127.0.0.1:\(port)", serviceGroup: serviceGroup, runTask: runTask, upstream: upstream)
    }

    /// Stops the proxy gracefully.
    func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = await runTask.result
        await upstream.shutdown()
    }

    private static func handle(
        _ incoming: WireRequest, defect: Defect, upstream: WireClient, memory: ProxyMemory
    ) async throws -> WireExchange {
        var request = incoming
        switch defect {
        case .countsGraphemes: request.body = request.body.map(cutToGraphemeLimits)
        case .lenientQueryValues: request.path = lenientQuery(request.path)
        case .adminPlaneTrustsTenantKeys where request.path.hasPrefix("/v1/admin/")
            && request.header(CyclesHeader.adminAPIKey) == nil && request.header(CyclesHeader.apiKey) != nil:
            request = request.adding(CyclesHeader.adminAPIKey, ConformanceHarness.adminKey)
        case .offsetCursor where request.method == "GET" && request.path.hasPrefix("/v1/reservations?")
            && request.path.contains("sort_by="):
            return try await offsetPage(request, upstream: upstream)
        default: break
        }
        if let answer = try await eventDefectRequest(&request, defect: defect, upstream: upstream, memory: memory) {
            return answer
        }
        let isReserve = request.method == "POST" && request.path == "/v1/reservations"
        let isCommit = request.method == "POST" && request.path.hasSuffix("/commit")
        let body = request.body.flatMap(JSONText.decode)
        if defect == .rechargesReplayedCommit, isCommit, let key = body?["idempotency_key"]?.stringValue {
            let reservationID = request.path.split(separator: "/").dropLast().last.map(String.init) ?? ""
            if let original = await memory.commit(reservationID, key),
                let create = await memory.createBody(reservationID), case .object(var shadow) = create
            {
                // The bug: the replay is answered from cache, but the amount is charged again.
                shadow["idempotency_key"] = .string(FixtureNaming.idempotencyKey("shadow"))
                let reserved = try await upstream.send(
                    WireRequest.json("POST", "/v1/reservations", .object(shadow), headers: apiKeyHeader(request)))
                if let shadowID = reserved.json?["reservation_id"]?.stringValue, case .object(var commit)? = body {
                    commit["idempotency_key"] = .string(FixtureNaming.idempotencyKey("shadow"))
                    _ = try await upstream.send(
                        WireRequest.json(
                            "POST", "/v1/reservations/\(shadowID)/commit", .object(commit), headers: apiKeyHeader(request)))
                }
                return original
            }
            let answer = try await upstream.send(request)
            if answer.status == 200 { await memory.rememberCommit(reservationID, key, answer) }
            return answer
        }
        var answer = try await upstream.send(request)
        if isReserve, answer.status == 200, let id = answer.json?["reservation_id"]?.stringValue, let body {
            await memory.rememberCreate(id, body)
        }
        if defect == .overdraftDeficitModel, isCommit, answer.status == 409,
            answer.errorCode == "OVERDRAFT_LIMIT_EXCEEDED", let actual = body?["actual"]
        {
            answer.status = 200
            answer.body = JSONText.encode(["status": "COMMITTED", "charged": actual])
        }
        if defect == .oversizeAndDepthAs400, answer.status == 413 { answer.status = 400 }
        if defect == .oversizeAndDepthAs400, answer.status == 400, case .object(var error)? = answer.json,
            error["message"]?.stringValue?.contains("deeper") == true
        {
            error["message"] = "request body is not valid JSON"
            answer.body = JSONText.encode(.object(error))
        }
        if defect == .tenantIntrospectionElevated, request.path == "/v1/auth/introspect", answer.status == 200,
            request.header(CyclesHeader.adminAPIKey) == nil, case .object(var introspection)? = answer.json,
            case .object(var capabilities)? = introspection["capabilities"]
        {
            capabilities["view_tenants"] = true
            capabilities["manage_api_keys"] = true
            introspection["capabilities"] = .object(capabilities)
            answer.body = JSONText.encode(.object(introspection))
        }
        if defect == .admitsSuspendedTenants, isReserve, answer.status == 403,
            answer.json?["message"]?.stringValue?.contains("suspended") == true
        {
            let fake: JSONValue = [
                "decision": "ALLOW", "reservation_id": .string("fake-" + RandomIdentifier.hex(byteCount: 6)),
                "reserved": body?["estimate"] ?? .null, "expires_at_ms": 0, "affected_scopes": [],
            ]
            answer.status = 200
            answer.body = JSONText.encode(fake)
        }
        if defect == .oversubscribes, isReserve, answer.status == 409, answer.errorCode == "BUDGET_EXCEEDED" {
            let fake: JSONValue = [
                "decision": "ALLOW", "reservation_id": .string("fake-" + RandomIdentifier.hex(byteCount: 6)),
                "reserved": body?["estimate"] ?? .null, "expires_at_ms": 0, "affected_scopes": [],
            ]
            answer.status = 200
            answer.body = JSONText.encode(fake)
        }
        try await eventDefectAnswer(&answer, to: request, defect: defect, upstream: upstream)
        return answer
    }

    /// Cuts `idempotency_key` and `action.kind` to their limits counted in grapheme clusters (256, 64).
    private static func cutToGraphemeLimits(_ text: String) -> String {
        guard case .object(var body)? = JSONText.decode(text) else { return text }
        func cut(_ value: String, _ limit: Int) -> String {
            value.count <= limit && value.unicodeScalars.count > limit
                ? String(String.UnicodeScalarView(value.unicodeScalars.prefix(limit))) : value
        }
        if let key = body["idempotency_key"]?.stringValue { body["idempotency_key"] = .string(cut(key, 256)) }
        if case .object(var action)? = body["action"], let kind = action["kind"]?.stringValue {
            action["kind"] = .string(cut(kind, 64))
            body["action"] = .object(action)
        }
        return JSONText.encode(.object(body))
    }

    /// Drops empty query values, turns epoch-ms bounds into RFC 3339 and keeps `+` literal (as `%2B`).
    private static func lenientQuery(_ path: String) -> String {
        let parts = path.split(separator: "?", maxSplits: 1)
        guard parts.count == 2 else { return path }
        let bounds: Set<Substring> = ["from", "to", "expires_from", "expires_to", "finalized_from", "finalized_to"]
        let kept = parts[1].split(separator: "&").compactMap { pair -> String? in
            let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard nameValue.count == 2, !nameValue[1].isEmpty else { return nil }
            if bounds.contains(nameValue[0]), let milliseconds = Int64(nameValue[1]) {
                let date = Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
                return "\(nameValue[0])=\(ISO8601DateFormatter().string(from: date))"
            }
            return "\(nameValue[0])=\(nameValue[1].replacingOccurrences(of: "+", with: "%2B"))"
        }
        return String(parts[0]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }

    /// Answers a list page the way an offset-cursor server does: the whole current result, sliced at the offset.
    private static func offsetPage(_ request: WireRequest, upstream: WireClient) async throws -> WireExchange {
        let parts = request.path.split(separator: "?", maxSplits: 1)
        var offset = 0
        var limit = 50
        var forwarded: [String] = ["limit=200"]
        for pair in parts[1].split(separator: "&") {
            let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            switch nameValue[0] {
            case "cursor": offset = Int(nameValue.last?.dropFirst("off-".count) ?? "") ?? 0
            case "limit": limit = Int(nameValue.last ?? "") ?? 50
            default: forwarded.append(String(pair))
            }
        }
        var answer = try await upstream.send(
            WireRequest(method: "GET", path: "/v1/reservations?" + forwarded.joined(separator: "&"), headers: request.headers))
        guard answer.status == 200, let rows = answer.json?["reservations"]?.arrayValue else { return answer }
        let page = Array(rows.dropFirst(offset).prefix(limit))
        let more = offset + page.count < rows.count
        var body: [String: JSONValue] = ["reservations": .array(page), "has_more": .bool(more)]
        if more { body["next_cursor"] = .string("off-\(offset + page.count)") }
        answer.body = JSONText.encode(.object(body))
        return answer
    }

    private static func apiKeyHeader(_ request: WireRequest) -> [WireHeader] {
        [WireHeader(CyclesHeader.apiKey, request.header(CyclesHeader.apiKey) ?? "")]
    }
}

/// What the proxy remembers between requests.
actor ProxyMemory {
    /// The proxy's own base URL (the relay's address), set once it listens.
    private(set) var baseURL = ""
    private var creates: [String: JSONValue] = [:]
    private var commits: [String: WireExchange] = [:]

    func setBaseURL(_ url: String) { baseURL = url }
    func rememberCreate(_ id: String, _ body: JSONValue) { creates[id] = body }
    func createBody(_ id: String) -> JSONValue? { creates[id] }
    func rememberCommit(_ id: String, _ key: String, _ answer: WireExchange) { commits[id + "|" + key] = answer }
    func commit(_ id: String, _ key: String) -> WireExchange? { commits[id + "|" + key] }
}
