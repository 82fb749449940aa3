import Synchronization

/// "Something changed since I last looked", without polling: a generation counter that `signal()` moves, and waiters
/// parked on continuations until it moves past the generation they saw or their deadline passes.
///
/// A waiter reads `generation`, looks at the data, and if nothing it wants is there calls `wait(after:until:)` with
/// the generation it read; a change that lands between the read and the wait has already moved the counter, so the
/// wait returns at once and no change is missed. The ledger signals one after each commit that appended an event or
/// changed a webhook delivery (`Ledger.eventStreamChanges`); `CyclesTesting`'s webhook receiver signals one per
/// request it records.
package final class ChangeSignal: Sendable {
    /// One parked waiter: resumed exactly once, by a signal, its deadline or its task's cancellation, whichever
    /// comes first (possibly before its continuation exists).
    private final class Waiter: Sendable {
        private enum Phase {
            case idle
            case waiting(CheckedContinuation<Void, Never>)
            case finished
        }
        private let phase = Mutex(Phase.idle)

        func park() async {
            await withCheckedContinuation { continuation in
                let finished = phase.withLock { phase -> Bool in
                    if case .finished = phase { return true }
                    phase = .waiting(continuation)
                    return false
                }
                if finished { continuation.resume() }
            }
        }

        func finish() {
            let continuation = phase.withLock { phase -> CheckedContinuation<Void, Never>? in
                defer { phase = .finished }
                if case .waiting(let continuation) = phase { return continuation }
                return nil
            }
            continuation?.resume()
        }
    }

    private struct State {
        var generation: UInt64 = 0
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
    }

    private let state = Mutex(State())

    /// A signal nobody has moved yet.
    package init() {}

    /// The current generation: read it before looking at the data the signal guards.
    package var generation: UInt64 { state.withLock { $0.generation } }

    /// Moves the generation and wakes every waiter.
    package func signal() {
        let woken = state.withLock { state -> [Waiter] in
            state.generation &+= 1
            defer { state.waiters.removeAll(keepingCapacity: true) }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.finish() }
    }

    /// Suspends until the generation differs from `seen` (true) or `deadline` passes (false). Cancellation ends the
    /// wait early (answering true, so a caller's loop reaches its own `Task.checkCancellation()`).
    package func wait(after seen: UInt64, until deadline: ContinuousClock.Instant) async -> Bool {
        let waiter = Waiter()
        let registered = state.withLock { state -> UInt64? in
            guard state.generation == seen else { return nil }
            state.nextWaiterID &+= 1
            state.waiters[state.nextWaiterID] = waiter
            return state.nextWaiterID
        }
        guard let id = registered else { return true }
        // A deadline, not a poll: one timer per wait, cancelled as soon as the signal comes.
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            waiter.finish()
        }
        await withTaskCancellationHandler {
            await waiter.park()
        } onCancel: {
            waiter.finish()
        }
        timer.cancel()
        state.withLock { _ = $0.waiters.removeValue(forKey: id) }
        return generation != seen || Task.isCancelled
    }
}
