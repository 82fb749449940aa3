import Cycles
import Synchronization

/// A virtual clock: `sleep` advances virtual time and returns at once (so retry delays cost nothing), and the
/// requested delays are recorded for assertions. After `immediateSleeps` sleeps, further sleeps suspend until
/// the task is cancelled, which parks a heartbeat at a known point.
final class TestClock: CyclesClock {
    private struct State {
        var now: Duration = .seconds(1000)
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())
    private let immediateSleeps: Int

    init(immediateSleeps: Int = .max) { self.immediateSleeps = immediateSleeps }

    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func monotonicNow() -> Duration { state.withLock { $0.now } }

    func sleep(for duration: Duration) async throws {
        let immediate = state.withLock { state -> Bool in
            state.sleeps.append(duration)
            guard state.sleeps.count <= immediateSleeps else { return false }
            state.now += max(duration, .zero)
            return true
        }
        try Task.checkCancellation()
        if !immediate {
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        await Task.yield()
    }
}
