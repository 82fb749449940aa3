public import CyclesProtocol

/// The one error type the client throws (besides `CancellationError`, which is passed through untouched).
///
/// It keeps everything the server said: HTTP status, protocol error code (unknown codes keep their raw
/// spelling), decision reason code, request id, trace id, `Retry-After` and details. ``kind`` tells a server
/// answer apart from a transport failure, an answer that broke the protocol, a client-side validation failure
/// and a denial.
///
/// ```swift
/// do {
///     try await client.reserve(estimate: .usdMicrocents(5_000), action: action)
/// } catch ErrorCode.budgetExceeded {
///     // 409 BUDGET_EXCEEDED
/// } catch let error as CyclesError where error.isRetryable {
///     // try again later
/// }
/// ```
public struct CyclesError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: String, Sendable, Hashable {
        /// The server answered with an error status (4xx/5xx); ``code`` holds its protocol error code.
        case server
        /// The server answered 200 with `decision: DENY` where an allow was needed; ``reasonCode`` says why.
        case denied
        /// No answer was received: connection refused or reset, timeout, or an unreadable body.
        case transport
        /// The server answered, but not with the status or body the protocol requires.
        case invalidResponse
        /// The request was rejected by the client before it was sent (protocol bounds, missing subject).
        case validation
        /// A reservation helper was settled twice (only possible through the runtime-checked handle and streams).
        case alreadySettled
        /// Settlement was retried until the retry policy gave up; the outcome on the server is unknown.
        /// The reservation was **not** released. ``underlying`` holds the last failure.
        case settlementUnresolved
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The HTTP status of the answer, when there was one.
    public var httpStatus: Int?
    /// The protocol error code from the body (`nil` for transport and validation failures).
    public var code: ErrorCode?
    /// The decision reason code of a denial.
    public var reasonCode: DecisionReasonCode?
    /// Human-readable text (the server's `message` when there is one).
    public var message: String
    /// The server's request id (`X-Request-Id` or the body's `request_id`).
    public var requestID: String?
    /// The trace id of the request (`X-Cycles-Trace-Id` or the body's `trace_id`).
    public var traceID: String?
    /// How long the server asked the caller to wait (`Retry-After` header, or `retry_after_ms` of a denial).
    public var retryAfter: Duration?
    /// The body's free-form `details`.
    public var details: [String: JSONValue]?
    /// The reservation the failure concerns, when known.
    public var reservationID: ReservationID?
    /// The error underneath a transport, invalid-response or unresolved-settlement failure.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(
        kind: Kind, httpStatus: Int? = nil, code: ErrorCode? = nil, reasonCode: DecisionReasonCode? = nil,
        message: String, requestID: String? = nil, traceID: String? = nil, retryAfter: Duration? = nil,
        details: [String: JSONValue]? = nil, reservationID: ReservationID? = nil, underlying: (any Error)? = nil
    ) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.code = code
        self.reasonCode = reasonCode
        self.message = message
        self.requestID = requestID
        self.traceID = traceID
        self.retryAfter = retryAfter
        self.details = details
        self.reservationID = reservationID
        self.underlying = underlying
    }

    /// A one-line summary with the code, status and ids.
    public var description: String {
        var parts: [String] = ["CyclesError.\(kind.rawValue)"]
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let code { parts.append(code.rawValue) }
        if let reasonCode { parts.append("reason=\(reasonCode.rawValue)") }
        var text = parts.joined(separator: " ") + ": " + message
        if let reservationID { text += " (reservation \(reservationID))" }
        if let requestID { text += " [request_id=\(requestID)]" }
        if let traceID { text += " [trace_id=\(traceID)]" }
        if let underlying, kind != .server { text += " — underlying: \(underlying)" }
        return text
    }

    /// The protocol code, or for a denial its reason code spelled as an error code (`BUDGET_EXCEEDED` …).
    public var effectiveCode: ErrorCode? { code ?? reasonCode.map { ErrorCode(rawValue: $0.rawValue) } }

    /// `BUDGET_EXCEEDED` (as a 409 or as a denial).
    public var isBudgetExceeded: Bool { effectiveCode == .budgetExceeded }
    /// `OVERDRAFT_LIMIT_EXCEEDED` (as a 409 or as a denial). Kept distinct from budget exceeded.
    public var isOverdraftLimitExceeded: Bool { effectiveCode == .overdraftLimitExceeded }
    /// `DEBT_OUTSTANDING` (as a 409 or as a denial). Kept distinct from budget exceeded.
    public var isDebtOutstanding: Bool { effectiveCode == .debtOutstanding }
    /// `BUDGET_FROZEN` or `BUDGET_CLOSED`.
    public var isBudgetUnavailable: Bool { effectiveCode == .budgetFrozen || effectiveCode == .budgetClosed }
    /// `RESERVATION_EXPIRED` (410).
    public var isReservationExpired: Bool { code == .reservationExpired }
    /// `RESERVATION_FINALIZED` (already committed or released).
    public var isReservationFinalized: Bool { code == .reservationFinalized }
    /// `IDEMPOTENCY_MISMATCH`: the key was reused with a different payload.
    public var isIdempotencyMismatch: Bool { code == .idempotencyMismatch }
    /// `UNIT_MISMATCH`.
    public var isUnitMismatch: Bool { code == .unitMismatch }
    /// `TENANT_CLOSED` (as a 409 or as a denial). Permanent.
    public var isTenantClosed: Bool { effectiveCode == .tenantClosed }
    /// `MAX_EXTENSIONS_EXCEEDED`.
    public var isMaxExtensionsExceeded: Bool { code == .maxExtensionsExceeded }
    /// 429 `LIMIT_EXCEEDED`: throttled (never budget exhaustion).
    public var isRateLimited: Bool { code == .limitExceeded || httpStatus == 429 }
    /// `NOT_FOUND`.
    public var isNotFound: Bool { code == .notFound }
    /// 401 or 403: the credential is missing, wrong or not allowed to act here.
    public var isAuthError: Bool {
        code == .unauthorized || code == .forbidden || httpStatus == 401 || httpStatus == 403
    }
    /// A denial (`kind == .denied`) or any 409 budget-state rejection of a new reservation.
    public var isDenied: Bool {
        kind == .denied || isBudgetExceeded || isOverdraftLimitExceeded || isDebtOutstanding || isBudgetUnavailable
            || isTenantClosed
    }
    /// A transport failure: nothing (or nothing readable) came back.
    public var isTransport: Bool { kind == .transport }

    /// Whether retrying the same request (same idempotency key) may succeed: transport failures, answers that
    /// broke the protocol, 5xx, `INTERNAL_ERROR` and 429. Genuine rejections are never retryable.
    public var isRetryable: Bool {
        switch kind {
        case .transport, .invalidResponse, .settlementUnresolved:
            return true
        case .denied, .validation, .alreadySettled:
            return false
        case .server:
            if let httpStatus, httpStatus >= 500 { return true }
            return code == .internalError || isRateLimited
        }
    }
}

/// Lets a `catch` clause match a protocol error code directly: `catch ErrorCode.budgetExceeded { … }`.
///
/// Matches a ``CyclesError`` whose code is `pattern`, or a denial whose reason code has the same spelling.
public func ~= (pattern: ErrorCode, value: any Error) -> Bool {
    guard let error = value as? CyclesError else { return false }
    return error.effectiveCode == pattern
}

/// Lets a `catch` clause match a denial reason: `catch DecisionReasonCode.budgetNotFound { … }`.
public func ~= (pattern: DecisionReasonCode, value: any Error) -> Bool {
    guard let error = value as? CyclesError else { return false }
    return error.reasonCode == pattern || error.code?.rawValue == pattern.rawValue
}

/// Lets a `catch` clause match a kind: `catch CyclesError.Kind.transport { … }`.
public func ~= (pattern: CyclesError.Kind, value: any Error) -> Bool {
    (value as? CyclesError)?.kind == pattern
}

extension CyclesError {
    /// A client-side validation failure (reported like the server would: `INVALID_REQUEST`).
    static func validation(_ message: String, reservationID: ReservationID? = nil) -> CyclesError {
        CyclesError(kind: .validation, code: .invalidRequest, message: message, reservationID: reservationID)
    }
}
