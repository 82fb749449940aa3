/// The spec's NORMATIVE capability table for `GET /v1/auth/introspect` under tenant auth
/// (`AuthIntrospectResponse.capabilities`), transcribed from the spec rather than taken from our server, so the
/// check judges a server against the text and not against its own derivation.
public enum CapabilityDerivation {
    /// Each derived flag and the permissions of which holding any one makes it true (plain membership: a wildcard
    /// counts only where the table names it).
    public static let table: [String: Set<String>] = [
        "view_budgets": ["budgets:read", "admin:read", "admin:budgets:read"],
        "view_policies": ["policies:read", "admin:read", "admin:policies:read"],
        "view_webhooks": ["webhooks:read", "admin:read", "admin:webhooks:read"],
        "view_events": ["events:read", "admin:read", "admin:events:read"],
        "view_reservations": [
            "reservations:list", "reservations:create", "reservations:commit", "reservations:release",
            "reservations:extend", "admin:read",
        ],
        "manage_budgets": ["budgets:write", "admin:write", "admin:budgets:write"],
        "manage_policies": ["policies:write", "admin:write", "admin:policies:write"],
        "manage_webhooks": ["webhooks:write", "admin:write", "admin:webhooks:write"],
        "manage_reservations": [
            "reservations:create", "reservations:commit", "reservations:release", "reservations:extend", "admin:write",
        ],
    ]

    /// The six admin-plane flags, false under tenant auth whatever `admin:*` permissions the key carries.
    public static let adminOnly: Set<String> = [
        "view_tenants", "view_api_keys", "view_audit", "view_overview", "manage_tenants", "manage_api_keys",
    ]

    /// Every flag's expected value for a tenant key holding `permissions`.
    public static func expected(for permissions: Set<String>) -> [String: Bool] {
        var flags: [String: Bool] = [:]
        for (flag, grantedBy) in table { flags[flag] = !grantedBy.isDisjoint(with: permissions) }
        for flag in adminOnly { flags[flag] = false }
        return flags
    }
}
