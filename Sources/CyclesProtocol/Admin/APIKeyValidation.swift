/// The body of `POST /v1/auth/validate`: the full secret of a key to check.
public struct APIKeyValidationRequest: AdminWireRequest, Hashable {
    /// The full API key.
    public var keySecret: String

    /// Creates a request.
    public init(keySecret: String) { self.keySecret = keySecret }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keySecret = "key_secret"
    }
}

/// The answer of `POST /v1/auth/validate`.
public struct APIKeyValidationResponse: Codable, Hashable, Sendable {
    /// Whether the key authenticates now.
    public var valid: Bool
    /// The key's tenant; empty when the key is unknown (the schema requires the member).
    public var tenantID: String
    /// The key's id.
    public var keyID: String?
    /// The key's permissions.
    public var permissions: [Permission]?
    /// The key's scope patterns.
    public var scopeFilter: [String]?
    /// The key's expiry (ISO 8601).
    public var expiresAt: String?
    /// Why the key is not valid: `KEY_NOT_FOUND`, `KEY_REVOKED`, `KEY_EXPIRED`, `TENANT_SUSPENDED`, `TENANT_CLOSED`.
    public var reason: String?

    /// Creates an answer.
    public init(
        valid: Bool, tenantID: String, keyID: String? = nil, permissions: [Permission]? = nil,
        scopeFilter: [String]? = nil, expiresAt: String? = nil, reason: String? = nil
    ) {
        self.valid = valid
        self.tenantID = tenantID
        self.keyID = keyID
        self.permissions = permissions
        self.scopeFilter = scopeFilter
        self.expiresAt = expiresAt
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case valid
        case tenantID = "tenant_id"
        case keyID = "key_id"
        case permissions
        case scopeFilter = "scope_filter"
        case expiresAt = "expires_at"
        case reason
    }
}
