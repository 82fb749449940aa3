// Webhook wire schemas of cycles-governance-admin-v0.1.25.yaml, one type each (the single source of their field names:
// the server's strict decoding reads `wireFieldNames`, and the same types encode answers and decode them in clients).

/// The body of `POST /v1/admin/webhooks` and `POST /v1/webhooks`.
public struct WebhookCreateRequest: AdminWireRequest, Hashable {
    /// ≤ 256 characters.
    public var name: String?
    /// ≤ 1024 characters.
    public var description: String?
    /// The endpoint (≤ 2048; HTTPS unless the security config allows HTTP).
    public var url: String
    /// At least one type on create.
    public var eventTypes: [EventType]
    /// Categories, additive with event_types.
    public var eventCategories: [EventCategory]?
    /// Scope pattern.
    public var scopeFilter: String?
    /// Threshold settings.
    public var thresholds: WebhookThresholdConfig?
    /// The HMAC secret; generated when omitted.
    public var signingSecret: String?
    /// Custom delivery headers.
    public var headers: [String: String]?
    /// Retry schedule.
    public var retryPolicy: WebhookRetryPolicy?
    /// ≥ 1 (default 10).
    public var disableAfterFailures: Int?
    /// Operator tags.
    public var metadata: [String: JSONValue]?

    /// Creates a value.
    public init(
        url: String, eventTypes: [EventType], name: String? = nil, description: String? = nil,
        eventCategories: [EventCategory]? = nil, scopeFilter: String? = nil,
        thresholds: WebhookThresholdConfig? = nil, signingSecret: String? = nil, headers: [String: String]? = nil,
        retryPolicy: WebhookRetryPolicy? = nil, disableAfterFailures: Int? = nil,
        metadata: [String: JSONValue]? = nil
    ) {
        self.name = name
        self.description = description
        self.url = url
        self.eventTypes = eventTypes
        self.eventCategories = eventCategories
        self.scopeFilter = scopeFilter
        self.thresholds = thresholds
        self.signingSecret = signingSecret
        self.headers = headers
        self.retryPolicy = retryPolicy
        self.disableAfterFailures = disableAfterFailures
        self.metadata = metadata
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// `retry_policy` and `thresholds` are closed objects too.
    public static var nestedWireFieldNames: [String: [String]] {
        ["retry_policy": WebhookRetryPolicy.wireFieldNames, "thresholds": WebhookThresholdConfig.wireFieldNames]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case description
        case url
        case eventTypes = "event_types"
        case eventCategories = "event_categories"
        case scopeFilter = "scope_filter"
        case thresholds
        case signingSecret = "signing_secret"
        case headers
        case retryPolicy = "retry_policy"
        case disableAfterFailures = "disable_after_failures"
        case metadata
    }
}

/// The answer to a create: the subscription and, this once only, its signing secret.
public struct WebhookCreateResponse: Codable, Hashable, Sendable {
    /// The new subscription.
    public var subscription: WebhookSubscription
    /// The secret to verify `X-Cycles-Signature` with; never returned again.
    public var signingSecret: String?

    /// Creates a value.
    public init(subscription: WebhookSubscription, signingSecret: String? = nil) {
        self.subscription = subscription
        self.signingSecret = signingSecret
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subscription
        case signingSecret = "signing_secret"
    }
}

/// The body of `PATCH /v1/admin/webhooks/{id}` and `PATCH /v1/webhooks/{id}`: only the fields present change.
public struct WebhookUpdateRequest: AdminWireRequest, Hashable {
    /// New name.
    public var name: String?
    /// New description.
    public var description: String?
    /// New endpoint.
    public var url: String?
    /// Replaces the types (may be [] when categories remain).
    public var eventTypes: [EventType]?
    /// Replaces the categories.
    public var eventCategories: [EventCategory]?
    /// New scope pattern.
    public var scopeFilter: String?
    /// New threshold settings.
    public var thresholds: WebhookThresholdConfig?
    /// Rotates the secret.
    public var signingSecret: String?
    /// Replaces the custom headers.
    public var headers: [String: String]?
    /// New retry schedule.
    public var retryPolicy: WebhookRetryPolicy?
    /// ≥ 1.
    public var disableAfterFailures: Int?
    /// `ACTIVE` (re-enable, resets failures) or `PAUSED`.
    public var status: String?
    /// Replaces the tags.
    public var metadata: [String: JSONValue]?

    /// Creates a value.
    public init(
        name: String? = nil, description: String? = nil, url: String? = nil, eventTypes: [EventType]? = nil,
        eventCategories: [EventCategory]? = nil, scopeFilter: String? = nil,
        thresholds: WebhookThresholdConfig? = nil, signingSecret: String? = nil, headers: [String: String]? = nil,
        retryPolicy: WebhookRetryPolicy? = nil, disableAfterFailures: Int? = nil, status: String? = nil,
        metadata: [String: JSONValue]? = nil
    ) {
        self.name = name
        self.description = description
        self.url = url
        self.eventTypes = eventTypes
        self.eventCategories = eventCategories
        self.scopeFilter = scopeFilter
        self.thresholds = thresholds
        self.signingSecret = signingSecret
        self.headers = headers
        self.retryPolicy = retryPolicy
        self.disableAfterFailures = disableAfterFailures
        self.status = status
        self.metadata = metadata
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// `retry_policy` and `thresholds` are closed objects too.
    public static var nestedWireFieldNames: [String: [String]] {
        ["retry_policy": WebhookRetryPolicy.wireFieldNames, "thresholds": WebhookThresholdConfig.wireFieldNames]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case description
        case url
        case eventTypes = "event_types"
        case eventCategories = "event_categories"
        case scopeFilter = "scope_filter"
        case thresholds
        case signingSecret = "signing_secret"
        case headers
        case retryPolicy = "retry_policy"
        case disableAfterFailures = "disable_after_failures"
        case status
        case metadata
    }
}

/// Server-wide webhook URL rules (the spec's `WebhookSecurityConfig`): the body and answer of
/// `/v1/admin/config/webhook-security`.
public struct WebhookSecurityConfig: AdminWireRequest, Hashable {
    /// Ranges a webhook URL may not resolve to.
    public var blockedCIDRRanges: [String]?
    /// Globs a URL must match when non-empty (`*` matches any run of characters).
    public var allowedURLPatterns: [String]?
    /// Whether `http://` URLs are accepted.
    public var allowHTTP: Bool?

    /// Creates a value.
    public init(blockedCIDRRanges: [String]? = nil, allowedURLPatterns: [String]? = nil, allowHTTP: Bool? = nil) {
        self.blockedCIDRRanges = blockedCIDRRanges
        self.allowedURLPatterns = allowedURLPatterns
        self.allowHTTP = allowHTTP
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// The spec's defaults: RFC 1918, loopback, link-local and IPv6 private ranges blocked; HTTPS only.
    public static let defaults = WebhookSecurityConfig(
        blockedCIDRRanges: [
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "::1/128", "fc00::/7",
        ],
        allowedURLPatterns: [], allowHTTP: false)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case blockedCIDRRanges = "blocked_cidr_ranges"
        case allowedURLPatterns = "allowed_url_patterns"
        case allowHTTP = "allow_http"
    }
}
