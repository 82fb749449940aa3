import CyclesProtocol
import Logging

/// Commit with the SDK recovery profile's *core* guarantees:
///
/// 1. Timeouts, connection failures, 5xx, 429 and answers that are not schema-valid are retried with the
///    **original** idempotency key, so the spend settles at most once.
/// 2. A 429 `Retry-After` is honoured (within ``RetryPolicy/maxRetryAfter``; a longer wait ends the retries).
/// 3. Genuine rejections stop at once.
/// 4. A 410 / `RESERVATION_EXPIRED` commit is settled through `POST /v1/events` with the reservation's subject
///    and action and the commit's actual, metrics, metadata and key.
/// 5. Nothing here ever releases: an unresolved settlement is reported as
///    ``CyclesError/Kind/settlementUnresolved`` and left to the server.
struct Settlement: Sendable {
    let client: CyclesClient
    let reservationID: ReservationID
    let subject: Subject
    let action: Action
    let request: CommitRequest

    private enum Mode { case commit, event }

    /// The event that records the spend when the reservation has expired. No `overage_policy` is sent, so the
    /// server default (ALLOW_IF_AVAILABLE) applies — an event must not be rejected for overage after the fact.
    var eventFallback: EventCreateRequest {
        var metadata = request.metadata ?? [:]
        metadata["recovered_reservation_id"] = .string(reservationID.rawValue)
        metadata["recovery_reason"] = "commit_after_reservation_expired"
        return EventCreateRequest(
            idempotencyKey: request.idempotencyKey, subject: subject, action: action, actual: request.actual,
            metrics: request.metrics, metadata: metadata)
    }

    func run() async throws -> CommitReceipt {
        let policy = client.config.retry
        var mode = Mode.commit
        var attempts = 0
        var failedAttempts = 0
        var logger = client.logger
        logger[metadataKey: "cycles.reservation_id"] = "\(reservationID)"
        logger[metadataKey: "cycles.idempotency_key"] = "\(request.idempotencyKey)"
        while true {
            attempts += 1
            do {
                switch mode {
                case .commit:
                    let response = try await shielded { try await client.commitReservation(reservationID, request) }
                    return CommitReceipt(
                        path: .commit, reservationID: reservationID, charged: response.charged,
                        released: response.released, balances: response.balances,
                        idempotencyKey: request.idempotencyKey, attempts: attempts, metadata: response.metadata)
                case .event:
                    let event = eventFallback
                    let response = try await shielded { try await client.createEvent(event) }
                    return CommitReceipt(
                        path: .eventFallback, reservationID: reservationID, charged: response.charged,
                        balances: response.balances, eventID: response.eventID,
                        idempotencyKey: request.idempotencyKey, attempts: attempts, metadata: response.metadata)
                }
            } catch let error as CyclesError {
                var error = error
                error.reservationID = error.reservationID ?? reservationID
                if mode == .commit && (error.code == .reservationExpired || error.httpStatus == 410) {
                    logger.warning(
                        "Cycles commit found the reservation expired; settling through POST /v1/events with the same key")
                    mode = .event
                    continue
                }
                guard error.isRetryable, error.kind != .settlementUnresolved else {
                    logger.error("Cycles settlement rejected; not retrying and not releasing", metadata: ["error": "\(error)"])
                    throw error
                }
                failedAttempts += 1
                guard policy.isEnabled, attempts < policy.maxAttempts else {
                    throw unresolved(error, attempts: attempts, logger: logger)
                }
                var delay = policy.jitteredDelay(beforeRetry: failedAttempts)
                if error.isRateLimited, let retryAfter = error.retryAfter {
                    guard retryAfter <= policy.maxRetryAfter else {
                        throw unresolved(error, attempts: attempts, logger: logger)
                    }
                    delay = max(delay, retryAfter)
                }
                logger.warning(
                    "Cycles settlement attempt was ambiguous; retrying with the same idempotency key",
                    metadata: ["cycles.attempt": "\(attempts)", "cycles.retry_in_ms": "\(delay.wholeMilliseconds)",
                        "error": "\(error)"])
                try await client.config.clock.sleep(for: delay)
            }
        }
    }

    /// Runs one settlement attempt in its own task so that cancelling the caller cannot tear an in-flight
    /// commit apart (which would make its outcome ambiguous). Cancellation is still honoured between attempts:
    /// the retry sleep throws `CancellationError`, and the reservation is left as is (never released).
    private func shielded<T: Sendable>(_ attempt: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await attempt() }.value
    }

    private func unresolved(_ error: CyclesError, attempts: Int, logger: Logger) -> CyclesError {
        logger.error(
            "Cycles settlement unresolved after \(attempts) attempts; the reservation was NOT released",
            metadata: ["error": "\(error)"])
        return CyclesError(
            kind: .settlementUnresolved, httpStatus: error.httpStatus, code: error.code,
            message: "settlement of reservation \(reservationID) is unresolved after \(attempts) attempts "
                + "(idempotency key \(request.idempotencyKey)); retry with the same key: \(error.message)",
            requestID: error.requestID, traceID: error.traceID, retryAfter: error.retryAfter, details: error.details,
            reservationID: reservationID, underlying: error)
    }
}
