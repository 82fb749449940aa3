/// `POST /v1/events`: charge an amount directly, without a reservation (also how an expired commit settles).
public struct EventCreateRequest: Hashable, Sendable, Codable {
    /// Makes the call safe to retry.
    public var idempotencyKey: IdempotencyKey
    /// Who spent.
    public var subject: Subject
    /// What was paid for.
    public var action: Action
    /// What it cost.
    public var actual: Amount
    /// What to do when the budget cannot cover it (default ALLOW_IF_AVAILABLE).
    public var overagePolicy: CommitOveragePolicy?
    /// Usage figures.
    public var metrics: StandardMetrics?
    /// The client's clock when the spend happened; advisory only.
    public var clientTimeMs: Int64?
    /// Free-form context.
    public var metadata: [String: JSONValue]?

    /// Creates an event request; a random key is used when none is given.
    public init(
        idempotencyKey: IdempotencyKey = .random(), subject: Subject, action: Action, actual: Amount,
        overagePolicy: CommitOveragePolicy? = nil, metrics: StandardMetrics? = nil, clientTimeMs: Int64? = nil,
        metadata: [String: JSONValue]? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.subject = subject
        self.action = action
        self.actual = actual
        self.overagePolicy = overagePolicy
        self.metrics = metrics
        self.clientTimeMs = clientTimeMs
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idempotencyKey = "idempotency_key"
        case subject, action, actual
        case overagePolicy = "overage_policy"
        case metrics
        case clientTimeMs = "client_time_ms"
        case metadata
    }
}
