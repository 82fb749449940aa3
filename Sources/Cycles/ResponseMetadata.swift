/// What the response headers said, reachable on every call through ``CyclesResponse/metadata``.
public struct ResponseMetadata: Sendable, Hashable {
    /// The HTTP status.
    public var httpStatus: Int
    /// `X-Request-Id`: quote it when reporting a problem.
    public var requestID: String?
    /// `X-Cycles-Trace-Id`: the trace the server recorded the request under.
    public var traceID: String?
    /// `X-Cycles-Tenant`: the tenant the API key acts for.
    public var tenant: String?
    /// `X-RateLimit-Remaining` (`-1` means unlimited on the reference server).
    public var rateLimitRemaining: Int64?
    /// `X-RateLimit-Reset`, Unix seconds.
    public var rateLimitReset: Int64?
    /// `Retry-After`, when sent.
    public var retryAfter: Duration?

    /// Creates metadata.
    public init(
        httpStatus: Int, requestID: String? = nil, traceID: String? = nil, tenant: String? = nil,
        rateLimitRemaining: Int64? = nil, rateLimitReset: Int64? = nil, retryAfter: Duration? = nil
    ) {
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.traceID = traceID
        self.tenant = tenant
        self.rateLimitRemaining = rateLimitRemaining
        self.rateLimitReset = rateLimitReset
        self.retryAfter = retryAfter
    }
}

/// A decoded response body together with its ``ResponseMetadata``.
///
/// Fields of the body can be read directly (`response.decision`) thanks to dynamic member lookup;
/// `response.body` is the whole wire value.
@dynamicMemberLookup
public struct CyclesResponse<Body: Sendable>: Sendable {
    /// The decoded body.
    public var body: Body
    /// Status and headers.
    public var metadata: ResponseMetadata

    /// Creates a response.
    public init(body: Body, metadata: ResponseMetadata) {
        self.body = body
        self.metadata = metadata
    }

    /// Reads a field of the body.
    public subscript<Value>(dynamicMember keyPath: KeyPath<Body, Value>) -> Value { body[keyPath: keyPath] }
}
