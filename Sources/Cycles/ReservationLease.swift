import CyclesProtocol
import Synchronization

/// The mutable part of a live reservation, shared by its handle and its heartbeat task.
///
/// The heartbeat holds this, not the handle, so a handle that goes out of scope is really deinitialised (and
/// can release best-effort) instead of being kept alive by its own heartbeat.
final class ReservationLease: Sendable {
    /// Where a reservation is in its lifecycle, as seen by this process.
    enum Phase: Sendable, Equatable {
        /// Live and unsettled: commit or release allowed; dropping the handle releases it best-effort.
        case active
        /// A commit was genuinely rejected and the reservation is still ACTIVE on the server. An explicit commit
        /// or release is allowed, but dropping the handle does not release it: the action already ran, and
        /// releasing known spend is what the recovery profile forbids. The server's TTL is the backstop.
        case rejected
        /// A commit or release is in flight; a second settlement is refused.
        case settling
        /// Committed, released, or settlement attempted with an unknown outcome: nothing more to do here.
        case settled
    }

    private struct State: Sendable {
        var phase: Phase = .active
        var expiresAtMs: Int64?
        var heartbeat: Task<Void, Never>?
    }

    let id: ReservationID
    private let state: Mutex<State>

    init(id: ReservationID, expiresAtMs: Int64?) {
        self.id = id
        self.state = Mutex(State(expiresAtMs: expiresAtMs))
    }

    var phase: Phase { state.withLock { $0.phase } }
    var isActive: Bool { phase == .active }
    var expiresAtMs: Int64? { state.withLock { $0.expiresAtMs } }

    func updateExpiry(_ value: Int64) { state.withLock { $0.expiresAtMs = value } }

    func attachHeartbeat(_ task: Task<Void, Never>) {
        let stale: Task<Void, Never>? = state.withLock { state in
            guard state.phase == .active else { return task }  // settled before the heartbeat started
            state.heartbeat = task
            return nil
        }
        stale?.cancel()
    }

    /// Atomically moves `active`/`rejected` → `settling`; `false` if someone else already started settling.
    func beginSettling() -> Bool {
        state.withLock { state in
            guard state.phase == .active || state.phase == .rejected else { return false }
            state.phase = .settling
            return true
        }
    }

    /// Ends a settlement attempt with its resulting phase.
    func finishSettling(_ phase: Phase) { state.withLock { $0.phase = phase } }

    /// Stops the heartbeat (idempotent).
    func stopHeartbeat() {
        let task = state.withLock { state -> Task<Void, Never>? in
            defer { state.heartbeat = nil }
            return state.heartbeat
        }
        task?.cancel()
    }
}
