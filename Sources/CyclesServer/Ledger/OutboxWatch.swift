import Synchronization

/// When the webhook dispatcher should read the outbox, so an idle server does not query it on every tick (many
/// servers share a process in tests, and every server shares the machine with its requests).
///
/// It polls while deliveries were enqueued in the last half second (covering the enqueuing transaction's commit),
/// when the earliest scheduled retry is due by the namespace clock (a `--mock` clock advanced past it counts), and
/// otherwise once a second as a safety net (rows left by an earlier process, retries scheduled behind the earliest).
final class OutboxWatch: Sendable {
    private struct State {
        var pollUntilWallMs: Int64
        var nextRetryMs: Int64?
        var lastPollWallMs: Int64
    }

    static let settleMs: Int64 = 500
    static let safetyNetMs: Int64 = 1_000
    private let state = Mutex(State(pollUntilWallMs: NamespaceClock.wallClockMs() + settleMs, nextRetryMs: nil, lastPollWallMs: 0))

    /// Deliveries were inserted (their transaction commits within moments).
    func deliveriesEnqueued() {
        let until = NamespaceClock.wallClockMs() + Self.settleMs
        state.withLock { $0.pollUntilWallMs = max($0.pollUntilWallMs, until) }
    }

    /// A retry was scheduled for `atMs` on the namespace clock.
    func retryScheduled(atMs: Int64) {
        state.withLock { $0.nextRetryMs = min($0.nextRetryMs ?? atMs, atMs) }
    }

    /// Whether to read the outbox now (`clockMs`: the namespace clock the retry schedule uses).
    func shouldPoll(clockMs: Int64) -> Bool {
        let wall = NamespaceClock.wallClockMs()
        return state.withLock { state in
            let retryDue = state.nextRetryMs.map { clockMs >= $0 } ?? false
            guard wall <= state.pollUntilWallMs || retryDue || wall - state.lastPollWallMs >= Self.safetyNetMs else {
                return false
            }
            if retryDue { state.nextRetryMs = nil }
            state.lastPollWallMs = wall
            return true
        }
    }
}
