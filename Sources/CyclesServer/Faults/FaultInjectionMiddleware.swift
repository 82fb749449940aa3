#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CyclesProtocol
import HTTPTypes
public import Hummingbird
import NIOCore

/// Wraps the runtime routes (`/v1/…`): applies scripted faults and records every request in the journal.
///
/// Dropping a connection needs `ConnectionDropHandler` in the channel pipeline (see `abandonConnection`).
///
/// Requests outside `/v1` (health, the control API) pass straight through and are not journaled, and so does
/// everything while the control plane is off (no admin key configured). The middleware exists only on a server
/// started with `mock` on.
/// At most one fault applies per request: `X-Cycles-Mock-Fault` wins over rules; among rules, the first
/// added that fires wins. The header is honoured only on a request that also carries a valid `X-Admin-API-Key`
/// (otherwise it is ignored, as a server without the mock layer would), so no tenant can inject a fault.
public struct FaultInjectionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The shared fault rules, journal and hooks.
    public let controls: MockControls

    /// Bodies larger than this are not read for their idempotency key (the runtime routes reject them anyway).
    static var maximumInspectedBodySize: Int { 64 * 1024 }

    /// Creates the middleware.
    public init(controls: MockControls) {
        self.controls = controls
    }

    /// Handles one request.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard controls.hooks.controlPlaneEnabled(),
            let (operation, pathReservationID) = RuntimeOperation.classify(method: request.method, path: request.uri.path)
        else {
            return try await next(request, context)
        }
        let started = ContinuousClock.now
        var request = request
        let intercepted = try await inspect(&request, operation: operation, reservationID: pathReservationID)
        var entry = JournalEntry(
            sequence: 0, receivedAtMs: Self.epochMilliseconds(), method: request.method.rawValue,
            path: request.uri.path, operation: operation, tenant: intercepted.tenant,
            namespace: intercepted.namespace, idempotencyKey: intercepted.idempotencyKey,
            reservationID: intercepted.reservationID)

        let operatorAuthenticated = request.headers[HTTPExchange.adminKeyField].map(controls.hooks.isAdminKey) ?? false
        let effect: FaultEffect?
        if operatorAuthenticated, let headerValue = request.headers[HTTPExchange.faultField] {
            do throws(FaultSpecificationError) {
                effect = try FaultEffect(headerValue: headerValue)
                entry.faultRuleID = "header"
            } catch {
                let response = Self.errorResponse(
                    status: 400, code: .invalidRequest, message: error.message, retryAfterSeconds: nil,
                    request: request, makeRequestID: controls.hooks.makeRequestID)
                record(&entry, status: 400, responded: true, started: started)
                return response
            }
        } else if let rule = controls.faults.consume(for: intercepted) {
            effect = rule.effect
            entry.faultRuleID = rule.id
        } else {
            effect = nil
        }
        entry.fault = effect?.label

        var response: Response
        do {
            switch effect {
            case nil:
                response = try await next(request, context)
            case .latency(let milliseconds):
                // Real time on purpose: latency is about the client's timeouts, not the ledger's clock.
                try await Task.sleep(for: .milliseconds(milliseconds))
                response = try await next(request, context)
            case .error(let status, let code, let message, let retryAfter):
                response = Self.errorResponse(
                    status: status, code: code,
                    message: message ?? "Injected fault: \(status) \(code.rawValue)",
                    retryAfterSeconds: retryAfter ?? (status == 429 ? 1 : nil), request: request,
                    makeRequestID: controls.hooks.makeRequestID)
            case .dropConnection:
                record(&entry, status: nil, responded: false, started: started)
                return Self.abandonConnection(context: context)
            case .dropResponse:
                response = try await next(request, context)
                response = try await noteReservationID(in: response, entry: &entry)
                record(&entry, status: Int(response.status.code), responded: false, started: started)
                return Self.abandonConnection(context: context)
            case .nonConformant(let variant):
                response = try await next(request, context)
                response = try await noteReservationID(in: response, entry: &entry)
                if (200..<300).contains(Int(response.status.code)) {
                    response = try await Self.breakResponse(response, variant: variant)
                }
            case .expireReservation:
                // Only after authentication and ownership: the request's API key names the tenant whose reservation
                // may expire (the ledger checks it owns the one in the path); a request with no API key may expire
                // it only as the operator. An unknown key expires nothing, and the route answers 401 as usual.
                let requester: Principal? =
                    if let tenant = intercepted.tenant, let namespace = intercepted.namespace {
                        .tenant(TenantIdentity(tenantID: tenant, namespace: namespace))
                    } else if request.headers[HTTPExchange.apiKeyField] == nil, operatorAuthenticated {
                        .admin
                    } else {
                        nil
                    }
                if let reservationID = pathReservationID, let requester {
                    try await controls.hooks.expireReservation(reservationID, requester)
                }
                response = try await next(request, context)
            }
        } catch {
            record(&entry, status: 500, responded: true, started: started)
            throw error
        }
        response = try await noteReservationID(in: response, entry: &entry)
        record(&entry, status: Int(response.status.code), responded: true, started: started)
        return response
    }

    // MARK: - Inspection

    /// Reads what fault matching and the journal need: tenant, namespace and idempotency key.
    private func inspect(
        _ request: inout Request, operation: RuntimeOperation, reservationID: String?
    ) async throws -> InterceptedRequest {
        var idempotencyKey = request.headers[HTTPExchange.idempotencyKeyField]
        if idempotencyKey == nil, operation.isMutation,
            let lengthText = request.headers[.contentLength], let length = Int(lengthText),
            length > 0, length <= Self.maximumInspectedBodySize
        {
            // Collecting stores the bytes back on the request, so the runtime route still reads the body.
            let body = try await request.collectBody(upTo: length)
            idempotencyKey = Self.stringField("idempotency_key", in: body)
        }
        var identity: (tenant: String, namespace: String)?
        if let apiKey = request.headers[HTTPExchange.apiKeyField] {
            identity = await controls.hooks.resolveAPIKey(apiKey)
        }
        return InterceptedRequest(
            operation: operation, tenant: identity?.tenant, namespace: identity?.namespace, reservationID: reservationID,
            idempotencyKey: idempotencyKey)
    }

    /// Fills in the reservation id of a successful reserve from its answer (buffering the body once).
    private func noteReservationID(in response: Response, entry: inout JournalEntry) async throws -> Response {
        guard entry.reservationID == nil, entry.operation == .reserve,
            (200..<300).contains(Int(response.status.code))
        else { return response }
        let (buffered, bytes) = try await Self.bufferBody(of: response)
        entry.reservationID = Self.stringField("reservation_id", in: bytes)
        return buffered
    }

    private func record(_ entry: inout JournalEntry, status: Int?, responded: Bool, started: ContinuousClock.Instant) {
        entry.status = status
        entry.responded = responded
        let elapsed = ContinuousClock.now - started
        entry.durationMs =
            Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        controls.journal.record(entry)
    }
}

// MARK: - Helpers shared by the cases above

extension FaultInjectionMiddleware {
    /// Wall-clock epoch milliseconds (the journal records real arrival time, whatever the ledger clock says).
    static func epochMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000).rounded())
    }

    /// The string member `name` of a JSON object body, or `nil` when the body is not such an object.
    static func stringField(_ name: String, in body: ByteBuffer) -> String? {
        (try? JSONValueParser.parse(Array(body.readableBytesView)))?[name]?.stringValue
    }

    /// A protocol error answer for an injected error, built like every real error answer (`HTTPExchange`), plus the
    /// rate-limit headers when a retry delay is given.
    static func errorResponse(
        status: Int, code: ErrorCode, message: String, retryAfterSeconds: Int64?, request: Request,
        makeRequestID: () -> String = { RandomIdentifier.uuidString() }
    ) -> Response {
        let requestID = makeRequestID()
        let traceID = TraceContext.resolve(
            traceparent: request.headers[HTTPExchange.traceparentField],
            traceIDHeader: request.headers[HTTPExchange.traceIDField])
        let reply = HTTPExchange.errorReply(
            LedgerError(code, message, httpStatus: status), requestID: requestID, traceID: traceID)
        var response = HTTPExchange.response(reply, requestID: requestID, traceID: traceID)
        if let retryAfterSeconds {
            response.headers[HTTPExchange.retryAfterField] = String(retryAfterSeconds)
            let reset = epochMilliseconds() / 1_000 + retryAfterSeconds
            response.headers[HTTPExchange.rateLimitResetField] = String(reset)
        }
        return response
    }

    /// Closes the connection without an answer.
    ///
    /// The response carries `ConnectionDropHandler`'s marker, so that handler closes the channel instead of
    /// writing the head. Should the handler be missing, the head goes out but the body fails before its first
    /// byte, which still cuts the connection, so the client never receives a usable answer either way.
    static func abandonConnection(context: Context) -> Response {
        var headers = HTTPFields()
        headers[ConnectionDropHandler.markerHeader] = "1"
        headers[.contentLength] = "1"
        return Response(
            status: .badGateway, headers: headers,
            body: ResponseBody(contentLength: 1) { _ in throw ConnectionAbandoned() })
    }

    /// Turns a real 2xx into the requested protocol violation.
    static func breakResponse(_ response: Response, variant: FaultEffect.NonConformance) async throws -> Response {
        let (buffered, bytes) = try await bufferBody(of: response)
        var broken = buffered
        switch variant {
        case .status202:
            broken.status = .accepted
        case .missingFields:
            var object = (try? JSONValueParser.parse(Array(bytes.readableBytesView)))?.objectValue ?? [:]
            for field in requiredResponseFields { object.removeValue(forKey: field) }
            let data = (try? CyclesJSON.encode(JSONValue.object(object))) ?? Data("{}".utf8)
            broken.body = ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        case .garbageBody:
            broken.body = ResponseBody(byteBuffer: ByteBuffer(string: "<html>502 upstream garbage"))
        case .emptyBody:
            broken.body = ResponseBody()
        }
        return broken
    }

    /// Fields a client needs to trust a success; `missing_fields` removes them.
    static var requiredResponseFields: [String] { [
        "status", "decision", "reservation_id", "charged", "released", "expires_at_ms", "event_id", "balances",
        "reservations", "affected_scopes", "reserved", "scope_path",
    ] }

    /// Reads a response body into memory and returns a copy of the response carrying those bytes.
    static func bufferBody(of response: Response) async throws -> (Response, ByteBuffer) {
        let sink = BufferingBodyWriter.Sink()
        try await response.body.write(BufferingBodyWriter(sink: sink))
        var copy = response
        copy.body = ResponseBody(byteBuffer: sink.buffer)
        return (copy, sink.buffer)
    }
}

/// Thrown from a response body to cut a connection short when the channel is not reachable.
struct ConnectionAbandoned: Error {}
