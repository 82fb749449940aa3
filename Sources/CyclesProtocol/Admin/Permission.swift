/// An API key permission (the governance spec's normative `Permission` enum).
///
/// Modelled as an open set so a key listed by a newer server keeps its unknown permissions verbatim; a server
/// validating a request checks `isKnown` itself.
public struct Permission: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates a permission from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Create reservations (and decide).
    public static let reservationsCreate: Permission = "reservations:create"
    /// Commit reservations (and create events).
    public static let reservationsCommit: Permission = "reservations:commit"
    /// Release reservations.
    public static let reservationsRelease: Permission = "reservations:release"
    /// Extend reservations.
    public static let reservationsExtend: Permission = "reservations:extend"
    /// List and read reservations.
    public static let reservationsList: Permission = "reservations:list"
    /// Read balances.
    public static let balancesRead: Permission = "balances:read"
    /// Read budgets.
    public static let budgetsRead: Permission = "budgets:read"
    /// Change budgets.
    public static let budgetsWrite: Permission = "budgets:write"
    /// Read policies.
    public static let policiesRead: Permission = "policies:read"
    /// Change policies.
    public static let policiesWrite: Permission = "policies:write"
    /// Read webhook subscriptions.
    public static let webhooksRead: Permission = "webhooks:read"
    /// Change webhook subscriptions.
    public static let webhooksWrite: Permission = "webhooks:write"
    /// Read events.
    public static let eventsRead: Permission = "events:read"
    /// Legacy wildcard: satisfies every `*:read`.
    public static let adminRead: Permission = "admin:read"
    /// Legacy wildcard: satisfies every `*:write` (not `*:read`).
    public static let adminWrite: Permission = "admin:write"
    /// Granular admin permission.
    public static let adminTenantsRead: Permission = "admin:tenants:read"
    /// Granular admin permission.
    public static let adminTenantsWrite: Permission = "admin:tenants:write"
    /// Granular admin permission.
    public static let adminBudgetsRead: Permission = "admin:budgets:read"
    /// Granular admin permission.
    public static let adminBudgetsWrite: Permission = "admin:budgets:write"
    /// Granular admin permission.
    public static let adminPoliciesRead: Permission = "admin:policies:read"
    /// Granular admin permission.
    public static let adminPoliciesWrite: Permission = "admin:policies:write"
    /// Granular admin permission.
    public static let adminAPIKeysRead: Permission = "admin:apikeys:read"
    /// Granular admin permission.
    public static let adminAPIKeysWrite: Permission = "admin:apikeys:write"
    /// Granular admin permission.
    public static let adminWebhooksRead: Permission = "admin:webhooks:read"
    /// Granular admin permission.
    public static let adminWebhooksWrite: Permission = "admin:webhooks:write"
    /// Granular admin permission.
    public static let adminEventsRead: Permission = "admin:events:read"
    /// Granular admin permission.
    public static let adminAuditRead: Permission = "admin:audit:read"

    /// Every permission of v0.1.25, in the spec's order.
    public static let knownValues: [Permission] = [
        .reservationsCreate, .reservationsCommit, .reservationsRelease, .reservationsExtend, .reservationsList,
        .balancesRead, .budgetsRead, .budgetsWrite, .policiesRead, .policiesWrite, .webhooksRead, .webhooksWrite,
        .eventsRead, .adminRead, .adminWrite, .adminTenantsRead, .adminTenantsWrite, .adminBudgetsRead,
        .adminBudgetsWrite, .adminPoliciesRead, .adminPoliciesWrite, .adminAPIKeysRead, .adminAPIKeysWrite,
        .adminWebhooksRead, .adminWebhooksWrite, .adminEventsRead, .adminAuditRead,
    ]

    /// What a tenant key gets when it is created without `permissions` (the spec's `ApiKey.permissions` default;
    /// webhook and event self-service must be granted explicitly).
    public static let tenantDefaults: [Permission] = [
        .reservationsCreate, .reservationsCommit, .reservationsRelease, .reservationsExtend, .reservationsList,
        .balancesRead, .budgetsRead, .budgetsWrite, .policiesRead, .policiesWrite,
    ]

    /// Whether holding `self` grants `required`: equal, or the spec's normative wildcards (`admin:write` satisfies
    /// any `*:write`, `admin:read` any `*:read`, and `admin:read` never satisfies a write).
    public func satisfies(_ required: Permission) -> Bool {
        if self == required { return true }
        if self == .adminWrite { return required.rawValue.hasSuffix(":write") }
        if self == .adminRead { return required.rawValue.hasSuffix(":read") }
        return false
    }
}

extension Collection<Permission> {
    /// Whether any held permission grants `required` (see `Permission.satisfies`).
    public func grants(_ required: Permission) -> Bool {
        contains { $0.satisfies(required) }
    }
}
