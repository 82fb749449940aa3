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

/// The body of `POST /v1/admin/webhooks/{subscription_id}/replay`.
public struct WebhookReplayRequest: AdminWireRequest, Hashable {
    /// Start of the window (RFC 3339, inclusive).
    public var from: String?
    /// End of the window (RFC 3339, inclusive).
    public var to: String?
    /// Only these types (default: every type the subscription selects).
    public var eventTypes: [EventType]?
    /// 1–1000 (default 100); a window holding more deliverable events is refused, never truncated.
    public var maxEvents: Int?

    /// Creates a request.
    public init(from: String? = nil, to: String? = nil, eventTypes: [EventType]? = nil, maxEvents: Int? = nil) {
        self.from = from
        self.to = to
        self.eventTypes = eventTypes
        self.maxEvents = maxEvents
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case from, to
        case eventTypes = "event_types"
        case maxEvents = "max_events"
    }
}

/// The 202 answer to a replay.
public struct WebhookReplayResponse: Codable, Hashable, Sendable {
    /// `replay_…`.
    public var replayID: String
    /// Deliveries enqueued (one per selected event).
    public var eventsQueued: Int
    /// A rough estimate.
    public var estimatedCompletionSeconds: Int

    /// Creates an answer.
    public init(replayID: String, eventsQueued: Int, estimatedCompletionSeconds: Int) {
        self.replayID = replayID
        self.eventsQueued = eventsQueued
        self.estimatedCompletionSeconds = estimatedCompletionSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case replayID = "replay_id"
        case eventsQueued = "events_queued"
        case estimatedCompletionSeconds = "estimated_completion_seconds"
    }
}
