/// Who a request acts as, once authenticated.
public enum Principal: Sendable, Hashable {
    /// A tenant API key: the tenant it belongs to and that tenant's namespace.
    case tenant(TenantIdentity)
    /// The operator key (`X-Admin-API-Key`): no effective tenant, bypasses ownership, list/get/release only.
    case admin

    /// The effective tenant, if any.
    public var tenant: TenantIdentity? {
        if case .tenant(let identity) = self { identity } else { nil }
    }
}

/// A tenant and the namespace it lives in.
public struct TenantIdentity: Sendable, Hashable {
    /// The tenant id.
    public var tenantID: String
    /// Its namespace.
    public var namespace: String
    /// The key's `scope_filter` when it has a non-empty one (`nil`: no narrowing). Carried from authentication so
    /// the runtime routes enforce it without a second key lookup; `nil` costs one optional check per request.
    public var scopeFilter: [String]?

    /// Creates an identity.
    public init(tenantID: String, namespace: String, scopeFilter: [String]? = nil) {
        self.tenantID = tenantID
        self.namespace = namespace
        self.scopeFilter = scopeFilter.flatMap { $0.isEmpty ? nil : $0 }
    }
}
