/// The spec's heartbeat arithmetic (HEARTBEAT GUIDANCE on `extendReservation`), free of I/O so it can be
/// tested on its own. All values are milliseconds; arithmetic saturates instead of overflowing.
///
/// Primary algorithm (normative when the server sends `remaining_ttl_ms`):
/// `lead_floor = max(0, remaining_ttl_ms − rtt)`, `attempt_budget = max(request_timeout, 1000, 2·max_rtt)`,
/// `safety = max(1000, 2·max_rtt)`, `next_delay = max(0, lead_floor − (2·attempt_budget + safety))`.
/// A transient failure is retried with the same key after `min(30000, lead/4, retry_window)` only while
/// `retry_window = lead_estimate − attempt_budget − safety ≥ 0`.
///
/// Fallback (non-normative, servers without `remaining_ttl_ms`): a bounded cadence of
/// `min(ttl/2, 30 s)` (at least 1 s), preferring over-beating to a lapse, as the spec advises.
struct HeartbeatSchedule: Sendable {
    /// What the heartbeat does next.
    enum Step: Equatable, Sendable {
        /// Extend after `delayMs`; `sameKey` reuses the previous attempt's idempotency key.
        case extend(afterMs: Int64, sameKey: Bool)
        /// Stop for good.
        case stop(HeartbeatEvent.StopReason)
    }

    /// The enforced upper bound of one extend attempt (connect + read), rounded up.
    let requestTimeoutMs: Int64
    /// The requested lease length; used by the fallback cadence.
    let ttlMs: Int64
    private(set) var maxRTTMs: Int64 = 0
    /// `lead_floor` of the last schema-valid success and when (monotonic ms) it was received.
    private(set) var lastLeadFloorMs: Int64 = 0
    private(set) var lastSuccessAtMs: Int64 = 0
    private var consecutiveZeroDelays = 0
    private var failuresSinceSuccess = 0
    private var previousFailureElapsedMs: Int64?
    private var previousRetryWindowMs: Int64?
    private var zeroWindowRetryUsed = false
    private var fallbackMode = false

    init(requestTimeoutMs: Int64, ttlMs: Int64) {
        self.requestTimeoutMs = requestTimeoutMs
        self.ttlMs = ttlMs
    }

    var attemptBudgetMs: Int64 { max(requestTimeoutMs, 1000, maxRTTMs.saturatingMultiply(2)) }
    var safetyMarginMs: Int64 { max(1000, maxRTTMs.saturatingMultiply(2)) }
    var retryReserveMs: Int64 { attemptBudgetMs.saturatingMultiply(2).saturatingAdd(safetyMarginMs) }

    /// Records a schema-valid create or extend success and returns the next step.
    ///
    /// - Parameters:
    ///   - remainingTTLMs: The response's `remaining_ttl_ms`, or `nil` when the server does not send it.
    ///   - rttMs: Monotonic time from sending the attempt to receiving its complete body.
    ///   - receivedAtMs: Monotonic time the body was received.
    mutating func recordSuccess(remainingTTLMs: Int64?, rttMs: Int64, receivedAtMs: Int64) -> Step {
        failuresSinceSuccess = 0
        previousFailureElapsedMs = nil
        previousRetryWindowMs = nil
        zeroWindowRetryUsed = false
        maxRTTMs = max(maxRTTMs, max(0, rttMs))
        lastSuccessAtMs = receivedAtMs
        guard let remainingTTLMs else {
            fallbackMode = true
            lastLeadFloorMs = 0
            return .extend(afterMs: fallbackCadenceMs, sameKey: false)
        }
        fallbackMode = false
        lastLeadFloorMs = max(0, remainingTTLMs.saturatingSubtract(max(0, rttMs)))
        let nextDelay = max(0, lastLeadFloorMs.saturatingSubtract(retryReserveMs))
        if nextDelay == 0 {
            consecutiveZeroDelays += 1
            // One immediate fresh extension is allowed (it may establish a larger lead on an additive server);
            // a second zero in a row means the lease is shorter than the retry-safety budget: stop.
            if consecutiveZeroDelays >= 2 { return .stop(.leaseTooShort) }
        } else {
            consecutiveZeroDelays = 0
        }
        return .extend(afterMs: nextDelay, sameKey: false)
    }

    /// Records a transient failure (timeout, connection error, 5xx, 429, ambiguous 2xx) and returns the next step.
    ///
    /// - Parameters:
    ///   - nowMs: Monotonic time of the failure.
    ///   - retryAfterMs: For a 429, the `Retry-After` in milliseconds (`nil` if missing or invalid).
    ///   - isRateLimited: Whether the failure was a 429.
    mutating func recordTransientFailure(nowMs: Int64, retryAfterMs: Int64?, isRateLimited: Bool) -> Step {
        failuresSinceSuccess += 1
        if fallbackMode {
            // No lead is known: retry the same key on a bounded cadence, a few times, then stop.
            guard failuresSinceSuccess <= 3 else { return .stop(.noSafeRetryWindow) }
            if isRateLimited {
                guard let retryAfterMs else { return .stop(.noSafeRetryWindow) }
                return .extend(afterMs: retryAfterMs, sameKey: true)
            }
            return .extend(afterMs: max(1000, fallbackCadenceMs / 4), sameKey: true)
        }
        let elapsed = max(0, nowMs.saturatingSubtract(lastSuccessAtMs))
        let leadEstimate = max(0, lastLeadFloorMs.saturatingSubtract(elapsed))
        let retryWindow = leadEstimate.saturatingSubtract(attemptBudgetMs).saturatingSubtract(safetyMarginMs)
        defer {
            previousFailureElapsedMs = elapsed
            previousRetryWindowMs = retryWindow
        }
        guard retryWindow >= 0 else { return .stop(.noSafeRetryWindow) }
        // Progress guard: if neither elapsed time nor the window moved since the last failure, stop instead of
        // looping at zero delay.
        if let previousElapsed = previousFailureElapsedMs, let previousWindow = previousRetryWindowMs,
            elapsed <= previousElapsed, retryWindow >= previousWindow
        {
            return .stop(.noSafeRetryWindow)
        }
        if retryWindow == 0 {
            if zeroWindowRetryUsed { return .stop(.noSafeRetryWindow) }
            zeroWindowRetryUsed = true
        }
        if isRateLimited {
            // Never retry earlier than the server asked; if its wait does not fit the window, stop.
            guard let retryAfterMs, retryAfterMs <= retryWindow else { return .stop(.noSafeRetryWindow) }
            return .extend(afterMs: retryAfterMs, sameKey: true)
        }
        return .extend(afterMs: min(30_000, leadEstimate / 4, retryWindow), sameKey: true)
    }

    /// The fallback cadence: `min(ttl/2, 30 s)`, at least 1 s.
    var fallbackCadenceMs: Int64 { max(1000, min(ttlMs / 2, 30_000)) }
}
