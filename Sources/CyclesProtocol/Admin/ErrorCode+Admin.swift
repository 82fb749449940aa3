extension ErrorCode {
    /// Admin plane, 404: no tenant with that id. (Governance codes are not in `knownValues`, which lists the
    /// runtime protocol's codes.)
    public static let tenantNotFound: ErrorCode = "TENANT_NOT_FOUND"
    /// Admin plane, 409: a resource with that id exists and differs.
    public static let duplicateResource: ErrorCode = "DUPLICATE_RESOURCE"
}
