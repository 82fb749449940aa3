public import CyclesProtocol

/// One observable step of a reservation's heartbeat (the `warn` policy: failures are reported, never fatal).
///
/// Delivered to ``CyclesConfig/heartbeatObserver`` and also logged with the reservation id and what
/// happens next. A heartbeat failure never cancels the guarded work and never suppresses the final commit.
public struct HeartbeatEvent: Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    public enum Kind: String, Sendable, Hashable {
        /// The next extension was scheduled.
        case scheduled
        /// An extension succeeded; ``expiresAtMs`` is the new authoritative expiry.
        case extended
        /// An extension failed transiently and will be retried with the same idempotency key after ``delay``.
        case retrying
        /// The heartbeat stopped for good; ``reason`` says why. The reservation itself is not touched.
        case stopped
    }

    /// Why a heartbeat stopped.
    public enum StopReason: String, Sendable, Hashable {
        /// The reservation was committed or released, or its owner went away.
        case settled
        /// The server answered a permanent code (expired, finalized, extension limit, tenant closed, not found).
        case terminalResponse
        /// Another 4xx the client cannot fix by retrying (auth, validation).
        case rejected
        /// The lease is too short to renew safely (two consecutive zero delays).
        case leaseTooShort
        /// A failed extension cannot be retried safely before the lease runs out, or Retry-After does not fit.
        case noSafeRetryWindow
    }

    /// What happened.
    public var kind: Kind
    /// The reservation the heartbeat keeps alive.
    public var reservationID: ReservationID
    /// The idempotency key of the extension attempt concerned.
    public var idempotencyKey: IdempotencyKey?
    /// The delay before the next attempt (scheduled, retrying).
    public var delay: Duration?
    /// The authoritative expiry after a successful extension.
    public var expiresAtMs: Int64?
    /// Why the heartbeat stopped.
    public var reason: StopReason?
    /// The error behind a retry or stop, as text.
    public var error: String?
    /// The protocol error code behind a retry or stop.
    public var errorCode: ErrorCode?

    /// Creates an event.
    public init(
        kind: Kind, reservationID: ReservationID, idempotencyKey: IdempotencyKey? = nil, delay: Duration? = nil,
        expiresAtMs: Int64? = nil, reason: StopReason? = nil, error: String? = nil, errorCode: ErrorCode? = nil
    ) {
        self.kind = kind
        self.reservationID = reservationID
        self.idempotencyKey = idempotencyKey
        self.delay = delay
        self.expiresAtMs = expiresAtMs
        self.reason = reason
        self.error = error
        self.errorCode = errorCode
    }

    /// A readable one-liner.
    public var description: String {
        var text = "heartbeat \(kind.rawValue) for reservation \(reservationID)"
        if let delay { text += ", next attempt in \(delay)" }
        if let expiresAtMs { text += ", expires_at_ms=\(expiresAtMs)" }
        if let reason { text += ", reason=\(reason.rawValue)" }
        if let errorCode { text += ", code=\(errorCode)" }
        if let error { text += ", error=\(error)" }
        return text
    }
}
