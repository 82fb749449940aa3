// Webhook wire schemas of cycles-governance-admin-v0.1.25.yaml, one type each (the single source of their field names:
// the server's strict decoding reads `wireFieldNames`, and the same types encode answers and decode them in clients).

/// A webhook subscription as answered (the spec's `WebhookSubscription`): the signing secret is write-only and never
/// appears; custom header values are masked.
public struct WebhookSubscription: Codable, Hashable, Sendable {
    /// `whsub_…`.
    public var subscriptionID: String
    /// The owning tenant, or `__system__` for a system-wide subscription.
    public var tenantID: String
    /// Display name (≤ 256).
    public var name: String?
    /// Description (≤ 1024).
    public var description: String?
    /// The endpoint deliveries are POSTed to.
    public var url: String
    /// Selected types (may be empty when event_categories is not).
    public var eventTypes: [EventType]
    /// Selected categories (additive with event_types).
    public var eventCategories: [EventCategory]?
    /// Scope pattern narrowing matching (`tenant:acme/*`).
    public var scopeFilter: String?
    /// Threshold settings for threshold-based events.
    public var thresholds: WebhookThresholdConfig?
    /// Custom headers sent with deliveries; values masked in answers.
    public var headers: [String: String]?
    /// `ACTIVE`, `PAUSED` or `DISABLED`.
    public var status: String
    /// Retry schedule for failed deliveries.
    public var retryPolicy: WebhookRetryPolicy?
    /// Consecutive failures before auto-disable (default 10).
    public var disableAfterFailures: Int?
    /// Current consecutive failures.
    public var consecutiveFailures: Int?
    /// Creation (RFC 3339).
    public var createdAt: String
    /// Last change (RFC 3339).
    public var updatedAt: String?
    /// Last dispatch (RFC 3339).
    public var lastTriggeredAt: String?
    /// Last 2xx delivery (RFC 3339).
    public var lastSuccessAt: String?
    /// Last failed delivery (RFC 3339).
    public var lastFailureAt: String?
    /// Operator tags.
    public var metadata: [String: JSONValue]?

    /// Creates a value.
    public init(
        subscriptionID: String, tenantID: String, url: String, eventTypes: [EventType], status: String,
        createdAt: String, name: String? = nil, description: String? = nil, eventCategories: [EventCategory]? = nil,
        scopeFilter: String? = nil, thresholds: WebhookThresholdConfig? = nil, headers: [String: String]? = nil,
        retryPolicy: WebhookRetryPolicy? = nil, disableAfterFailures: Int? = nil, consecutiveFailures: Int? = nil,
        updatedAt: String? = nil, lastTriggeredAt: String? = nil, lastSuccessAt: String? = nil,
        lastFailureAt: String? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.subscriptionID = subscriptionID
        self.tenantID = tenantID
        self.name = name
        self.description = description
        self.url = url
        self.eventTypes = eventTypes
        self.eventCategories = eventCategories
        self.scopeFilter = scopeFilter
        self.thresholds = thresholds
        self.headers = headers
        self.status = status
        self.retryPolicy = retryPolicy
        self.disableAfterFailures = disableAfterFailures
        self.consecutiveFailures = consecutiveFailures
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastTriggeredAt = lastTriggeredAt
        self.lastSuccessAt = lastSuccessAt
        self.lastFailureAt = lastFailureAt
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subscriptionID = "subscription_id"
        case tenantID = "tenant_id"
        case name
        case description
        case url
        case eventTypes = "event_types"
        case eventCategories = "event_categories"
        case scopeFilter = "scope_filter"
        case thresholds
        case headers
        case status
        case retryPolicy = "retry_policy"
        case disableAfterFailures = "disable_after_failures"
        case consecutiveFailures = "consecutive_failures"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastTriggeredAt = "last_triggered_at"
        case lastSuccessAt = "last_success_at"
        case lastFailureAt = "last_failure_at"
        case metadata
    }
}

/// One page of subscriptions.
public struct WebhookListResponse: Codable, Hashable, Sendable {
    /// The page.
    public var subscriptions: [WebhookSubscription]
    /// Pass as `cursor` for the next page.
    public var nextCursor: String?
    /// Whether more pages follow.
    public var hasMore: Bool

    /// Creates a value.
    public init(subscriptions: [WebhookSubscription], hasMore: Bool, nextCursor: String? = nil) {
        self.subscriptions = subscriptions
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subscriptions
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}

/// Retry schedule of failed deliveries (the spec's `WebhookRetryPolicy`): delay n = min(initial_delay_ms ×
/// backoff_multiplier^(n−1), max_delay_ms).
public struct WebhookRetryPolicy: Codable, Hashable, Sendable {
    /// Every member name the schema allows (it is closed: `additionalProperties: false`).
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Retries after the first failure, 0–10 (default 5).
    public var maxRetries: Int?
    /// Delay before the first retry, 100–60000 (default 1000).
    public var initialDelayMs: Int64?
    /// Growth per retry, 1.0–10.0 (default 2.0).
    public var backoffMultiplier: Double?
    /// Largest delay, 1000–3600000 (default 60000).
    public var maxDelayMs: Int64?

    /// Creates a value.
    public init(
        maxRetries: Int? = nil, initialDelayMs: Int64? = nil, backoffMultiplier: Double? = nil,
        maxDelayMs: Int64? = nil
    ) {
        self.maxRetries = maxRetries
        self.initialDelayMs = initialDelayMs
        self.backoffMultiplier = backoffMultiplier
        self.maxDelayMs = maxDelayMs
    }

    /// The spec's defaults: 5 retries, 1 s doubling up to 60 s.
    public static let defaults = WebhookRetryPolicy(
        maxRetries: 5, initialDelayMs: 1000, backoffMultiplier: 2.0, maxDelayMs: 60000)

    /// This policy with every absent field taken from ``defaults``.
    public var resolved: WebhookRetryPolicy {
        let fallback = Self.defaults
        return WebhookRetryPolicy(
            maxRetries: maxRetries ?? fallback.maxRetries, initialDelayMs: initialDelayMs ?? fallback.initialDelayMs,
            backoffMultiplier: backoffMultiplier ?? fallback.backoffMultiplier,
            maxDelayMs: maxDelayMs ?? fallback.maxDelayMs)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxRetries = "max_retries"
        case initialDelayMs = "initial_delay_ms"
        case backoffMultiplier = "backoff_multiplier"
        case maxDelayMs = "max_delay_ms"
    }
}

/// Threshold settings of a subscription (the spec's `WebhookThresholdConfig`).
public struct WebhookThresholdConfig: Codable, Hashable, Sendable {
    /// Every member name the schema allows (it is closed: `additionalProperties: false`).
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Utilization thresholds, each 0–1 (default [0.80, 0.95, 1.0]).
    public var budgetUtilization: [Double]?
    /// ≥ 1.5 (default 3.0).
    public var burnRateMultiplier: Double?
    /// 60–86400 (default 300).
    public var burnRateWindowSeconds: Int?
    /// 0–1 (default 0.10).
    public var denialRateThreshold: Double?
    /// 0–1 (default 0.05).
    public var expiryRateThreshold: Double?
    /// 0–1 (default 0.10).
    public var authFailureRateThreshold: Double?
    /// 60–86400 (default 300).
    public var rateWindowSeconds: Int?

    /// Creates a value.
    public init(
        budgetUtilization: [Double]? = nil, burnRateMultiplier: Double? = nil, burnRateWindowSeconds: Int? = nil,
        denialRateThreshold: Double? = nil, expiryRateThreshold: Double? = nil,
        authFailureRateThreshold: Double? = nil, rateWindowSeconds: Int? = nil
    ) {
        self.budgetUtilization = budgetUtilization
        self.burnRateMultiplier = burnRateMultiplier
        self.burnRateWindowSeconds = burnRateWindowSeconds
        self.denialRateThreshold = denialRateThreshold
        self.expiryRateThreshold = expiryRateThreshold
        self.authFailureRateThreshold = authFailureRateThreshold
        self.rateWindowSeconds = rateWindowSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case budgetUtilization = "budget_utilization"
        case burnRateMultiplier = "burn_rate_multiplier"
        case burnRateWindowSeconds = "burn_rate_window_seconds"
        case denialRateThreshold = "denial_rate_threshold"
        case expiryRateThreshold = "expiry_rate_threshold"
        case authFailureRateThreshold = "auth_failure_rate_threshold"
        case rateWindowSeconds = "rate_window_seconds"
    }
}
