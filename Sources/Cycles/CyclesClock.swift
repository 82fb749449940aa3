/// The time source the client uses for retry delays, heartbeat scheduling and latency measurement.
///
/// Production code uses ``SystemCyclesClock``. Tests inject a clock whose `sleep` returns at once so that
/// retry and heartbeat behaviour can be checked without waiting in real time.
public protocol CyclesClock: Sendable {
    /// A monotonic reading: time elapsed since an arbitrary fixed origin. Never goes backwards.
    func monotonicNow() -> Duration
    /// Suspends the calling task for `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock: `ContinuousClock` readings and sleeps.
public struct SystemCyclesClock: CyclesClock {
    private let origin: ContinuousClock.Instant

    /// Creates a clock whose readings start at zero now.
    public init() { origin = ContinuousClock.now }

    /// Time elapsed since this clock was created.
    public func monotonicNow() -> Duration { ContinuousClock.now - origin }

    /// Sleeps on the continuous clock.
    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(for: duration, clock: .continuous)
    }
}

extension Int64 {
    /// `self + other`, saturating at the bounds instead of trapping (the heartbeat spec treats overflow as infinity).
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { return other > 0 ? .max : .min }
        return sum
    }

    /// `self - other`, saturating at the bounds.
    func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        if overflow { return other < 0 ? .max : .min }
        return difference
    }

    /// `self * other`, saturating at the bounds.
    func saturatingMultiply(_ other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        if overflow { return (self < 0) == (other < 0) ? .max : .min }
        return product
    }
}
