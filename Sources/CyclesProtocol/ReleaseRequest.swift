/// `POST /v1/reservations/{id}/release`: give the whole hold back without spending.
public struct ReleaseRequest: Hashable, Sendable, Codable {
    /// Makes the call safe to retry.
    public var idempotencyKey: IdempotencyKey
    /// Why, at most 256 characters.
    public var reason: String?

    /// Creates a release request; a random key is used when none is given.
    public init(idempotencyKey: IdempotencyKey = .random(), reason: String? = nil) {
        self.idempotencyKey = idempotencyKey
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idempotencyKey = "idempotency_key"
        case reason
    }
}
