/// One entry of the admin audit log (the spec's `AuditLogEntry`): who did what to which resource, with which
/// outcome, correlated to the HTTP request by `request_id` and `trace_id`.
public struct AuditLogEntry: Codable, Hashable, Sendable {
    /// The tenant this entry belongs to, or a sentinel: `AuditLogEntry.adminTenant` for admin-plane activity that
    /// is not about one tenant (and admin-key requests that failed), `AuditLogEntry.unauthenticatedTenant` for a
    /// request that failed authentication. Clients treat unknown values as opaque.
    public static let adminTenant = "__admin__"
    /// The `tenant_id` of an entry for a request that failed authentication.
    public static let unauthenticatedTenant = "__unauth__"

    /// Unique id of the entry.
    public var logID: String
    /// When it happened (RFC 3339).
    public var timestamp: String
    /// The tenant acted on, or a sentinel (see `adminTenant`).
    public var tenantID: String
    /// The API key that acted (absent for the admin key).
    public var keyID: String?
    /// The request's `User-Agent`.
    public var userAgent: String?
    /// The caller's address, when the server knows it.
    public var sourceIP: String?
    /// The operation: the spec's operation id (`createTenant`, `revokeApiKey`, …) or a reserved cascade kind
    /// (`api_key.revoked_via_tenant_cascade`, …); for a failed request `METHOD:/path`.
    public var operation: String
    /// `tenant`, `budget`, `api_key`, `policy`, `webhook`, `reservation`, `config`.
    public var resourceType: String?
    /// The id of the resource acted on.
    public var resourceID: String?
    /// `X-Request-Id` of the originating request.
    public var requestID: String?
    /// W3C trace id (32 lowercase hex) of the originating request.
    public var traceID: String?
    /// HTTP status of the answer.
    public var status: Int
    /// The protocol error code of a failed request.
    public var errorCode: String?
    /// Subject from the request, if any.
    public var subject: JSONValue?
    /// Action from the request, if any.
    public var action: JSONValue?
    /// Amount from the request, if any.
    public var amount: JSONValue?
    /// Free-form details; `actor_type` (`admin`, `admin_on_behalf_of`, `api_key`, `system`) is always present.
    public var metadata: [String: JSONValue]?

    /// Creates an entry.
    public init(
        logID: String, timestamp: String, tenantID: String, keyID: String? = nil, userAgent: String? = nil,
        sourceIP: String? = nil, operation: String, resourceType: String? = nil, resourceID: String? = nil,
        requestID: String? = nil, traceID: String? = nil, status: Int, errorCode: String? = nil,
        subject: JSONValue? = nil, action: JSONValue? = nil, amount: JSONValue? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.logID = logID
        self.timestamp = timestamp
        self.tenantID = tenantID
        self.keyID = keyID
        self.userAgent = userAgent
        self.sourceIP = sourceIP
        self.operation = operation
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.requestID = requestID
        self.traceID = traceID
        self.status = status
        self.errorCode = errorCode
        self.subject = subject
        self.action = action
        self.amount = amount
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case logID = "log_id"
        case timestamp
        case tenantID = "tenant_id"
        case keyID = "key_id"
        case userAgent = "user_agent"
        case sourceIP = "source_ip"
        case operation
        case resourceType = "resource_type"
        case resourceID = "resource_id"
        case requestID = "request_id"
        case traceID = "trace_id"
        case status
        case errorCode = "error_code"
        case subject, action, amount, metadata
    }
}

/// The answer of `GET /v1/admin/audit/logs`.
public struct AuditLogListResponse: Codable, Hashable, Sendable {
    /// One page of entries.
    public var logs: [AuditLogEntry]
    /// Pass as `cursor` for the next page.
    public var nextCursor: String?
    /// Whether more pages follow.
    public var hasMore: Bool

    /// Creates a page.
    public init(logs: [AuditLogEntry], nextCursor: String?, hasMore: Bool) {
        self.logs = logs
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case logs
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}
