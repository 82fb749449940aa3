/// The answer of `GET /v1/auth/introspect` (normative): who the credential is and what a dashboard may show it.
public struct AuthIntrospectResponse: Codable, Hashable, Sendable {
    /// Always `true` (an unauthenticated request gets 401 instead).
    public var authenticated: Bool
    /// `admin` for `X-Admin-API-Key`, `tenant` for `X-Cycles-API-Key`.
    public var authType: AuthType
    /// `["*"]` for the admin key; the key's concrete permissions for a tenant key.
    public var permissions: [String]
    /// Dashboard gating derived from `permissions` (see `Capabilities`).
    public var capabilities: Capabilities
    /// The key's tenant (tenant auth only; absent for the admin key).
    public var tenantID: String?
    /// The key's scope patterns (tenant auth only, present when non-empty).
    public var scopeFilter: [String]?

    /// The credential kinds.
    public enum AuthType: String, Codable, Hashable, Sendable {
        /// `X-Admin-API-Key`.
        case admin
        /// `X-Cycles-API-Key`.
        case tenant
    }

    /// The admin key's answer: every capability, permissions `["*"]`, no tenant.
    public static let admin = AuthIntrospectResponse(
        authenticated: true, authType: .admin, permissions: ["*"], capabilities: .all, tenantID: nil, scopeFilter: nil)

    /// A tenant key's answer, capabilities derived from its permissions by the spec's table.
    public static func tenant(_ tenantID: String, permissions: [Permission], scopeFilter: [String]?)
        -> AuthIntrospectResponse
    {
        AuthIntrospectResponse(
            authenticated: true, authType: .tenant, permissions: permissions.map(\.rawValue),
            capabilities: Capabilities(tenantPermissions: permissions), tenantID: tenantID,
            scopeFilter: scopeFilter?.isEmpty == false ? scopeFilter : nil)
    }

    /// Creates an answer.
    public init(
        authenticated: Bool, authType: AuthType, permissions: [String], capabilities: Capabilities, tenantID: String?,
        scopeFilter: [String]?
    ) {
        self.authenticated = authenticated
        self.authType = authType
        self.permissions = permissions
        self.capabilities = capabilities
        self.tenantID = tenantID
        self.scopeFilter = scopeFilter
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case authenticated
        case authType = "auth_type"
        case permissions, capabilities
        case tenantID = "tenant_id"
        case scopeFilter = "scope_filter"
    }

    /// Dashboard capability flags. Every flag is always written (explicit `false`, never omitted).
    public struct Capabilities: Codable, Hashable, Sendable {
        /// Admin-only: always `false` under tenant auth.
        public var viewOverview: Bool
        /// `budgets:read`, `admin:read` or `admin:budgets:read`.
        public var viewBudgets: Bool
        /// `events:read`, `admin:read` or `admin:events:read`.
        public var viewEvents: Bool
        /// `webhooks:read`, `admin:read` or `admin:webhooks:read`.
        public var viewWebhooks: Bool
        /// Admin-only: always `false` under tenant auth.
        public var viewAudit: Bool
        /// Admin-only: always `false` under tenant auth.
        public var viewTenants: Bool
        /// Admin-only: always `false` under tenant auth.
        public var viewAPIKeys: Bool
        /// `policies:read`, `admin:read` or `admin:policies:read`.
        public var viewPolicies: Bool
        /// Any `reservations:*` or `admin:read`.
        public var viewReservations: Bool
        /// `budgets:write`, `admin:write` or `admin:budgets:write`.
        public var manageBudgets: Bool
        /// `policies:write`, `admin:write` or `admin:policies:write`.
        public var managePolicies: Bool
        /// `webhooks:write`, `admin:write` or `admin:webhooks:write`.
        public var manageWebhooks: Bool
        /// Admin-only: always `false` under tenant auth.
        public var manageTenants: Bool
        /// Admin-only: always `false` under tenant auth.
        public var manageAPIKeys: Bool
        /// `reservations:create|commit|release|extend` or `admin:write`.
        public var manageReservations: Bool

        /// Every flag `true` (the admin key).
        public static let all = Capabilities(
            viewOverview: true, viewBudgets: true, viewEvents: true, viewWebhooks: true, viewAudit: true,
            viewTenants: true, viewAPIKeys: true, viewPolicies: true, viewReservations: true, manageBudgets: true,
            managePolicies: true, manageWebhooks: true, manageTenants: true, manageAPIKeys: true,
            manageReservations: true)

        /// The spec's normative derivation under `auth_type=tenant`: each flag is true iff the key holds one of the
        /// listed permissions (plain membership: the `admin:*` wildcards count only where the table names them), and
        /// the six admin-plane flags are false whatever `admin:*` permissions the key carries.
        public init(tenantPermissions permissions: [Permission]) {
            let held = Set(permissions)
            func any(_ candidates: Permission...) -> Bool { candidates.contains { held.contains($0) } }
            self.init(
                viewOverview: false,
                viewBudgets: any(.budgetsRead, .adminRead, .adminBudgetsRead),
                viewEvents: any(.eventsRead, .adminRead, .adminEventsRead),
                viewWebhooks: any(.webhooksRead, .adminRead, .adminWebhooksRead),
                viewAudit: false, viewTenants: false, viewAPIKeys: false,
                viewPolicies: any(.policiesRead, .adminRead, .adminPoliciesRead),
                viewReservations: any(
                    .reservationsList, .reservationsCreate, .reservationsCommit, .reservationsRelease,
                    .reservationsExtend, .adminRead),
                manageBudgets: any(.budgetsWrite, .adminWrite, .adminBudgetsWrite),
                managePolicies: any(.policiesWrite, .adminWrite, .adminPoliciesWrite),
                manageWebhooks: any(.webhooksWrite, .adminWrite, .adminWebhooksWrite),
                manageTenants: false, manageAPIKeys: false,
                manageReservations: any(
                    .reservationsCreate, .reservationsCommit, .reservationsRelease, .reservationsExtend, .adminWrite))
        }

        /// Creates a capability map flag by flag.
        public init(
            viewOverview: Bool, viewBudgets: Bool, viewEvents: Bool, viewWebhooks: Bool, viewAudit: Bool,
            viewTenants: Bool, viewAPIKeys: Bool, viewPolicies: Bool, viewReservations: Bool, manageBudgets: Bool,
            managePolicies: Bool, manageWebhooks: Bool, manageTenants: Bool, manageAPIKeys: Bool,
            manageReservations: Bool
        ) {
            self.viewOverview = viewOverview
            self.viewBudgets = viewBudgets
            self.viewEvents = viewEvents
            self.viewWebhooks = viewWebhooks
            self.viewAudit = viewAudit
            self.viewTenants = viewTenants
            self.viewAPIKeys = viewAPIKeys
            self.viewPolicies = viewPolicies
            self.viewReservations = viewReservations
            self.manageBudgets = manageBudgets
            self.managePolicies = managePolicies
            self.manageWebhooks = manageWebhooks
            self.manageTenants = manageTenants
            self.manageAPIKeys = manageAPIKeys
            self.manageReservations = manageReservations
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case viewOverview = "view_overview"
            case viewBudgets = "view_budgets"
            case viewEvents = "view_events"
            case viewWebhooks = "view_webhooks"
            case viewAudit = "view_audit"
            case viewTenants = "view_tenants"
            case viewAPIKeys = "view_api_keys"
            case viewPolicies = "view_policies"
            case viewReservations = "view_reservations"
            case manageBudgets = "manage_budgets"
            case managePolicies = "manage_policies"
            case manageWebhooks = "manage_webhooks"
            case manageTenants = "manage_tenants"
            case manageAPIKeys = "manage_api_keys"
            case manageReservations = "manage_reservations"
        }
    }
}
