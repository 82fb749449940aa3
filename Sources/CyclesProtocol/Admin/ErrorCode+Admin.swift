extension ErrorCode {
    /// Admin plane, 404: no tenant with that id. (Governance codes are not in `knownValues`, which lists the
    /// runtime protocol's codes.)
    public static let tenantNotFound: ErrorCode = "TENANT_NOT_FOUND"
    /// Admin plane, 409: a resource with that id exists and differs.
    public static let duplicateResource: ErrorCode = "DUPLICATE_RESOURCE"
}

extension ErrorCode {
    /// Admin plane, 409: the API key is revoked (cannot be changed or revoked again).
    public static let keyRevoked: ErrorCode = "KEY_REVOKED"
    /// Admin plane, 409: the API key is past its expiry (cannot be changed).
    public static let keyExpired: ErrorCode = "KEY_EXPIRED"
}
