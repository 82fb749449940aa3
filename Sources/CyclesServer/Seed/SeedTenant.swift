public import CyclesProtocol

/// A tenant in a seed document, with its API keys and runtime settings.
public struct SeedTenant: Codable, Sendable, Hashable {
    /// The tenant id (`subject.tenant` must equal it). Unique across namespaces.
    public var tenantID: String
    /// Display name.
    public var name: String?
    /// `ACTIVE` (default), `SUSPENDED` or `CLOSED`. A CLOSED tenant's fresh mutations get 409 TENANT_CLOSED.
    public var status: String?
    /// Keys that authenticate as this tenant.
    public var apiKeys: [SeedAPIKey]
    /// Overage policy used when a reservation or event omits it (default ALLOW_IF_AVAILABLE).
    public var defaultCommitOveragePolicy: CommitOveragePolicy?
    /// How many times one reservation may be extended (default 10).
    public var maxReservationExtensions: Int?
    /// TTL used when a reservation omits `ttl_ms` (default 60 000).
    public var defaultReservationTTLMs: Int64?
    /// Longest TTL granted; longer requests are capped, not rejected (default: no cap beyond the protocol's range).
    public var maxReservationTTLMs: Int64?

    /// Creates a seed tenant.
    public init(
        tenantID: String, name: String? = nil, status: String? = nil, apiKeys: [SeedAPIKey] = [],
        defaultCommitOveragePolicy: CommitOveragePolicy? = nil, maxReservationExtensions: Int? = nil,
        defaultReservationTTLMs: Int64? = nil, maxReservationTTLMs: Int64? = nil
    ) {
        self.tenantID = tenantID
        self.name = name
        self.status = status
        self.apiKeys = apiKeys
        self.defaultCommitOveragePolicy = defaultCommitOveragePolicy
        self.maxReservationExtensions = maxReservationExtensions
        self.defaultReservationTTLMs = defaultReservationTTLMs
        self.maxReservationTTLMs = maxReservationTTLMs
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case name, status
        case apiKeys = "api_keys"
        case defaultCommitOveragePolicy = "default_commit_overage_policy"
        case maxReservationExtensions = "max_reservation_extensions"
        case defaultReservationTTLMs = "default_reservation_ttl_ms"
        case maxReservationTTLMs = "max_reservation_ttl_ms"
    }
}

/// An API key in a seed document. Only its SHA-256 hash is stored.
public struct SeedAPIKey: Codable, Sendable, Hashable {
    /// The secret sent as `X-Cycles-API-Key`.
    public var key: String
    /// A label.
    public var name: String?
    /// `ACTIVE` (default) or `REVOKED`; a revoked key gets 401.
    public var status: String?
    /// What the key may do; absent means the spec's tenant defaults (`Permission.tenantDefaults`).
    public var permissions: [Permission]?
    /// When the key stops authenticating (epoch ms on the namespace clock); absent means never.
    public var expiresAtMs: Int64?

    /// Creates a seed key.
    public init(
        key: String, name: String? = nil, status: String? = nil, permissions: [Permission]? = nil,
        expiresAtMs: Int64? = nil
    ) {
        self.key = key
        self.name = name
        self.status = status
        self.permissions = permissions
        self.expiresAtMs = expiresAtMs
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case key, name, status, permissions
        case expiresAtMs = "expires_at_ms"
    }
}
