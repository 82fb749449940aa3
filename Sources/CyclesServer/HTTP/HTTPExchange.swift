public import CyclesProtocol
import HTTPTypes
public import Hummingbird
import NIOCore

public import Foundation

/// Per-request plumbing shared by every runtime route: request and trace ids, authentication, strict body
/// decoding, and turning results and `LedgerError`s into protocol responses with the required headers.
public struct HTTPExchange: Sendable {
    /// The engine.
    public let ledger: Ledger
    /// Largest accepted body.
    public let maximumBodySize: Int
    /// Where runtime requests are counted (`/metrics`); `nil` when metrics are off, which costs nothing.
    public let metrics: ServerMetrics?

    /// Creates the helper.
    public init(ledger: Ledger, maximumBodySize: Int = 1 << 20, metrics: ServerMetrics? = nil) {
        self.ledger = ledger
        self.maximumBodySize = maximumBodySize
        self.metrics = metrics
    }

    /// What a route produced: status, exact body bytes, and the tenant for `X-Cycles-Tenant`.
    public struct Reply: Sendable {
        /// HTTP status.
        public var status: Int
        /// Exact body.
        public var body: Data
        /// Effective tenant.
        public var tenant: String?
        /// `Retry-After` seconds (429 only).
        public var retryAfterSeconds: Int64?
        /// `X-RateLimit-Reset` Unix seconds (429 only).
        public var rateLimitResetEpochSeconds: Int64?
        /// The decision of a fresh reserve or decide evaluation (counted by `/metrics`; never sent as a header).
        public var decision: Decision?
        /// The decision's reason code, for a `DENY`.
        public var reasonCode: DecisionReasonCode?

        /// Creates a reply.
        public init(status: Int, body: Data, tenant: String?) {
            self.status = status
            self.body = body
            self.tenant = tenant
        }

        /// The ledger's answer as sent: its status, exact body and tenant, and (reserve, decide) the decision for
        /// `/metrics`. `tenant` overrides the reply's own (an admin route answers for its caller).
        public init(_ reply: LedgerReply<some Sendable & Decodable>, tenant: String?? = nil) {
            self.init(status: reply.status, body: reply.body, tenant: tenant ?? reply.tenant)
            decision = reply.decision
            reasonCode = reply.reasonCode
        }

        /// A 200 with `value` encoded as wire JSON.
        public static func json(_ value: some Encodable, status: Int = 200, tenant: String?) throws -> Reply {
            Reply(status: status, body: try CyclesJSON.encode(value), tenant: tenant)
        }
    }

    static let requestIDField = HTTPField.Name(CyclesHeader.requestID)!
    static let traceIDField = HTTPField.Name(CyclesHeader.traceID)!
    static let traceparentField = HTTPField.Name(CyclesHeader.traceparent)!
    static let tenantField = HTTPField.Name(CyclesHeader.tenant)!
    static let apiKeyField = HTTPField.Name(CyclesHeader.apiKey)!
    static let adminKeyField = HTTPField.Name(CyclesHeader.adminAPIKey)!
    static let idempotencyKeyField = HTTPField.Name(CyclesHeader.idempotencyKey)!
    static let retryAfterField = HTTPField.Name(CyclesHeader.retryAfter)!
    static let rateLimitResetField = HTTPField.Name(CyclesHeader.rateLimitReset)!
    /// The mock's per-request fault header (`X-Cycles-Fault`).
    static let faultField = HTTPField.Name(FaultEffect.headerName)!

    /// Runs `work`, answering with its reply or with the protocol error body. Never throws: every failure becomes
    /// a response carrying `X-Request-Id`, `X-Cycles-Trace-Id` and, in error bodies, `request_id` and `trace_id`.
    public func respond(to request: Request, _ work: () async throws -> Reply) async -> Response {
        await respond(to: request, operation: nil, work)
    }

    /// `respond(to:_:)` for a runtime operation: also counts the request, its latency and (reserve, decide) its
    /// decision in `metrics`, when metrics are on.
    public func respond(
        to request: Request, operation: RuntimeOperation?, _ work: () async throws -> Reply
    ) async -> Response {
        let started = metrics == nil ? nil : ContinuousClock.now
        var failure: LedgerError?
        let requestID = ledger.makeRequestID()
        // Trace id precedence (protocol.md §4): valid traceparent, else a valid X-Cycles-Trace-Id, else generated.
        // Malformed headers are treated as absent, never rejected.
        let traceparent = request.headers[Self.traceparentField]
        let traceID = TraceContext.resolve(traceparent: traceparent, traceIDHeader: request.headers[Self.traceIDField])
        let reply: Reply
        do {
            // Audit entries and events the work writes carry this request's ids (see `RequestCorrelation` and
            // `EventContext`, the spec's correlation contract).
            let correlation = RequestCorrelation(
                requestID: requestID, traceID: traceID, userAgent: request.headers[.userAgent])
            let context = EventContext(requestID: requestID, traceID: traceID, traceparent: traceparent)
            reply = try await RequestCorrelation.$current.withValue(correlation) {
                try await EventContext.$current.withValue(context) { try await work() }
            }
        } catch let error as LedgerError {
            failure = error
            if error.code == .unauthorized, request.headers[Self.adminKeyField] == nil,
                let apiKey = request.headers[Self.apiKeyField]
            {
                await EventContext.$current.withValue(
                    EventContext(requestID: requestID, traceID: traceID, traceparent: traceparent)
                ) { await ledger.recordAuthFailure(apiKey: apiKey) }
            }
            reply = Self.errorReply(error, requestID: requestID, traceID: traceID)
        } catch {
            reply = Self.errorReply(
                LedgerError(.internalError, "Internal error"), requestID: requestID, traceID: traceID)
        }
        if let metrics, let operation, let started {
            let elapsed = (ContinuousClock.now - started).components
            metrics.recordRequest(
                operation, status: reply.status,
                nanoseconds: Int(elapsed.seconds) * 1_000_000_000 + Int(elapsed.attoseconds / 1_000_000_000))
            if let decision = reply.decision {
                metrics.recordDecision(operation, decision: decision, reason: reply.reasonCode?.rawValue)
            } else if operation == .reserve, let failure, failure.httpStatus == 409,
                failure.code != .idempotencyMismatch
            {
                // A live reserve answers a budget denial (BUDGET_EXCEEDED, BUDGET_FROZEN, DEBT_OUTSTANDING, …)
                // with a 409 carrying the reason as its error code: that is the reserve's DENY decision.
                metrics.recordDecision(operation, decision: .deny, reason: failure.code.rawValue)
            }
        }
        return Self.response(reply, requestID: requestID, traceID: traceID)
    }

    static func errorReply(_ error: LedgerError, requestID: String, traceID: String) -> Reply {
        let body = ErrorResponse(
            error: error.code, message: error.message, requestID: requestID, traceID: traceID, details: error.details)
        let data = (try? CyclesJSON.encode(body)) ?? Data("{\"error\":\"INTERNAL_ERROR\"}".utf8)
        var reply = Reply(status: error.httpStatus, body: data, tenant: error.tenant)
        reply.retryAfterSeconds = error.retryAfterSeconds
        reply.rateLimitResetEpochSeconds = error.rateLimitResetEpochSeconds
        return reply
    }

    static func response(_ reply: Reply, requestID: String, traceID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[requestIDField] = requestID
        headers[traceIDField] = traceID
        if let tenant = reply.tenant { headers[tenantField] = tenant }
        if let seconds = reply.retryAfterSeconds { headers[retryAfterField] = String(seconds) }
        if let reset = reply.rateLimitResetEpochSeconds { headers[rateLimitResetField] = String(reset) }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    // MARK: - Authentication

    /// The tenant of `X-Cycles-API-Key` (401 otherwise).
    /// (401 otherwise; 403 when the key lacks `permission`).
    public func tenant(of request: Request, requiring permission: Permission) throws -> TenantIdentity {
        try ledger.authenticate(apiKey: request.headers[Self.apiKeyField], requiring: permission)
    }

    /// On the admin-allowlisted routes (list, get, release): a present `X-Admin-API-Key` must be valid and wins
    /// (protocol.md §16.23); otherwise the tenant key is used, and must grant `permission`.
    public func principal(of request: Request, requiring permission: Permission) throws -> Principal {
        if let adminKey = request.headers[Self.adminKeyField] {
            guard ledger.isAdminKey(adminKey) else { throw LedgerError(.unauthorized, "Invalid admin API key") }
            return .admin
        }
        return .tenant(try tenant(of: request, requiring: permission))
    }

    // MARK: - Bodies

    /// Reads and strictly validates a JSON body (400 naming the field otherwise), then builds the value from the
    /// parsed JSON (one parse, no `JSONDecoder`); checks `X-Idempotency-Key` against the body's key.
    func decode<T: ValidatedJSONDecodable>(_ type: T.Type, from request: Request, shape: ObjectShape) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBodySize)
        } catch {
            // 413 is HTTP's answer to an oversize body; the protocol has no code of its own for it, so the body
            // carries INVALID_REQUEST (the client must change the request) in the usual ErrorResponse.
            throw LedgerError(
                .invalidRequest, "request body is larger than the \(maximumBodySize)-byte limit", httpStatus: 413)
        }
        let value: JSONValue
        do {
            value = try JSONValueParser.parse(Array(buffer.readableBytesView))
        } catch is JSONValueParser.TooDeep {
            throw LedgerError.invalid(
                "request body nests objects/arrays deeper than \(JSONValueParser.maximumDepth) levels (metadata included); "
                    + "the server refuses deeper JSON")
        } catch {
            throw LedgerError.invalid("request body is not valid JSON")
        }
        do {
            try shape.validate(value)
        } catch {
            throw LedgerError.invalid(error.message)
        }
        if let header = request.headers[Self.idempotencyKeyField], header != value["idempotency_key"]?.stringValue {
            throw LedgerError.invalid("X-Idempotency-Key header does not match idempotency_key in request body")
        }
        return try T(validated: try ValidatedJSONObject(value, path: ""))
    }
}
