public import CyclesProtocol

/// What happens to a runtime request a fault rule matches.
///
/// JSON form: an object with a `type` and the fields of that type, for example
/// `{"type":"error","status":429,"retry_after_s":2}` or `{"type":"drop_response"}`.
public enum FaultEffect: Sendable, Hashable {
    /// Wait this many milliseconds, then handle the request normally.
    case latency(milliseconds: Int64)
    /// Answer with this status and a protocol `ErrorResponse`; the request is **not** applied.
    /// A 429 carries `Retry-After` (seconds) and `X-RateLimit-Reset`.
    case error(status: Int, code: ErrorCode, message: String?, retryAfterSeconds: Int64?)
    /// Close the connection before the request is applied: nothing changes, the client gets no answer.
    case dropConnection
    /// Apply the request (the write lands), then close the connection without sending the answer.
    case dropResponse
    /// Apply the request, then send a 2xx that breaks the protocol in the given way.
    case nonConformant(NonConformance)
    /// Expire the reservation named in the path before the request is applied, so the server answers
    /// as it would for a reservation whose deadline has passed (410 `RESERVATION_EXPIRED` on commit).
    case expireReservation

    /// The ways a non-conformant success can be broken.
    public enum NonConformance: String, Codable, Sendable, Hashable, CaseIterable {
        /// The real body with status 202 instead of the documented one.
        case status202 = "status_202"
        /// The real status with the protocol's required fields removed from the body.
        case missingFields = "missing_fields"
        /// The real status with a body that is not JSON.
        case garbageBody = "garbage_body"
        /// The real status with an empty body.
        case emptyBody = "empty_body"
    }

    /// A short label for journal entries and logs, for example `error:503` or `drop_response`.
    public var label: String {
        switch self {
        case .latency(let milliseconds): "latency:\(milliseconds)ms"
        case .error(let status, let code, _, _): "error:\(status):\(code.rawValue)"
        case .dropConnection: "drop_connection"
        case .dropResponse: "drop_response"
        case .nonConformant(let kind): "non_conformant:\(kind.rawValue)"
        case .expireReservation: "expire_reservation"
        }
    }

    /// The error code a status implies when the rule names none, or `nil` when the status is ambiguous
    /// (409 has many codes, so it must name one).
    static func defaultErrorCode(forStatus status: Int) -> ErrorCode? {
        switch status {
        case 400: .invalidRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 410: .reservationExpired
        case 429: .limitExceeded
        case 500...599: .internalError
        default: nil
        }
    }

    /// Checks the values a client can get wrong; the message names the field.
    func validate() throws(FaultSpecificationError) {
        switch self {
        case .latency(let milliseconds):
            guard (0...60_000).contains(milliseconds) else {
                throw FaultSpecificationError("latency ms must be between 0 and 60000, got \(milliseconds)")
            }
        case .error(let status, _, _, let retryAfter):
            guard (400...599).contains(status) else {
                throw FaultSpecificationError("error status must be between 400 and 599, got \(status)")
            }
            if let retryAfter, retryAfter < 0 {
                throw FaultSpecificationError("retry_after_s must not be negative, got \(retryAfter)")
            }
        case .dropConnection, .dropResponse, .nonConformant, .expireReservation:
            break
        }
    }
}
