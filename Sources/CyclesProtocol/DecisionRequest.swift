/// `POST /v1/decide`: ask whether an action would be allowed, without holding budget.
public struct DecisionRequest: Hashable, Sendable, Codable {
    /// Makes the call safe to retry.
    public var idempotencyKey: IdempotencyKey
    /// Who would spend.
    public var subject: Subject
    /// What would be paid for.
    public var action: Action
    /// How much it would cost.
    public var estimate: Amount
    /// Free-form context.
    public var metadata: [String: JSONValue]?

    /// Creates a decision request; a random key is used when none is given.
    public init(
        idempotencyKey: IdempotencyKey = .random(), subject: Subject, action: Action, estimate: Amount,
        metadata: [String: JSONValue]? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.subject = subject
        self.action = action
        self.estimate = estimate
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idempotencyKey = "idempotency_key"
        case subject, action, estimate, metadata
    }
}
