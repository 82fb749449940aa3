import CyclesProtocol
import Logging

/// Keeps a live reservation's lease from lapsing by extending it on the spec's schedule (see
/// ``HeartbeatSchedule``). Policy `warn`: every failure is logged with the reservation id and what happens next
/// and reported to ``CyclesConfig/heartbeatObserver``; nothing is thrown into the user's work.
struct Heartbeat: Sendable {
    let client: CyclesClient
    let lease: ReservationLease
    /// The requested `ttl_ms`; each extension asks for this much (never ttl on every ttl/2 beat, which drifts).
    let ttlMs: Int64
    let traceID: String

    /// Starts the heartbeat task for `lease` from the create response's timing.
    static func start(
        client: CyclesClient, lease: ReservationLease, ttlMs: Int64, traceID: String, remainingTTLMs: Int64?,
        rttMs: Int64, receivedAtMs: Int64
    ) {
        let heartbeat = Heartbeat(client: client, lease: lease, ttlMs: ttlMs, traceID: traceID)
        // An unstructured task: the reservation outlives the call that created it. It is cancelled when the
        // reservation settles or its handle goes away.
        let task = Task {
            await heartbeat.run(remainingTTLMs: remainingTTLMs, rttMs: rttMs, receivedAtMs: receivedAtMs)
        }
        lease.attachHeartbeat(task)
    }

    func run(remainingTTLMs: Int64?, rttMs: Int64, receivedAtMs: Int64) async {
        let clock = client.config.clock
        var schedule = HeartbeatSchedule(
            requestTimeoutMs: client.config.requestTimeout.wholeMillisecondsRoundedUp, ttlMs: ttlMs)
        var step = schedule.recordSuccess(remainingTTLMs: remainingTTLMs, rttMs: rttMs, receivedAtMs: receivedAtMs)
        var key = IdempotencyKey.random()
        var lastError: CyclesError?
        while true {
            let delayMs: Int64
            switch step {
            case .stop(let reason):
                report(stop: reason, error: lastError)
                return
            case .extend(let afterMs, let sameKey):
                delayMs = afterMs
                if !sameKey {
                    key = .random()
                    emit(HeartbeatEvent(kind: .scheduled, reservationID: lease.id, idempotencyKey: key,
                        delay: .milliseconds(afterMs)))
                }
            }
            do {
                try await clock.sleep(for: .milliseconds(delayMs))
            } catch {
                return  // cancelled: the reservation settled or was dropped
            }
            guard !Task.isCancelled, lease.isActive else { return }
            let sentAt = clock.monotonicNow()
            do {
                let request = ExtendRequest(idempotencyKey: key, extendByMs: ttlMs)
                let response = try await CyclesTrace.$currentTraceID.withValue(traceID) {
                    try await client.extendReservation(lease.id, request)
                }
                let receivedAt = clock.monotonicNow()
                lease.updateExpiry(response.expiresAtMs)
                lastError = nil
                emit(HeartbeatEvent(kind: .extended, reservationID: lease.id, idempotencyKey: key,
                    expiresAtMs: response.expiresAtMs))
                step = schedule.recordSuccess(
                    remainingTTLMs: response.remainingTTLMs, rttMs: (receivedAt - sentAt).wholeMilliseconds,
                    receivedAtMs: receivedAt.wholeMilliseconds)
            } catch is CancellationError {
                return
            } catch let error as CyclesError {
                if Task.isCancelled || !lease.isActive { return }
                lastError = error
                step = next(after: error, schedule: &schedule, now: clock.monotonicNow())
                if case .extend(let afterMs, _) = step {
                    client.logger.warning(
                        "Cycles heartbeat extend failed; retrying with the same idempotency key",
                        metadata: [
                            "cycles.reservation_id": "\(lease.id)", "cycles.heartbeat.disposition": "retry",
                            "cycles.heartbeat.retry_in_ms": "\(afterMs)", "cycles.idempotency_key": "\(key)",
                            "error": "\(error)",
                        ])
                    emit(HeartbeatEvent(kind: .retrying, reservationID: lease.id, idempotencyKey: key,
                        delay: .milliseconds(afterMs), error: error.message, errorCode: error.code))
                }
            } catch {
                if Task.isCancelled { return }
                lastError = CyclesError(kind: .transport, message: "\(error)", underlying: error)
                step = .stop(.rejected)
            }
        }
    }

    /// Classifies a failed extension: permanent codes stop, transient failures follow the retry rules, any
    /// other rejection stops (the key is never rotated to retry an unchanged request).
    private func next(after error: CyclesError, schedule: inout HeartbeatSchedule, now: Duration)
        -> HeartbeatSchedule.Step
    {
        let permanent: Set<ErrorCode> = [
            .reservationExpired, .reservationFinalized, .maxExtensionsExceeded, .tenantClosed, .notFound,
        ]
        if let code = error.code, permanent.contains(code) { return .stop(.terminalResponse) }
        if error.isRetryable {
            return schedule.recordTransientFailure(
                nowMs: now.wholeMilliseconds, retryAfterMs: error.retryAfter?.wholeMilliseconds,
                isRateLimited: error.isRateLimited)
        }
        return .stop(.rejected)
    }

    private func report(stop reason: HeartbeatEvent.StopReason, error: CyclesError?) {
        client.logger.warning(
            "Cycles heartbeat stopped; the reservation is no longer being extended",
            metadata: [
                "cycles.reservation_id": "\(lease.id)", "cycles.heartbeat.disposition": "stop",
                "cycles.heartbeat.reason": "\(reason.rawValue)", "error": "\(error.map { "\($0)" } ?? "-")",
            ])
        emit(HeartbeatEvent(kind: .stopped, reservationID: lease.id, reason: reason, error: error?.message,
            errorCode: error?.code))
    }

    private func emit(_ event: HeartbeatEvent) {
        client.config.heartbeatObserver?(event)
    }
}
