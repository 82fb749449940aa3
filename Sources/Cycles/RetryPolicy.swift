/// How settlement (commit, and the event fallback) retries ambiguous failures.
///
/// Retries always reuse the original idempotency key, so a retry can never settle twice. Delays grow
/// exponentially from `initialDelay` by `multiplier`, are capped at `maxDelay`, and are spread by `jitter` so a
/// fleet of clients does not retry in lock-step. A 429 `Retry-After` is honoured as a floor when it does not
/// exceed `maxRetryAfter`; a longer one ends the retries (the settlement is reported as unresolved, never released).
public struct RetryPolicy: Sendable, Hashable {
    /// Whether settlement is retried at all (`CYCLES_RETRY_ENABLED`).
    public var isEnabled: Bool
    /// Total attempts including the first (`CYCLES_RETRY_MAX_ATTEMPTS`), at least 1.
    public var maxAttempts: Int
    /// Delay before the first retry (`CYCLES_RETRY_INITIAL_DELAY`, ms).
    public var initialDelay: Duration
    /// Growth factor between retries (`CYCLES_RETRY_MULTIPLIER`), at least 1.
    public var multiplier: Double
    /// Upper bound for one backoff delay (`CYCLES_RETRY_MAX_DELAY`, ms).
    public var maxDelay: Duration
    /// The longest server `Retry-After` the client will wait for inline.
    public var maxRetryAfter: Duration
    /// Fraction of each backoff delay that is randomised, 0 (none) to 1 (full jitter).
    public var jitter: Double

    /// Creates a policy; the defaults match the other Cycles SDKs (5 attempts, 500 ms, ×2, 30 s cap).
    public init(
        isEnabled: Bool = true, maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(500),
        multiplier: Double = 2, maxDelay: Duration = .seconds(30), maxRetryAfter: Duration = .seconds(60),
        jitter: Double = 0.2
    ) {
        self.isEnabled = isEnabled
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
    }

    /// A policy that never retries.
    public static let disabled = RetryPolicy(isEnabled: false, maxAttempts: 1)

    /// The backoff before retry number `retry` (1 for the first retry), without jitter.
    public func baseDelay(beforeRetry retry: Int) -> Duration {
        let initialMs = Double(max(0, initialDelay.wholeMilliseconds))
        let capMs = Double(max(0, maxDelay.wholeMilliseconds))
        let exponent = Double(max(0, retry - 1))
        let raw = initialMs * pow(max(1, multiplier), exponent)
        let bounded = raw.isFinite ? min(raw, capMs) : capMs
        return .milliseconds(Int64(bounded))
    }

    /// The backoff before retry number `retry`, spread by `jitter` using `unitRandom` in `0...1`.
    public func delay(beforeRetry retry: Int, unitRandom: Double) -> Duration {
        let base = Double(baseDelay(beforeRetry: retry).wholeMilliseconds)
        let spread = min(max(jitter, 0), 1)
        let factor = 1 - spread + spread * min(max(unitRandom, 0), 1)
        return .milliseconds(Int64(base * factor))
    }

    /// The backoff before retry number `retry` with system randomness.
    func jitteredDelay(beforeRetry retry: Int) -> Duration {
        delay(beforeRetry: retry, unitRandom: Double.random(in: 0...1))
    }
}

/// `base` raised to `exponent`, by repeated multiplication (avoids importing Foundation for `pow`).
private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 && result.isFinite {
        result *= base
        remaining -= 1
    }
    return result
}
