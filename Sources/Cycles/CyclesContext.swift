public import CyclesProtocol
import Synchronization

/// What the body of ``withCycles(_:estimate:action:subject:options:isolation:_:)`` sees of its reservation,
/// and where it leaves metrics and commit metadata.
public final class CyclesContext: Sendable {
    private struct Writable: Sendable {
        var metrics = StandardMetrics()
        var commitMetadata: [String: JSONValue] = [:]
    }

    let handle: ReservationHandle
    private let writable = Mutex(Writable())

    init(handle: ReservationHandle) { self.handle = handle }

    /// The reservation id.
    public var reservationID: ReservationID { handle.id }
    /// ALLOW or ALLOW_WITH_CAPS.
    public var decision: Decision { handle.decision }
    /// Limits that came with ALLOW_WITH_CAPS.
    public var caps: Caps? { handle.caps }
    /// The current authoritative expiry (epoch ms), kept up to date by the heartbeat.
    public var expiresAtMs: Int64? { handle.expiresAtMs }
    /// Every derived scope, root first.
    public var affectedScopes: [String] { handle.affectedScopes }
    /// The trace id all requests of this reservation carry.
    public var traceID: String { handle.traceID }

    /// Metrics sent with the commit. `latency_ms` is filled in automatically when left unset.
    public var metrics: StandardMetrics {
        get { writable.withLock { $0.metrics } }
        set { writable.withLock { $0.metrics = newValue } }
    }

    /// Metadata sent with the commit (stored as `committed_metadata`).
    public var commitMetadata: [String: JSONValue] {
        get { writable.withLock { $0.commitMetadata } }
        set { writable.withLock { $0.commitMetadata = newValue } }
    }

    /// Changes metrics in place, atomically.
    public func updateMetrics(_ change: (inout StandardMetrics) -> Void) {
        writable.withLock { change(&$0.metrics) }
    }
}
