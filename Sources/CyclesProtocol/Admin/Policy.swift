/// A policy as the admin plane answers it (the spec's `Policy`): caps, limits and behavioural rules for the scopes
/// its `scope_pattern` matches, evaluated at reserve and commit.
///
/// v0.1.26 (`cycles-governance-extensions-v0.1.26.yaml`, `PolicyExtension`) adds `action_quotas`,
/// `risk_class_quotas`, `allowed_action_kinds` and `denied_action_kinds` to this schema and to both request bodies;
/// they become further optional members here (answered as empty lists when absent), nothing else changes.
public struct Policy: Codable, Hashable, Sendable {
    /// The policy id (`pol_…`, immutable).
    public var policyID: String
    /// Display name (unique within its tenant).
    public var name: String?
    /// Free text.
    public var description: String?
    /// The scopes it governs: `tenant:acme` (exact), `tenant:acme/*` (descendants), `agent:*`, `*/agent:bot`.
    public var scopePattern: String
    /// Higher first; only the highest-priority matching policy applies.
    public var priority: Int?
    /// Caps answered with `ALLOW_WITH_CAPS`.
    public var caps: Caps?
    /// Overrides the tenant's default overage policy for reservations that send none.
    public var commitOveragePolicy: CommitOveragePolicy?
    /// TTL governance for matching scopes.
    public var reservationTTLOverride: ReservationTTLOverride?
    /// Request rate limits for matching scopes.
    public var rateLimits: RateLimits?
    /// `ACTIVE` or `DISABLED`.
    public var status: String
    /// Not applied before this instant (RFC 3339).
    public var effectiveFrom: String?
    /// Not applied from this instant on (RFC 3339).
    public var effectiveUntil: String?
    /// Creation (RFC 3339).
    public var createdAt: String
    /// Last change (RFC 3339).
    public var updatedAt: String?

    /// Creates a policy answer.
    public init(
        policyID: String, name: String? = nil, description: String? = nil, scopePattern: String, priority: Int? = nil,
        caps: Caps? = nil, commitOveragePolicy: CommitOveragePolicy? = nil,
        reservationTTLOverride: ReservationTTLOverride? = nil, rateLimits: RateLimits? = nil, status: String,
        effectiveFrom: String? = nil, effectiveUntil: String? = nil, createdAt: String, updatedAt: String? = nil
    ) {
        self.policyID = policyID
        self.name = name
        self.description = description
        self.scopePattern = scopePattern
        self.priority = priority
        self.caps = caps
        self.commitOveragePolicy = commitOveragePolicy
        self.reservationTTLOverride = reservationTTLOverride
        self.rateLimits = rateLimits
        self.status = status
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policyID = "policy_id"
        case name, description
        case scopePattern = "scope_pattern"
        case priority, caps
        case commitOveragePolicy = "commit_overage_policy"
        case reservationTTLOverride = "reservation_ttl_override"
        case rateLimits = "rate_limits"
        case status
        case effectiveFrom = "effective_from"
        case effectiveUntil = "effective_until"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// TTL governance a policy applies to the scopes it matches (the spec's `ReservationTtlOverride`); each member
/// overrides the tenant's setting of the same meaning.
public struct ReservationTTLOverride: Codable, Hashable, Sendable {
    /// TTL used when a reserve sends none (1 000–86 400 000).
    public var defaultTTLMs: Int64?
    /// Largest TTL; longer requests are capped, not rejected (1 000–86 400 000).
    public var maxTTLMs: Int64?
    /// Extensions allowed per reservation (at least 0).
    public var maxExtensions: Int?

    /// Creates an override.
    public init(defaultTTLMs: Int64? = nil, maxTTLMs: Int64? = nil, maxExtensions: Int? = nil) {
        self.defaultTTLMs = defaultTTLMs
        self.maxTTLMs = maxTTLMs
        self.maxExtensions = maxExtensions
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case defaultTTLMs = "default_ttl_ms"
        case maxTTLMs = "max_ttl_ms"
        case maxExtensions = "max_extensions"
    }
}

/// Request rate limits for the scopes a policy matches (the spec's `RateLimits`).
public struct RateLimits: Codable, Hashable, Sendable {
    /// Reserve requests per minute (at least 1).
    public var maxReservationsPerMinute: Int64?
    /// Commit requests per minute (at least 1).
    public var maxCommitsPerMinute: Int64?

    /// Creates limits.
    public init(maxReservationsPerMinute: Int64? = nil, maxCommitsPerMinute: Int64? = nil) {
        self.maxReservationsPerMinute = maxReservationsPerMinute
        self.maxCommitsPerMinute = maxCommitsPerMinute
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxReservationsPerMinute = "max_reservations_per_minute"
        case maxCommitsPerMinute = "max_commits_per_minute"
    }
}

/// The member names of the objects a policy body nests, for strict reading (`additionalProperties: false`).
enum PolicyNestedFields {
    static let all: [String: [String]] = [
        "caps": Caps.CodingKeys.allCases.map(\.rawValue),
        "reservation_ttl_override": ReservationTTLOverride.CodingKeys.allCases.map(\.rawValue),
        "rate_limits": RateLimits.CodingKeys.allCases.map(\.rawValue),
    ]
}

/// The body of `POST /v1/admin/policies`.
public struct PolicyCreateRequest: AdminWireRequest, Hashable {
    /// The owning tenant: required under the admin key, refused (400) under a tenant key (which implies it).
    public var tenantID: String?
    /// Display name (unique within the tenant).
    public var name: String
    /// Free text.
    public var description: String?
    /// The scopes it governs.
    public var scopePattern: String
    /// At least 0 (default 0).
    public var priority: Int?
    /// Caps answered with `ALLOW_WITH_CAPS`.
    public var caps: Caps?
    /// Overage policy for matching reservations that send none.
    public var commitOveragePolicy: CommitOveragePolicy?
    /// TTL governance.
    public var reservationTTLOverride: ReservationTTLOverride?
    /// Rate limits.
    public var rateLimits: RateLimits?
    /// Start of the effective window (RFC 3339).
    public var effectiveFrom: String?
    /// End of the effective window, exclusive (RFC 3339).
    public var effectiveUntil: String?

    /// Creates a request.
    public init(
        tenantID: String? = nil, name: String, description: String? = nil, scopePattern: String, priority: Int? = nil,
        caps: Caps? = nil, commitOveragePolicy: CommitOveragePolicy? = nil,
        reservationTTLOverride: ReservationTTLOverride? = nil, rateLimits: RateLimits? = nil,
        effectiveFrom: String? = nil, effectiveUntil: String? = nil
    ) {
        self.tenantID = tenantID
        self.name = name
        self.description = description
        self.scopePattern = scopePattern
        self.priority = priority
        self.caps = caps
        self.commitOveragePolicy = commitOveragePolicy
        self.reservationTTLOverride = reservationTTLOverride
        self.rateLimits = rateLimits
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// The members of `caps`, `reservation_ttl_override` and `rate_limits`.
    public static var nestedWireFieldNames: [String: [String]] { PolicyNestedFields.all }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case name, description
        case scopePattern = "scope_pattern"
        case priority, caps
        case commitOveragePolicy = "commit_overage_policy"
        case reservationTTLOverride = "reservation_ttl_override"
        case rateLimits = "rate_limits"
        case effectiveFrom = "effective_from"
        case effectiveUntil = "effective_until"
    }
}

/// The body of `PATCH /v1/admin/policies/{policy_id}`: every member optional; absent (or null) members are left
/// unchanged. The scope pattern and the owning tenant cannot change.
public struct PolicyUpdateRequest: AdminWireRequest, Hashable {
    /// New name.
    public var name: String?
    /// New description.
    public var description: String?
    /// New priority (at least 0).
    public var priority: Int?
    /// Replaces the caps.
    public var caps: Caps?
    /// New overage policy.
    public var commitOveragePolicy: CommitOveragePolicy?
    /// Replaces the TTL override.
    public var reservationTTLOverride: ReservationTTLOverride?
    /// Replaces the rate limits.
    public var rateLimits: RateLimits?
    /// New start of the effective window.
    public var effectiveFrom: String?
    /// New end of the effective window.
    public var effectiveUntil: String?
    /// `ACTIVE` or `DISABLED`.
    public var status: String?

    /// Creates a request.
    public init(
        name: String? = nil, description: String? = nil, priority: Int? = nil, caps: Caps? = nil,
        commitOveragePolicy: CommitOveragePolicy? = nil, reservationTTLOverride: ReservationTTLOverride? = nil,
        rateLimits: RateLimits? = nil, effectiveFrom: String? = nil, effectiveUntil: String? = nil,
        status: String? = nil
    ) {
        self.name = name
        self.description = description
        self.priority = priority
        self.caps = caps
        self.commitOveragePolicy = commitOveragePolicy
        self.reservationTTLOverride = reservationTTLOverride
        self.rateLimits = rateLimits
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.status = status
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// The members of `caps`, `reservation_ttl_override` and `rate_limits`.
    public static var nestedWireFieldNames: [String: [String]] { PolicyNestedFields.all }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, priority, caps
        case commitOveragePolicy = "commit_overage_policy"
        case reservationTTLOverride = "reservation_ttl_override"
        case rateLimits = "rate_limits"
        case effectiveFrom = "effective_from"
        case effectiveUntil = "effective_until"
        case status
    }
}

/// The answer of `GET /v1/admin/policies`.
public struct PolicyListResponse: Codable, Hashable, Sendable {
    /// One page of policies, in evaluation order (priority descending, then creation).
    public var policies: [Policy]
    /// Pass as `cursor` for the next page.
    public var nextCursor: String?
    /// Whether more pages follow.
    public var hasMore: Bool

    /// Creates a page.
    public init(policies: [Policy], nextCursor: String?, hasMore: Bool) {
        self.policies = policies
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policies
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}
