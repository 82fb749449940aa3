/// A filter over the request journal; every field that is set must match.
public struct JournalQuery: Sendable, Hashable {
    /// Only this namespace.
    public var namespace: String?
    /// Only this operation.
    public var operation: RuntimeOperation?
    /// Only this tenant.
    public var tenant: String?
    /// Only this idempotency key.
    public var idempotencyKey: String?
    /// Only this reservation id.
    public var reservationID: String?
    /// At most this many entries: the most recent ones, still in arrival order.
    public var limit: Int?

    /// Creates a filter; `nil` fields match anything.
    public init(
        namespace: String? = nil, operation: RuntimeOperation? = nil, tenant: String? = nil,
        idempotencyKey: String? = nil, reservationID: String? = nil, limit: Int? = nil
    ) {
        self.namespace = namespace
        self.operation = operation
        self.tenant = tenant
        self.idempotencyKey = idempotencyKey
        self.reservationID = reservationID
        self.limit = limit
    }

    /// Whether `entry` passes the filter (ignoring `limit`).
    public func matches(_ entry: JournalEntry) -> Bool {
        if let namespace, entry.namespace != namespace { return false }
        if let operation, entry.operation != operation { return false }
        if let tenant, entry.tenant != tenant { return false }
        if let idempotencyKey, entry.idempotencyKey != idempotencyKey { return false }
        if let reservationID, entry.reservationID != reservationID { return false }
        return true
    }
}
