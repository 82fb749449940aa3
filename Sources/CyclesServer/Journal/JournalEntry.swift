/// One runtime request as the mock server saw it.
public struct JournalEntry: Codable, Sendable, Hashable {
    /// Position in the journal, starting at 1; increases with every recorded request.
    public var sequence: Int
    /// Wall-clock time the request arrived (epoch ms).
    public var receivedAtMs: Int64
    /// HTTP method.
    public var method: String
    /// Path without the query.
    public var path: String
    /// The runtime operation.
    public var operation: RuntimeOperation
    /// Tenant of the API key, when the key was known.
    public var tenant: String?
    /// Namespace of that tenant.
    public var namespace: String?
    /// Idempotency key from the header or the body.
    public var idempotencyKey: String?
    /// Reservation id from the path, or from the answer of a reserve.
    public var reservationID: String?
    /// The status the server produced; `nil` when the connection was dropped before the request was applied.
    /// For `drop_response` it is the status of the answer the client never received.
    public var status: Int?
    /// Whether the client received an answer.
    public var responded: Bool
    /// Time spent handling the request, including injected latency (milliseconds).
    public var durationMs: Double
    /// The fault applied, for example `drop_response`; `nil` when none.
    public var fault: String?
    /// The id of the fault rule that fired, or `header` for `X-Cycles-Mock-Fault`.
    public var faultRuleID: String?

    /// Creates an entry.
    public init(
        sequence: Int, receivedAtMs: Int64, method: String, path: String, operation: RuntimeOperation,
        tenant: String? = nil, namespace: String? = nil, idempotencyKey: String? = nil, reservationID: String? = nil,
        status: Int? = nil, responded: Bool = true, durationMs: Double = 0, fault: String? = nil,
        faultRuleID: String? = nil
    ) {
        self.sequence = sequence
        self.receivedAtMs = receivedAtMs
        self.method = method
        self.path = path
        self.operation = operation
        self.tenant = tenant
        self.namespace = namespace
        self.idempotencyKey = idempotencyKey
        self.reservationID = reservationID
        self.status = status
        self.responded = responded
        self.durationMs = durationMs
        self.fault = fault
        self.faultRuleID = faultRuleID
    }

    enum CodingKeys: String, CodingKey {
        case sequence
        case receivedAtMs = "received_at_ms"
        case method, path, operation, tenant, namespace
        case idempotencyKey = "idempotency_key"
        case reservationID = "reservation_id"
        case status, responded
        case durationMs = "duration_ms"
        case fault
        case faultRuleID = "fault_rule_id"
    }
}
