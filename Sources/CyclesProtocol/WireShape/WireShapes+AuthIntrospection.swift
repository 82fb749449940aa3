/// `AuthIntrospectResponse` of `GET /v1/auth/introspect` (`cycles-governance-admin-v0.1.25.yaml`, normative). Neither
/// the response nor its `capabilities` map is `additionalProperties: false`, so both are open.
extension WireShapes {
    /// The eight capability flags the spec requires in every answer (explicit `false`, never omitted).
    public static let requiredCapabilities = [
        "view_overview", "view_budgets", "view_events", "view_webhooks", "view_audit", "view_tenants", "view_api_keys",
        "view_policies",
    ]
    /// The optional capability flags (a server that does not expose that gating may omit them).
    public static let optionalCapabilities = [
        "view_reservations", "manage_budgets", "manage_policies", "manage_webhooks", "manage_tenants", "manage_api_keys",
        "manage_reservations",
    ]

    /// `AuthIntrospectResponse.capabilities`.
    public static let capabilities = ObjectShape(
        "AuthIntrospectResponse.capabilities",
        required: Dictionary(uniqueKeysWithValues: requiredCapabilities.map { ($0, WireShape.boolean) }),
        optional: Dictionary(uniqueKeysWithValues: optionalCapabilities.map { ($0, WireShape.boolean) }),
        closed: false)
    /// `AuthIntrospectResponse`.
    public static let authIntrospectResponse = ObjectShape(
        "AuthIntrospectResponse",
        required: [
            "authenticated": .boolean, "auth_type": .oneOf(["admin", "tenant"]), "permissions": .stringArray,
            "capabilities": .object(capabilities),
        ],
        optional: ["tenant_id": .anyString, "scope_filter": .stringArray],
        closed: false)
}
