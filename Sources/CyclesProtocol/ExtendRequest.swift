/// `POST /v1/reservations/{id}/extend`: push the expiry out (the heartbeat).
public struct ExtendRequest: Hashable, Sendable, Codable {
    /// Makes the call safe to retry.
    public var idempotencyKey: IdempotencyKey
    /// Added to the current expiry (not to now), 1 to 86 400 000 ms.
    public var extendByMs: Int64
    /// Free-form context.
    public var metadata: [String: JSONValue]?

    /// Creates an extend request; a random key is used when none is given.
    public init(idempotencyKey: IdempotencyKey = .random(), extendByMs: Int64, metadata: [String: JSONValue]? = nil) {
        self.idempotencyKey = idempotencyKey
        self.extendByMs = extendByMs
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idempotencyKey = "idempotency_key"
        case extendByMs = "extend_by_ms"
        case metadata
    }
}
