import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Forwards SIGINT/SIGTERM into an async stream. The C handler may only touch async-signal-safe state, so it
/// writes the signal number into an atomic that a polling task forwards.
enum SignalRelay {
    static let pending = Atomic<Int32>(0)

    static func install(_ continuation: AsyncStream<Int32>.Continuation) {
        signal(SIGINT) { number in SignalRelay.pending.store(number, ordering: .relaxed) }
        signal(SIGTERM) { number in SignalRelay.pending.store(number, ordering: .relaxed) }
        Task {
            while true {
                let number = pending.exchange(0, ordering: .relaxed)
                if number != 0 {
                    continuation.yield(number)
                    continuation.finish()
                    return
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
