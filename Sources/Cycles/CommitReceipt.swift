public import CyclesProtocol

/// The result of settling a reservation with its actual cost.
public struct CommitReceipt: Sendable {
    /// How the spend reached the ledger.
    public enum Path: String, Sendable, Hashable {
        /// `POST /v1/reservations/{id}/commit` succeeded.
        case commit
        /// The reservation had expired (410), so the spend was recorded with `POST /v1/events` under the
        /// commit's idempotency key, subject, action, actual and metrics.
        case eventFallback
    }

    /// How the spend reached the ledger.
    public var path: Path
    /// The reservation settled.
    public var reservationID: ReservationID
    /// What was charged (may be below the actual under ALLOW_IF_AVAILABLE; an event reports it only when capped).
    public var charged: Amount?
    /// What went back to the budget because the actual was below the estimate.
    public var released: Amount?
    /// Balances after settlement, when the server sent them.
    public var balances: [Balance]?
    /// The event id, on the event fallback path.
    public var eventID: EventID?
    /// The idempotency key every attempt used.
    public var idempotencyKey: IdempotencyKey
    /// How many HTTP attempts settlement took.
    public var attempts: Int
    /// Headers of the final answer.
    public var metadata: ResponseMetadata

    /// Whether the spend was recorded through the event fallback.
    public var recoveredViaEvent: Bool { path == .eventFallback }

    /// Creates a receipt.
    public init(
        path: Path, reservationID: ReservationID, charged: Amount?, released: Amount? = nil, balances: [Balance]? = nil,
        eventID: EventID? = nil, idempotencyKey: IdempotencyKey, attempts: Int, metadata: ResponseMetadata
    ) {
        self.path = path
        self.reservationID = reservationID
        self.charged = charged
        self.released = released
        self.balances = balances
        self.eventID = eventID
        self.idempotencyKey = idempotencyKey
        self.attempts = attempts
        self.metadata = metadata
    }
}
