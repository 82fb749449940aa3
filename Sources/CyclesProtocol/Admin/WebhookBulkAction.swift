/// Which webhook subscriptions a webhook bulk action applies to (the spec's `WebhookBulkFilter`): the query
/// parameters of `GET /v1/admin/webhooks`, ANDed; at least one member.
public struct WebhookBulkFilter: Codable, Hashable, Sendable {
    /// Only subscriptions owned by this tenant (`__system__` for system-wide ones).
    public var tenantID: String?
    /// Only this status (`ACTIVE`, `PAUSED` or `DISABLED`).
    public var status: String?
    /// Only subscriptions listing this event type.
    public var eventType: EventType?
    /// Case-insensitive substring of `subscription_id` or `url` (at most 128 characters).
    public var search: String?

    /// Creates a filter.
    public init(tenantID: String? = nil, status: String? = nil, eventType: EventType? = nil, search: String? = nil) {
        self.tenantID = tenantID
        self.status = status
        self.eventType = eventType
        self.search = search
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case status
        case eventType = "event_type"
        case search
    }
}

/// The body of `POST /v1/admin/webhooks/bulk-action`.
public struct WebhookBulkActionRequest: AdminWireRequest, Hashable {
    /// Which subscriptions.
    public var filter: WebhookBulkFilter
    /// `PAUSE`, `RESUME` or `DELETE`.
    public var action: String
    /// When present, the server's count must equal it (409 `COUNT_MISMATCH` otherwise, nothing written).
    public var expectedCount: Int?
    /// Replays the first answer for 15 minutes (1–128 characters).
    public var idempotencyKey: String

    /// Creates a request.
    public init(filter: WebhookBulkFilter, action: String, expectedCount: Int? = nil, idempotencyKey: String) {
        self.filter = filter
        self.action = action
        self.expectedCount = expectedCount
        self.idempotencyKey = idempotencyKey
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// `filter` allows only the `WebhookBulkFilter` members.
    public static var nestedWireFieldNames: [String: [String]] { ["filter": WebhookBulkFilter.wireFieldNames] }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case filter, action
        case expectedCount = "expected_count"
        case idempotencyKey = "idempotency_key"
    }
}

/// The answer of `POST /v1/admin/webhooks/bulk-action` (row ids are subscription ids).
public typealias WebhookBulkActionResponse = BulkActionResponse<String>
