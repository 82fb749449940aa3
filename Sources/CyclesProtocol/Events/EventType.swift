/// What happened (the spec's `EventType`, `"{category}.{action}"`). Consumers must tolerate types they do not know,
/// so unknown spellings are kept; custom types use a `custom.` prefix.
public struct EventType: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String

    /// Creates a type from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The category: the text before the first dot (`budget.funded` → `budget`).
    public var category: EventCategory {
        EventCategory(rawValue: String(rawValue.prefix { $0 != "." }))
    }

    /// Whether a tenant may see or subscribe to this type (its category is budget, reservation or tenant).
    public var isTenantAccessible: Bool { category.isTenantAccessible }

    // Budget lifecycle (admin operations).
    /// A budget ledger was created.
    public static let budgetCreated: EventType = "budget.created"
    /// A budget's properties changed.
    public static let budgetUpdated: EventType = "budget.updated"
    /// CREDIT: funds added.
    public static let budgetFunded: EventType = "budget.funded"
    /// DEBIT: funds removed.
    public static let budgetDebited: EventType = "budget.debited"
    /// RESET: allocation resized.
    public static let budgetReset: EventType = "budget.reset"
    /// RESET_SPENT: a new billing period.
    public static let budgetResetSpent: EventType = "budget.reset_spent"
    /// REPAY_DEBT completed.
    public static let budgetDebtRepaid: EventType = "budget.debt_repaid"
    /// Budget → FROZEN.
    public static let budgetFrozen: EventType = "budget.frozen"
    /// FROZEN → ACTIVE.
    public static let budgetUnfrozen: EventType = "budget.unfrozen"
    /// Budget → CLOSED.
    public static let budgetClosed: EventType = "budget.closed"
    /// Budget closed by the tenant-close cascade.
    public static let budgetClosedViaTenantCascade: EventType = "budget.closed_via_tenant_cascade"
    // Budget runtime.
    /// Utilization crossed a threshold.
    public static let budgetThresholdCrossed: EventType = "budget.threshold_crossed"
    /// Remaining reached 0.
    public static let budgetExhausted: EventType = "budget.exhausted"
    /// `is_over_limit` became true.
    public static let budgetOverLimitEntered: EventType = "budget.over_limit_entered"
    /// `is_over_limit` became false.
    public static let budgetOverLimitExited: EventType = "budget.over_limit_exited"
    /// A charge created debt.
    public static let budgetDebtIncurred: EventType = "budget.debt_incurred"
    /// Spend rate exceeded its baseline.
    public static let budgetBurnRateAnomaly: EventType = "budget.burn_rate_anomaly"
    // Reservation.
    /// A reservation evaluation answered DENY.
    public static let reservationDenied: EventType = "reservation.denied"
    /// Denial rate exceeded its threshold.
    public static let reservationDenialRateSpike: EventType = "reservation.denial_rate_spike"
    /// A reservation expired without commit or release.
    public static let reservationExpired: EventType = "reservation.expired"
    /// Expiry rate exceeded its threshold.
    public static let reservationExpiryRateSpike: EventType = "reservation.expiry_rate_spike"
    /// A commit's actual exceeded its estimate.
    public static let reservationCommitOverage: EventType = "reservation.commit_overage"
    /// Outstanding holds drained by the tenant-close cascade (one per budget).
    public static let reservationReleasedViaTenantCascade: EventType = "reservation.released_via_tenant_cascade"
    // Tenant.
    /// A tenant was created.
    public static let tenantCreated: EventType = "tenant.created"
    /// A tenant's name or metadata changed.
    public static let tenantUpdated: EventType = "tenant.updated"
    /// Tenant → SUSPENDED.
    public static let tenantSuspended: EventType = "tenant.suspended"
    /// SUSPENDED → ACTIVE.
    public static let tenantReactivated: EventType = "tenant.reactivated"
    /// Tenant → CLOSED.
    public static let tenantClosed: EventType = "tenant.closed"
    /// A tenant's defaults (overage policy, TTLs, extensions) changed.
    public static let tenantSettingsChanged: EventType = "tenant.settings_changed"
    // Webhook.
    /// A subscription was created.
    public static let webhookCreated: EventType = "webhook.created"
    /// A subscription's properties changed (status unchanged).
    public static let webhookUpdated: EventType = "webhook.updated"
    /// ACTIVE → PAUSED.
    public static let webhookPaused: EventType = "webhook.paused"
    /// PAUSED or DISABLED → ACTIVE.
    public static let webhookResumed: EventType = "webhook.resumed"
    /// Disabled after consecutive failures.
    public static let webhookDisabled: EventType = "webhook.disabled"
    /// A subscription was deleted.
    public static let webhookDeleted: EventType = "webhook.deleted"
    /// Disabled by the tenant-close cascade.
    public static let webhookDisabledViaTenantCascade: EventType = "webhook.disabled_via_tenant_cascade"
    // API key.
    /// A key was created.
    public static let apiKeyCreated: EventType = "api_key.created"
    /// A key was revoked.
    public static let apiKeyRevoked: EventType = "api_key.revoked"
    /// A key was revoked by the tenant-close cascade.
    public static let apiKeyRevokedViaTenantCascade: EventType = "api_key.revoked_via_tenant_cascade"
    /// A key reached its expiry.
    public static let apiKeyExpired: EventType = "api_key.expired"
    /// A key's permissions changed.
    public static let apiKeyPermissionsChanged: EventType = "api_key.permissions_changed"
    /// Authentication with an invalid, revoked or expired key.
    public static let apiKeyAuthFailed: EventType = "api_key.auth_failed"
    /// Auth failure rate exceeded its threshold.
    public static let apiKeyAuthFailureRateSpike: EventType = "api_key.auth_failure_rate_spike"
    // Policy.
    /// A policy was created.
    public static let policyCreated: EventType = "policy.created"
    /// A policy changed.
    public static let policyUpdated: EventType = "policy.updated"
    /// A policy was deleted.
    public static let policyDeleted: EventType = "policy.deleted"
    // System.
    /// The backing store became unreachable.
    public static let systemStoreConnectionLost: EventType = "system.store_connection_lost"
    /// The backing store is reachable again.
    public static let systemStoreConnectionRestored: EventType = "system.store_connection_restored"
    /// p99 latency exceeded its threshold.
    public static let systemHighLatency: EventType = "system.high_latency"
    /// A delivery failed after all retries.
    public static let systemWebhookDeliveryFailed: EventType = "system.webhook_delivery_failed"
    /// The synthetic `/test` probe.
    public static let systemWebhookTest: EventType = "system.webhook_test"

    /// Every type of v0.1.25, in the spec's order.
    public static let knownValues: [EventType] = [
        .budgetCreated, .budgetUpdated, .budgetFunded, .budgetDebited, .budgetReset, .budgetResetSpent,
        .budgetDebtRepaid, .budgetFrozen, .budgetUnfrozen, .budgetClosed, .budgetClosedViaTenantCascade,
        .budgetThresholdCrossed, .budgetExhausted, .budgetOverLimitEntered, .budgetOverLimitExited,
        .budgetDebtIncurred, .budgetBurnRateAnomaly,
        .reservationDenied, .reservationDenialRateSpike, .reservationExpired, .reservationExpiryRateSpike,
        .reservationCommitOverage, .reservationReleasedViaTenantCascade,
        .tenantCreated, .tenantUpdated, .tenantSuspended, .tenantReactivated, .tenantClosed, .tenantSettingsChanged,
        .webhookCreated, .webhookUpdated, .webhookPaused, .webhookResumed, .webhookDisabled, .webhookDeleted,
        .webhookDisabledViaTenantCascade,
        .apiKeyCreated, .apiKeyRevoked, .apiKeyRevokedViaTenantCascade, .apiKeyExpired, .apiKeyPermissionsChanged,
        .apiKeyAuthFailed, .apiKeyAuthFailureRateSpike,
        .policyCreated, .policyUpdated, .policyDeleted,
        .systemStoreConnectionLost, .systemStoreConnectionRestored, .systemHighLatency,
        .systemWebhookDeliveryFailed, .systemWebhookTest,
    ]
}
