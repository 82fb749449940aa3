import CyclesProtocol
import Foundation
import Logging

/// Commit with the SDK recovery profile's *core* guarantees, and its *durable* ones when the client keeps a
/// journal (``JournalSettings``):
///
/// 1. Timeouts, connection failures, 5xx, 429 and answers that are not schema-valid are retried with the
///    **original** idempotency key, so the spend settles at most once.
/// 2. A 429 `Retry-After` is honoured (within ``RetryPolicy/maxRetryAfter``; a longer wait ends the retries).
/// 3. Genuine rejections stop at once.
/// 4. A 410 / `RESERVATION_EXPIRED` commit is settled through `POST /v1/events` with the reservation's subject
///    and action and the commit's actual, metrics, metadata and key.
/// 5. Nothing here ever releases: an unresolved settlement is reported as
///    ``CyclesError/Kind/settlementUnresolved`` and left to the server.
///
/// With a journal, the record is written before the first request leaves the process, rewritten before the
/// switch to event mode and with every 429 floor (as an absolute time), and removed only after a schema-valid
/// success or a genuine, understood rejection. Exhausted retries, auth failures, unclassifiable 4xx and
/// cancellation keep it for the next replay.
struct Settlement: Sendable {
    let client: CyclesClient
    let reservationID: ReservationID
    /// The commit to send (nil for a journal record that is already in event mode without a commit body).
    let commitRequest: CommitRequest?
    /// The event that records the spend if the reservation expired.
    let eventFallback: EventCreateRequest?
    let idempotencyKey: IdempotencyKey
    /// Where a replayed record starts and the floor it carries.
    private var initialMode: PendingSettlement.Mode = .commit
    private var initialNotBeforeMs: Int64?
    private var isReplay = false

    /// A fresh settlement of a live reservation.
    init(client: CyclesClient, reservationID: ReservationID, subject: Subject, action: Action, request: CommitRequest) {
        self.client = client
        self.reservationID = reservationID
        self.commitRequest = request
        self.idempotencyKey = request.idempotencyKey
        self.eventFallback = Self.eventFallback(reservationID: reservationID, subject: subject, action: action, request: request)
    }

    /// The replay of a journal record; `nil` when its bodies cannot be read as protocol requests.
    init?(client: CyclesClient, record: PendingSettlement) {
        func decode<T: Decodable>(_ type: T.Type, _ body: [String: JSONValue]?) -> T? {
            guard let body, let data = try? CyclesJSON.encode(JSONValue.object(body)) else { return nil }
            return try? CyclesJSON.decode(type, from: data)
        }
        let commit = decode(CommitRequest.self, record.commitBody)
        let event = decode(EventCreateRequest.self, record.eventFallbackBody)
        guard let key = commit?.idempotencyKey ?? event?.idempotencyKey,
            record.mode == .commit ? commit != nil : event != nil
        else { return nil }
        self.client = client
        self.reservationID = ReservationID(rawValue: record.reservationID)
        self.commitRequest = commit
        self.eventFallback = event
        self.idempotencyKey = key
        self.initialMode = record.mode
        self.initialNotBeforeMs = record.notBeforeMs
        self.isReplay = true
    }

    /// The event that records the spend when the reservation has expired. No `overage_policy` is sent, so the
    /// server default (ALLOW_IF_AVAILABLE) applies — an event must not be rejected for overage after the fact.
    static func eventFallback(
        reservationID: ReservationID, subject: Subject, action: Action, request: CommitRequest
    ) -> EventCreateRequest {
        var metadata = request.metadata ?? [:]
        metadata["recovered_reservation_id"] = .string(reservationID.rawValue)
        metadata["recovery_reason"] = "commit_after_reservation_expired"
        return EventCreateRequest(
            idempotencyKey: request.idempotencyKey, subject: subject, action: action, actual: request.actual,
            metrics: request.metrics, metadata: metadata)
    }

    func run() async throws -> CommitReceipt {
        let policy = client.config.retry
        var logger = client.logger
        logger[metadataKey: "cycles.reservation_id"] = "\(reservationID)"
        logger[metadataKey: "cycles.idempotency_key"] = "\(idempotencyKey)"
        // The bodies are only read when the record is written, so a client without a journal does not pay for
        // encoding them on every commit.
        let journaled = client.journal != nil
        var record = PendingSettlement(
            reservationID: reservationID.rawValue, baseURL: client.config.baseURL, mode: initialMode,
            commitBody: journaled ? commitRequest.flatMap(Self.body) : nil,
            eventFallbackBody: journaled ? eventFallback.flatMap(Self.body) : nil,
            notBeforeMs: initialNotBeforeMs)
        // Durable level: the record is on disk before the first request can leave the process.
        if !isReplay { persist(record, logger: logger) }
        if let notBefore = record.notBeforeMs {
            let waitMs = min(notBefore - PendingSettlement.nowMs(), Self.maxHonoredDelayMs)
            if waitMs > 0 { try await client.config.clock.sleep(for: .milliseconds(waitMs)) }
        }
        var attempts = 0
        var failedAttempts = 0
        while true {
            attempts += 1
            do {
                let receipt: CommitReceipt
                switch record.mode {
                case .commit:
                    guard let request = commitRequest else { throw missingBody("commit") }
                    let response = try await shielded { try await client.commitReservation(reservationID, request) }
                    receipt = CommitReceipt(
                        path: .commit, reservationID: reservationID, charged: response.charged,
                        released: response.released, balances: response.balances,
                        idempotencyKey: idempotencyKey, attempts: attempts, metadata: response.metadata)
                case .event:
                    guard let event = eventFallback else { throw missingBody("event") }
                    let response = try await shielded { try await client.createEvent(event) }
                    receipt = CommitReceipt(
                        path: .eventFallback, reservationID: reservationID, charged: response.charged,
                        balances: response.balances, eventID: response.eventID,
                        idempotencyKey: idempotencyKey, attempts: attempts, metadata: response.metadata)
                }
                discard(logger: logger)
                return receipt
            } catch let error as CyclesError {
                var error = error
                error.reservationID = error.reservationID ?? reservationID
                if record.mode == .commit && (error.code == .reservationExpired || error.httpStatus == 410) {
                    guard eventFallback != nil else {
                        logger.error("Cycles commit found the reservation expired and the record has no event; kept")
                        throw error
                    }
                    logger.warning(
                        "Cycles commit found the reservation expired; settling through POST /v1/events with the same key")
                    // Durable level: event mode is on disk before the event request is sent.
                    record.mode = .event
                    persist(record, logger: logger)
                    continue
                }
                guard error.isRetryable, error.kind != .settlementUnresolved else {
                    if Self.isUnderstoodRejection(error) {
                        logger.error("Cycles settlement rejected; not retrying and not releasing", metadata: ["error": "\(error)"])
                        discard(logger: logger)
                    } else {
                        logger.error(
                            "Cycles settlement failed with an unclassifiable or authentication error; the journal record (if any) is kept for replay",
                            metadata: ["error": "\(error)"])
                    }
                    throw error
                }
                failedAttempts += 1
                if error.isRateLimited, let retryAfter = error.retryAfter {
                    // Durable level: the server's floor survives a restart as an absolute time.
                    record.notBeforeMs = PendingSettlement.nowMs() + min(retryAfter.wholeMillisecondsRoundedUp, Self.maxHonoredDelayMs)
                    persist(record, logger: logger)
                }
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

    /// Cap on any honoured Retry-After or restored floor (1 h, as in the other SDKs): a mangled header or record
    /// must not park a spend record for days.
    static let maxHonoredDelayMs: Int64 = 3_600_000

    /// A genuine, understood rejection: a known, non-retryable protocol code that is not an authentication
    /// failure. Only this (or success) justifies removing a durable record.
    static func isUnderstoodRejection(_ error: CyclesError) -> Bool {
        guard error.kind == .server, let code = error.code, code.isKnown, !error.isRetryable else { return false }
        if code == .unauthorized || code == .forbidden { return false }
        if let status = error.httpStatus, status == 401 || status == 403 { return false }
        return true
    }

    private static func body(_ value: some Encodable) -> [String: JSONValue]? {
        guard let data = try? CyclesJSON.encode(value) else { return nil }
        return (try? CyclesJSON.decode(JSONValue.self, from: data))?.objectValue
    }

    private func persist(_ record: PendingSettlement, logger: Logger) {
        guard let journal = client.journal else { return }
        do {
            try journal.write(record)
        } catch {
            // Best effort only when the journal itself fails: surfaced, and settlement still goes ahead.
            logger.error(
                "Cycles could not journal the pending settlement; continuing WITHOUT durability",
                metadata: ["error": "\(error)", "cycles.journal": "\(journal.directory.path)"])
        }
    }

    private func discard(logger: Logger) {
        guard let journal = client.journal else { return }
        do {
            try journal.discard(reservationID.rawValue)
        } catch {
            logger.error("Cycles could not remove a settled journal record", metadata: ["error": "\(error)"])
        }
    }

    private func missingBody(_ mode: String) -> CyclesError {
        CyclesError(
            kind: .validation, message: "journal record for \(reservationID) has no \(mode) body", reservationID: reservationID)
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
                + "(idempotency key \(idempotencyKey)); retry with the same key: \(error.message)",
            requestID: error.requestID, traceID: error.traceID, retryAfter: error.retryAfter, details: error.details,
            reservationID: reservationID, underlying: error)
    }
}
