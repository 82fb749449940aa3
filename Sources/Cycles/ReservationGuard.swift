public import CyclesProtocol

/// A live reservation that the compiler makes you settle at most once.
///
/// `ReservationGuard` is `~Copyable`: ``commit(actual:metrics:metadata:)`` and ``release(reason:)`` are
/// `consuming`, so committing twice, committing after releasing, or touching the guard after either is a
/// compile-time error (`'reservation' consumed more than once` / `used after consume`).
///
/// While the guard is alive its heartbeat extends the lease on the spec's schedule. If it is dropped without
/// being settled, the reservation is released best-effort and a warning is logged; don't rely on that for
/// work that was actually paid for — commit it.
///
/// A `~Copyable` value cannot go into an array or be a `Task` result; use ``intoHandle()`` or
/// ``CyclesClient/withReservation(estimate:action:subject:options:isolation:_:)`` there.
public struct ReservationGuard: ~Copyable, Sendable {
    private let handle: ReservationHandle

    init(handle: ReservationHandle) { self.handle = handle }

    /// The server-assigned id.
    public var id: ReservationID { handle.id }
    /// ALLOW or ALLOW_WITH_CAPS.
    public var decision: Decision { handle.decision }
    /// Limits that came with ALLOW_WITH_CAPS (check ``Caps/isToolAllowed(_:)`` before calling a tool).
    public var caps: Caps? { handle.caps }
    /// Whether the decision was ALLOW_WITH_CAPS.
    public var isCapped: Bool { handle.isCapped }
    /// The current authoritative expiry (epoch ms), kept up to date by the heartbeat.
    public var expiresAtMs: Int64? { handle.expiresAtMs }
    /// Every derived scope, root first.
    public var affectedScopes: [String] { handle.affectedScopes }
    /// The canonical scope path.
    public var scopePath: String? { handle.scopePath }
    /// The amount held.
    public var reserved: Amount? { handle.reserved }
    /// The subject as sent (defaults applied).
    public var subject: Subject { handle.subject }
    /// The action as sent.
    public var action: Action { handle.action }
    /// The trace id all requests of this reservation carry.
    public var traceID: String { handle.traceID }

    /// Commits the actual cost and ends the guard.
    ///
    /// Ambiguous failures are retried with the same idempotency key; an expired reservation is settled through
    /// `POST /v1/events`; nothing is ever released because settlement was ambiguous.
    ///
    /// - Throws: ``CyclesError`` (`.settlementUnresolved` when retries ran out, `.server` for a genuine
    ///   rejection); `CancellationError`. The guard is consumed either way.
    @discardableResult
    public consuming func commit(
        actual: Amount, metrics: StandardMetrics? = nil, metadata: [String: JSONValue]? = nil
    ) async throws -> CommitReceipt {
        try await handle.commit(actual: actual, metrics: metrics, metadata: metadata)
    }

    /// Releases the whole hold and ends the guard.
    @discardableResult
    public consuming func release(reason: String? = nil) async throws -> CyclesResponse<ReleaseResponse> {
        try await handle.release(reason: reason)
    }

    /// Gives up compile-time checking: returns the runtime-checked, copyable handle (heartbeat keeps running).
    public consuming func intoHandle() -> ReservationHandle { handle }
}
