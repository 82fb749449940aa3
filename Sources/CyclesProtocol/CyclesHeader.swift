/// Header names the protocol uses.
public enum CyclesHeader {
    /// The tenant API key.
    public static let apiKey = "X-Cycles-API-Key"
    /// The operator key, accepted on list, get and release only.
    public static let adminAPIKey = "X-Admin-API-Key"
    /// Optional copy of the body's idempotency key; must match it.
    public static let idempotencyKey = "X-Idempotency-Key"
    /// The server's id for one HTTP request.
    public static let requestID = "X-Request-Id"
    /// 32 lowercase hex digits identifying the trace.
    public static let traceID = "X-Cycles-Trace-Id"
    /// W3C trace context.
    public static let traceparent = "traceparent"
    /// The effective tenant of a successful call.
    public static let tenant = "X-Cycles-Tenant"
    /// Calls left in the rate-limit window.
    public static let rateLimitRemaining = "X-RateLimit-Remaining"
    /// When the rate-limit window resets (Unix seconds).
    public static let rateLimitReset = "X-RateLimit-Reset"
    /// Delta-seconds to wait on 429.
    public static let retryAfter = "Retry-After"
}
