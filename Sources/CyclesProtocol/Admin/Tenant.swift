/// A tenant as the admin plane answers it (the spec's `Tenant`).
public struct Tenant: Codable, Hashable, Sendable {
    /// The tenant id (immutable).
    public var tenantID: String
    /// Display name.
    public var name: String
    /// `ACTIVE`, `SUSPENDED` or `CLOSED`.
    public var status: String
    /// Optional parent tenant.
    public var parentTenantID: String?
    /// Default overage policy for the tenant's reservations.
    public var defaultCommitOveragePolicy: CommitOveragePolicy?
    /// TTL used when a reserve sends none.
    public var defaultReservationTTLMs: Int64?
    /// Largest TTL; longer requests are capped.
    public var maxReservationTTLMs: Int64?
    /// Extensions allowed per reservation.
    public var maxReservationExtensions: Int?
    /// `AUTO_RELEASE`, `MANUAL_CLEANUP` or `GRACE_ONLY` (stored and answered; expiry always auto-releases here).
    public var reservationExpiryPolicy: String?
    /// Custom string pairs.
    public var metadata: [String: String]?
    /// Creation (ISO 8601).
    public var createdAt: String
    /// Last change (ISO 8601).
    public var updatedAt: String?
    /// When it was last suspended (ISO 8601).
    public var suspendedAt: String?
    /// When it was closed (ISO 8601).
    public var closedAt: String?

    /// Creates a tenant answer.
    public init(
        tenantID: String, name: String, status: String, parentTenantID: String? = nil,
        defaultCommitOveragePolicy: CommitOveragePolicy? = nil, defaultReservationTTLMs: Int64? = nil,
        maxReservationTTLMs: Int64? = nil, maxReservationExtensions: Int? = nil, reservationExpiryPolicy: String? = nil,
        metadata: [String: String]? = nil, createdAt: String, updatedAt: String? = nil, suspendedAt: String? = nil,
        closedAt: String? = nil
    ) {
        self.tenantID = tenantID
        self.name = name
        self.status = status
        self.parentTenantID = parentTenantID
        self.defaultCommitOveragePolicy = defaultCommitOveragePolicy
        self.defaultReservationTTLMs = defaultReservationTTLMs
        self.maxReservationTTLMs = maxReservationTTLMs
        self.maxReservationExtensions = maxReservationExtensions
        self.reservationExpiryPolicy = reservationExpiryPolicy
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.suspendedAt = suspendedAt
        self.closedAt = closedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case name, status
        case parentTenantID = "parent_tenant_id"
        case defaultCommitOveragePolicy = "default_commit_overage_policy"
        case defaultReservationTTLMs = "default_reservation_ttl_ms"
        case maxReservationTTLMs = "max_reservation_ttl_ms"
        case maxReservationExtensions = "max_reservation_extensions"
        case reservationExpiryPolicy = "reservation_expiry_policy"
        case metadata
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case suspendedAt = "suspended_at"
        case closedAt = "closed_at"
    }
}

/// The body of `POST /v1/admin/tenants`.
public struct TenantCreateRequest: AdminWireRequest, Hashable {
    /// `^[a-z0-9-]+$`, 3–64 characters.
    public var tenantID: String
    /// At most 256 characters.
    public var name: String
    /// Optional parent tenant.
    public var parentTenantID: String?
    /// Custom string pairs (at most 32).
    public var metadata: [String: String]?
    /// Default overage policy.
    public var defaultCommitOveragePolicy: CommitOveragePolicy?
    /// 1 000–86 400 000.
    public var defaultReservationTTLMs: Int64?
    /// 1 000–86 400 000.
    public var maxReservationTTLMs: Int64?
    /// At least 0.
    public var maxReservationExtensions: Int?
    /// `AUTO_RELEASE`, `MANUAL_CLEANUP` or `GRACE_ONLY`.
    public var reservationExpiryPolicy: String?

    /// Creates a request.
    public init(
        tenantID: String, name: String, parentTenantID: String? = nil, metadata: [String: String]? = nil,
        defaultCommitOveragePolicy: CommitOveragePolicy? = nil, defaultReservationTTLMs: Int64? = nil,
        maxReservationTTLMs: Int64? = nil, maxReservationExtensions: Int? = nil, reservationExpiryPolicy: String? = nil
    ) {
        self.tenantID = tenantID
        self.name = name
        self.parentTenantID = parentTenantID
        self.metadata = metadata
        self.defaultCommitOveragePolicy = defaultCommitOveragePolicy
        self.defaultReservationTTLMs = defaultReservationTTLMs
        self.maxReservationTTLMs = maxReservationTTLMs
        self.maxReservationExtensions = maxReservationExtensions
        self.reservationExpiryPolicy = reservationExpiryPolicy
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case name
        case parentTenantID = "parent_tenant_id"
        case metadata
        case defaultCommitOveragePolicy = "default_commit_overage_policy"
        case defaultReservationTTLMs = "default_reservation_ttl_ms"
        case maxReservationTTLMs = "max_reservation_ttl_ms"
        case maxReservationExtensions = "max_reservation_extensions"
        case reservationExpiryPolicy = "reservation_expiry_policy"
    }
}

/// The body of `PATCH /v1/admin/tenants/{tenant_id}`: every member optional; absent members are left unchanged.
public struct TenantUpdateRequest: AdminWireRequest, Hashable {
    /// New display name.
    public var name: String?
    /// `ACTIVE`, `SUSPENDED` or `CLOSED` (ACTIVE ⇄ SUSPENDED, anything → CLOSED, CLOSED is terminal).
    public var status: String?
    /// Replaces the metadata.
    public var metadata: [String: String]?
    /// New default overage policy.
    public var defaultCommitOveragePolicy: CommitOveragePolicy?
    /// 1 000–86 400 000.
    public var defaultReservationTTLMs: Int64?
    /// 1 000–86 400 000.
    public var maxReservationTTLMs: Int64?
    /// At least 0.
    public var maxReservationExtensions: Int?

    /// Creates a request.
    public init(
        name: String? = nil, status: String? = nil, metadata: [String: String]? = nil,
        defaultCommitOveragePolicy: CommitOveragePolicy? = nil, defaultReservationTTLMs: Int64? = nil,
        maxReservationTTLMs: Int64? = nil, maxReservationExtensions: Int? = nil
    ) {
        self.name = name
        self.status = status
        self.metadata = metadata
        self.defaultCommitOveragePolicy = defaultCommitOveragePolicy
        self.defaultReservationTTLMs = defaultReservationTTLMs
        self.maxReservationTTLMs = maxReservationTTLMs
        self.maxReservationExtensions = maxReservationExtensions
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, status, metadata
        case defaultCommitOveragePolicy = "default_commit_overage_policy"
        case defaultReservationTTLMs = "default_reservation_ttl_ms"
        case maxReservationTTLMs = "max_reservation_ttl_ms"
        case maxReservationExtensions = "max_reservation_extensions"
    }
}

/// The answer of `GET /v1/admin/tenants`.
public struct TenantListResponse: Codable, Hashable, Sendable {
    /// One page of tenants.
    public var tenants: [Tenant]
    /// Pass as `cursor` for the next page.
    public var nextCursor: String?
    /// Whether more pages follow.
    public var hasMore: Bool

    /// Creates a page.
    public init(tenants: [Tenant], nextCursor: String?, hasMore: Bool) {
        self.tenants = tenants
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenants
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}
