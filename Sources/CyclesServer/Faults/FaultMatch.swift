/// Which runtime requests a fault rule applies to. Every field that is set must match; an empty match
/// applies to every runtime request.
public struct FaultMatch: Codable, Sendable, Hashable {
    /// The operation, for example `.commit`.
    public var operation: RuntimeOperation?
    /// The effective tenant (the tenant of the request's API key).
    public var tenant: String?
    /// The namespace of the request's tenant.
    public var namespace: String?
    /// The reservation id in the request path.
    public var reservationID: String?
    /// The idempotency key (from `X-Idempotency-Key` or the body's `idempotency_key`).
    public var idempotencyKey: String?
    /// Skip the first `nth - 1` matching calls: the rule fires from the Nth matching call on (1-based).
    public var nth: Int?

    /// Creates a match; every parameter left `nil` matches anything.
    public init(
        operation: RuntimeOperation? = nil, tenant: String? = nil, namespace: String? = nil,
        reservationID: String? = nil, idempotencyKey: String? = nil, nth: Int? = nil
    ) {
        self.operation = operation
        self.tenant = tenant
        self.namespace = namespace
        self.reservationID = reservationID
        self.idempotencyKey = idempotencyKey
        self.nth = nth
    }

    enum CodingKeys: String, CodingKey {
        case operation, tenant, namespace
        case reservationID = "reservation_id"
        case idempotencyKey = "idempotency_key"
        case nth
    }

    /// Whether `request` satisfies every field that is set (`nth` is counted by the rule store, not here).
    func matches(_ request: InterceptedRequest) -> Bool {
        if let operation, operation != request.operation { return false }
        if let tenant, tenant != request.tenant { return false }
        if let namespace, namespace != request.namespace { return false }
        if let reservationID, reservationID != request.reservationID { return false }
        if let idempotencyKey, idempotencyKey != request.idempotencyKey { return false }
        return true
    }
}
