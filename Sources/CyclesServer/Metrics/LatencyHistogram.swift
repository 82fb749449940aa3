import Atomics

/// A fixed-bucket latency histogram whose `record` is three relaxed atomic increments (bucket, sum, count).
///
/// Why not `swift-prometheus`'s `Histogram`: its `record` takes a lock and walks every bucket, and this one sits on
/// the reserve path, where the server's added cost must stay a few atomic increments. Buckets are stored
/// non-cumulatively (one increment per observation) and made cumulative when rendered at scrape time.
final class LatencyHistogram: Sendable {
    /// Upper bounds in seconds, ascending; `+Inf` is implicit.
    static let bucketBounds: [Double] = [
        0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]
    /// The same bounds in nanoseconds, so `record` compares integers.
    private static let boundsNanoseconds: [Int] = bucketBounds.map { Int($0 * 1_000_000_000) }

    /// One slot per bound plus the overflow slot (`+Inf` only).
    private let slots: [ManagedAtomic<Int>]
    private let sumNanoseconds = ManagedAtomic<Int>(0)

    init() {
        slots = (0...Self.bucketBounds.count).map { _ in ManagedAtomic<Int>(0) }
    }

    /// Records one observation.
    func record(nanoseconds: Int) {
        let value = max(0, nanoseconds)
        var index = 0
        // ~14 integer comparisons; cheaper than a binary search at this size.
        while index < Self.boundsNanoseconds.count, value > Self.boundsNanoseconds[index] { index += 1 }
        slots[index].wrappingIncrement(ordering: .relaxed)
        sumNanoseconds.wrappingIncrement(by: value, ordering: .relaxed)
    }

    /// A consistent-enough copy for rendering: cumulative bucket counts (the last is `+Inf` and equals the count)
    /// and the sum in seconds. Read while requests run, the sum may include an observation a bucket does not yet.
    func snapshot() -> (cumulative: [Int], sumSeconds: Double) {
        var running = 0
        let cumulative = slots.map { slot in
            running += slot.load(ordering: .relaxed)
            return running
        }
        return (cumulative, Double(sumNanoseconds.load(ordering: .relaxed)) / 1_000_000_000)
    }
}
