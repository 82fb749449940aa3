public import CyclesProtocol

/// A protocol-level failure raised by the ledger: the error code, its HTTP status and a message that names the cause.
///
/// The HTTP layer turns it into an `ErrorResponse` (adding `request_id` and `trace_id`); engine users get it thrown
/// from every `Ledger` call.
public struct LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The protocol error code.
    public var code: ErrorCode
    /// The HTTP status the protocol pairs with this failure.
    public var httpStatus: Int
    /// Human-readable text; for validation errors it names the offending field.
    public var message: String
    /// Extra structured detail, e.g. `{scope, requested_unit, expected_units}` on `UNIT_MISMATCH`.
    public var details: [String: JSONValue]?
    /// The tenant the request acted for, when known (echoed as `X-Cycles-Tenant`).
    public var tenant: String?
    /// On 429: the seconds to wait (`Retry-After`, delta-seconds only).
    public var retryAfterSeconds: Int64?
    /// On 429: when the limit resets (`X-RateLimit-Reset`, Unix seconds on the namespace clock).
    public var rateLimitResetEpochSeconds: Int64?

    /// Creates an error; the status defaults to the one the protocol pairs with `code`.
    public init(
        _ code: ErrorCode, _ message: String, httpStatus: Int? = nil, details: [String: JSONValue]? = nil,
        tenant: String? = nil
    ) {
        self.code = code
        self.httpStatus = httpStatus ?? code.httpStatus ?? 500
        self.message = message
        self.details = details
        self.tenant = tenant
    }

    /// `"409 BUDGET_EXCEEDED: …"`.
    public var description: String { "\(httpStatus) \(code.rawValue): \(message)" }

    static func invalid(_ message: String) -> LedgerError { LedgerError(.invalidRequest, message) }
    static func notFound(_ message: String) -> LedgerError { LedgerError(.notFound, message) }
    static func forbidden(_ message: String) -> LedgerError { LedgerError(.forbidden, message) }
    static func internalError(_ message: String) -> LedgerError { LedgerError(.internalError, message) }
}
