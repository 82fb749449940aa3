/// `POST /v1/reservations`: hold an estimate against every budgeted scope of the subject.
public struct ReservationCreateRequest: Hashable, Sendable, Codable {
    /// Makes the call safe to retry.
    public var idempotencyKey: IdempotencyKey
    /// Who spends.
    public var subject: Subject
    /// What is paid for.
    public var action: Action
    /// How much to hold.
    public var estimate: Amount
    /// Lease length, 1 000 to 86 400 000 ms (server default 60 000).
    public var ttlMs: Int64?
    /// Extra time after expiry during which commit and release still work, 0 to 60 000 ms (default 5 000).
    public var gracePeriodMs: Int64?
    /// What commit does when the actual exceeds the estimate (default ALLOW_IF_AVAILABLE).
    public var overagePolicy: CommitOveragePolicy?
    /// Evaluate only: nothing is held and no reservation is created.
    public var dryRun: Bool?
    /// Free-form context stored with the reservation.
    public var metadata: [String: JSONValue]?

    /// Creates a reservation request; a random key is used when none is given.
    public init(
        idempotencyKey: IdempotencyKey = .random(), subject: Subject, action: Action, estimate: Amount,
        ttlMs: Int64? = nil, gracePeriodMs: Int64? = nil, overagePolicy: CommitOveragePolicy? = nil,
        dryRun: Bool? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.subject = subject
        self.action = action
        self.estimate = estimate
        self.ttlMs = ttlMs
        self.gracePeriodMs = gracePeriodMs
        self.overagePolicy = overagePolicy
        self.dryRun = dryRun
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idempotencyKey = "idempotency_key"
        case subject, action, estimate
        case ttlMs = "ttl_ms"
        case gracePeriodMs = "grace_period_ms"
        case overagePolicy = "overage_policy"
        case dryRun = "dry_run"
        case metadata
    }
}
