// Webhook wire schemas of cycles-governance-admin-v0.1.25.yaml, one type each (the single source of their field names:
// the server's strict decoding reads `wireFieldNames`, and the same types encode answers and decode them in clients).

/// One event's delivery to one subscription (the spec's `WebhookDelivery`).
public struct WebhookDelivery: Codable, Hashable, Sendable {
    /// `whdel_…`.
    public var deliveryID: String
    /// The subscription.
    public var subscriptionID: String
    /// The delivered event.
    public var eventID: String
    /// Its type.
    public var eventType: EventType?
    /// `PENDING`, `SUCCESS`, `FAILED` or `RETRYING`.
    public var status: String
    /// First attempt, or queueing time while PENDING (RFC 3339).
    public var attemptedAt: String
    /// When it succeeded or finally failed (RFC 3339).
    public var completedAt: String?
    /// Attempts so far.
    public var attempts: Int?
    /// Last HTTP status.
    public var responseStatus: Int?
    /// Last latency.
    public var responseTimeMs: Int64?
    /// Last error.
    public var errorMessage: String?
    /// Next attempt while RETRYING (RFC 3339).
    public var nextRetryAt: String?
    /// The originating event's trace id.
    public var traceID: String?
    /// W3C trace flags for the outbound traceparent.
    public var traceFlags: String?
    /// Whether the originating request carried a valid traceparent.
    public var traceparentInboundValid: Bool?

    /// Creates a value.
    public init(
        deliveryID: String, subscriptionID: String, eventID: String, status: String, attemptedAt: String,
        eventType: EventType? = nil, completedAt: String? = nil, attempts: Int? = nil, responseStatus: Int? = nil,
        responseTimeMs: Int64? = nil, errorMessage: String? = nil, nextRetryAt: String? = nil, traceID: String? = nil,
        traceFlags: String? = nil, traceparentInboundValid: Bool? = nil
    ) {
        self.deliveryID = deliveryID
        self.subscriptionID = subscriptionID
        self.eventID = eventID
        self.eventType = eventType
        self.status = status
        self.attemptedAt = attemptedAt
        self.completedAt = completedAt
        self.attempts = attempts
        self.responseStatus = responseStatus
        self.responseTimeMs = responseTimeMs
        self.errorMessage = errorMessage
        self.nextRetryAt = nextRetryAt
        self.traceID = traceID
        self.traceFlags = traceFlags
        self.traceparentInboundValid = traceparentInboundValid
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case deliveryID = "delivery_id"
        case subscriptionID = "subscription_id"
        case eventID = "event_id"
        case eventType = "event_type"
        case status
        case attemptedAt = "attempted_at"
        case completedAt = "completed_at"
        case attempts
        case responseStatus = "response_status"
        case responseTimeMs = "response_time_ms"
        case errorMessage = "error_message"
        case nextRetryAt = "next_retry_at"
        case traceID = "trace_id"
        case traceFlags = "trace_flags"
        case traceparentInboundValid = "traceparent_inbound_valid"
    }
}

/// One page of deliveries.
public struct WebhookDeliveryListResponse: Codable, Hashable, Sendable {
    /// The page.
    public var deliveries: [WebhookDelivery]
    /// Pass as `cursor` for the next page.
    public var nextCursor: String?
    /// Whether more pages follow.
    public var hasMore: Bool

    /// Creates a value.
    public init(deliveries: [WebhookDelivery], hasMore: Bool, nextCursor: String? = nil) {
        self.deliveries = deliveries
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case deliveries
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}

/// The result of a `/test` probe.
public struct WebhookTestResponse: Codable, Hashable, Sendable {
    /// Whether the endpoint answered 2xx.
    public var success: Bool
    /// Its HTTP status.
    public var responseStatus: Int?
    /// Its latency.
    public var responseTimeMs: Int64?
    /// Why it failed.
    public var errorMessage: String?
    /// The synthetic event's id.
    public var eventID: String?

    /// Creates a value.
    public init(
        success: Bool, responseStatus: Int? = nil, responseTimeMs: Int64? = nil, errorMessage: String? = nil,
        eventID: String? = nil
    ) {
        self.success = success
        self.responseStatus = responseStatus
        self.responseTimeMs = responseTimeMs
        self.errorMessage = errorMessage
        self.eventID = eventID
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case success
        case responseStatus = "response_status"
        case responseTimeMs = "response_time_ms"
        case errorMessage = "error_message"
        case eventID = "event_id"
    }
}
