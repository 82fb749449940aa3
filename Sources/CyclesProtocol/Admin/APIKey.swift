/// An API key as the admin plane lists it (the spec's `ApiKey`): never the secret, only its prefix.
public struct APIKey: Codable, Hashable, Sendable {
    /// The key's id.
    public var keyID: String
    /// Its tenant.
    public var tenantID: String
    /// The first characters of the secret, to recognise it.
    public var keyPrefix: String
    /// Display name.
    public var name: String?
    /// Free text.
    public var description: String?
    /// What the key may do.
    public var permissions: [Permission]?
    /// Scope patterns narrowing the key.
    public var scopeFilter: [String]?
    /// `ACTIVE`, `REVOKED` or `EXPIRED` (an ACTIVE key past its expiry is answered `EXPIRED`).
    public var status: String
    /// Creation (ISO 8601).
    public var createdAt: String
    /// Expiry (ISO 8601). The schema requires it: a key that never expires answers `APIKey.never`.
    public var expiresAt: String
    /// Revocation (ISO 8601).
    public var revokedAt: String?
    /// Why it was revoked.
    public var revokedReason: String?
    /// Custom data.
    public var metadata: [String: JSONValue]?

    /// The `expires_at` of a key without expiry (the schema has no way to say "never").
    public static let never = "9999-12-31T23:59:59.999Z"

    /// Creates a key answer.
    public init(
        keyID: String, tenantID: String, keyPrefix: String, name: String? = nil, description: String? = nil,
        permissions: [Permission]? = nil, scopeFilter: [String]? = nil, status: String, createdAt: String,
        expiresAt: String, revokedAt: String? = nil, revokedReason: String? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.keyID = keyID
        self.tenantID = tenantID
        self.keyPrefix = keyPrefix
        self.name = name
        self.description = description
        self.permissions = permissions
        self.scopeFilter = scopeFilter
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keyID = "key_id"
        case tenantID = "tenant_id"
        case keyPrefix = "key_prefix"
        case name, description, permissions
        case scopeFilter = "scope_filter"
        case status
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case revokedReason = "revoked_reason"
        case metadata
    }
}

/// The body of `POST /v1/admin/api-keys`.
public struct APIKeyCreateRequest: AdminWireRequest, Hashable {
    /// The owning tenant (must exist and not be CLOSED).
    public var tenantID: String
    /// Display name (at most 256 characters).
    public var name: String
    /// Free text (at most 1 024 characters).
    public var description: String?
    /// Permissions; absent means `Permission.tenantDefaults`.
    public var permissions: [Permission]?
    /// Scope patterns.
    public var scopeFilter: [String]?
    /// Expiry (ISO 8601, in the future); absent means never.
    public var expiresAt: String?
    /// Custom data.
    public var metadata: [String: JSONValue]?

    /// Creates a request.
    public init(
        tenantID: String, name: String, description: String? = nil, permissions: [Permission]? = nil,
        scopeFilter: [String]? = nil, expiresAt: String? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.tenantID = tenantID
        self.name = name
        self.description = description
        self.permissions = permissions
        self.scopeFilter = scopeFilter
        self.expiresAt = expiresAt
        self.metadata = metadata
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case name, description, permissions
        case scopeFilter = "scope_filter"
        case expiresAt = "expires_at"
        case metadata
    }
}

/// The answer of `POST /v1/admin/api-keys`: the only time the secret is returned.
public struct APIKeyCreateResponse: Codable, Hashable, Sendable {
    /// The key's id.
    public var keyID: String
    /// The full secret, sent as `X-Cycles-API-Key`. Not stored; cannot be read again.
    public var keySecret: String
    /// Its visible prefix.
    public var keyPrefix: String
    /// Its tenant.
    public var tenantID: String
    /// Its permissions.
    public var permissions: [Permission]
    /// Creation (ISO 8601).
    public var createdAt: String
    /// Expiry (ISO 8601; `APIKey.never` when none).
    public var expiresAt: String

    /// Creates an answer.
    public init(
        keyID: String, keySecret: String, keyPrefix: String, tenantID: String, permissions: [Permission],
        createdAt: String, expiresAt: String
    ) {
        self.keyID = keyID
        self.keySecret = keySecret
        self.keyPrefix = keyPrefix
        self.tenantID = tenantID
        self.permissions = permissions
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keyID = "key_id"
        case keySecret = "key_secret"
        case keyPrefix = "key_prefix"
        case tenantID = "tenant_id"
        case permissions
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }
}

/// The body of `PATCH /v1/admin/api-keys/{key_id}`: absent members are left unchanged.
public struct APIKeyUpdateRequest: AdminWireRequest, Hashable {
    /// New display name.
    public var name: String?
    /// New description.
    public var description: String?
    /// Replaces the permission set.
    public var permissions: [Permission]?
    /// Replaces the scope patterns.
    public var scopeFilter: [String]?
    /// Replaces the metadata.
    public var metadata: [String: JSONValue]?

    /// Creates a request.
    public init(
        name: String? = nil, description: String? = nil, permissions: [Permission]? = nil,
        scopeFilter: [String]? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.name = name
        self.description = description
        self.permissions = permissions
        self.scopeFilter = scopeFilter
        self.metadata = metadata
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, permissions
        case scopeFilter = "scope_filter"
        case metadata
    }
}

/// The answer of `GET /v1/admin/api-keys`.
public struct APIKeyListResponse: Codable, Hashable, Sendable {
    /// One page of keys.
    public var keys: [APIKey]
    /// Pass as `cursor` for the next page.
    public var nextCursor: String?
    /// Whether more pages follow.
    public var hasMore: Bool

    /// Creates a page.
    public init(keys: [APIKey], nextCursor: String?, hasMore: Bool) {
        self.keys = keys
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keys
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}
