public import CyclesProtocol

/// The optional parts of a reservation made through the lifecycle helpers.
public struct ReservationOptions: Sendable, Hashable {
    /// Lease length, 1 000 to 86 400 000 ms (default 60 000). Always sent: the heartbeat extends by it.
    public var ttlMs: Int64
    /// Commit/release grace after expiry, 0 to 60 000 ms (server default 5 000).
    public var gracePeriodMs: Int64?
    /// What commit does when the actual exceeds the estimate (server default ALLOW_IF_AVAILABLE).
    public var overagePolicy: CommitOveragePolicy?
    /// Free-form context stored with the reservation.
    public var metadata: [String: JSONValue]?
    /// The create key; a random one when `nil`. Reuse a key to recover a reservation whose answer was lost.
    public var idempotencyKey: IdempotencyKey?

    /// Creates options.
    public init(
        ttlMs: Int64 = ProtocolLimits.defaultTTLMs, gracePeriodMs: Int64? = nil,
        overagePolicy: CommitOveragePolicy? = nil, metadata: [String: JSONValue]? = nil,
        idempotencyKey: IdempotencyKey? = nil
    ) {
        self.ttlMs = ttlMs
        self.gracePeriodMs = gracePeriodMs
        self.overagePolicy = overagePolicy
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
    }

    func request(estimate: Amount, action: Action, subject: Subject, dryRun: Bool = false) -> ReservationCreateRequest {
        ReservationCreateRequest(
            idempotencyKey: idempotencyKey ?? .random(), subject: subject, action: action, estimate: estimate,
            ttlMs: ttlMs, gracePeriodMs: gracePeriodMs, overagePolicy: overagePolicy, dryRun: dryRun ? true : nil,
            metadata: metadata)
    }
}
