/// `POST /v1/reservations/{id}/commit`: settle a reservation with the actual cost.
public struct CommitRequest: Hashable, Sendable, Codable {
    /// Makes the call safe to retry; reuse it on every retry of the same commit.
    public var idempotencyKey: IdempotencyKey
    /// What the action really cost (same unit as the estimate).
    public var actual: Amount
    /// Usage figures.
    public var metrics: StandardMetrics?
    /// Free-form context stored as `committed_metadata`.
    public var metadata: [String: JSONValue]?

    /// Creates a commit request; a random key is used when none is given.
    public init(
        idempotencyKey: IdempotencyKey = .random(), actual: Amount, metrics: StandardMetrics? = nil,
        metadata: [String: JSONValue]? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.actual = actual
        self.metrics = metrics
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idempotencyKey = "idempotency_key"
        case actual, metrics, metadata
    }
}
