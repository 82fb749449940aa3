// The `EventData…` payload schemas of cycles-governance-admin-v0.1.25.yaml, one type each. Every field is optional, as
// in the spec; `ProtocolEvent.data` carries one of them as a JSON object (`ProtocolEvent.payload(as:)`).

/// A budget's affected fields before or after a lifecycle change (`EventDataBudgetLifecycle.previous_state` /
/// `new_state`).
public struct BudgetStateSnapshot: Codable, Hashable, Sendable {
    /// Allocated amount.
    public var allocated: Int64?
    /// Remaining amount.
    public var remaining: Int64?
    /// Debt.
    public var debt: Int64?
    /// Spent amount.
    public var spent: Int64?
    /// Reserved amount.
    public var reserved: Int64?
    /// Budget status.
    public var status: String?

    /// Creates a payload.
    public init(
        allocated: Int64? = nil, remaining: Int64? = nil, debt: Int64? = nil, spent: Int64? = nil,
        reserved: Int64? = nil, status: String? = nil
    ) {
        self.allocated = allocated
        self.remaining = remaining
        self.debt = debt
        self.spent = spent
        self.reserved = reserved
        self.status = status
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case allocated
        case remaining
        case debt
        case spent
        case reserved
        case status
    }
}

/// Payload of budget.created, .updated, .funded, .debited, .reset, .reset_spent, .debt_repaid, .frozen, .unfrozen
/// and .closed.
public struct EventDataBudgetLifecycle: Codable, Hashable, Sendable {
    /// The budget ledger.
    public var ledgerID: String?
    /// Its scope path.
    public var scope: String?
    /// Its unit.
    public var unit: BudgetUnit?
    /// CREDIT, DEBIT, RESET, RESET_SPENT, REPAY_DEBT, STATUS_CHANGE, CREATE or UPDATE.
    public var operation: String?
    /// Affected fields before.
    public var previousState: BudgetStateSnapshot?
    /// Affected fields after.
    public var newState: BudgetStateSnapshot?
    /// budget.reset_spent only: whether the request set `spent`.
    public var spentOverrideProvided: Bool?
    /// The request's justification.
    public var reason: String?

    /// Creates a payload.
    public init(
        ledgerID: String? = nil, scope: String? = nil, unit: BudgetUnit? = nil, operation: String? = nil,
        previousState: BudgetStateSnapshot? = nil, newState: BudgetStateSnapshot? = nil,
        spentOverrideProvided: Bool? = nil, reason: String? = nil
    ) {
        self.ledgerID = ledgerID
        self.scope = scope
        self.unit = unit
        self.operation = operation
        self.previousState = previousState
        self.newState = newState
        self.spentOverrideProvided = spentOverrideProvided
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ledgerID = "ledger_id"
        case scope
        case unit
        case operation
        case previousState = "previous_state"
        case newState = "new_state"
        case spentOverrideProvided = "spent_override_provided"
        case reason
    }
}

/// Payload of budget.threshold_crossed and budget.exhausted.
public struct EventDataBudgetThreshold: Codable, Hashable, Sendable {
    /// The budget's scope path.
    public var scope: String?
    /// Its unit.
    public var unit: BudgetUnit?
    /// The threshold crossed (0.80, 0.95, 1.0, …).
    public var threshold: Double?
    /// (spent + reserved) / allocated; may exceed 1.
    public var utilization: Double?
    /// Allocated.
    public var allocated: Int64?
    /// Remaining.
    public var remaining: Int64?
    /// Spent.
    public var spent: Int64?
    /// Reserved.
    public var reserved: Int64?
    /// `rising` or `falling`.
    public var direction: String?

    /// Creates a payload.
    public init(
        scope: String? = nil, unit: BudgetUnit? = nil, threshold: Double? = nil, utilization: Double? = nil,
        allocated: Int64? = nil, remaining: Int64? = nil, spent: Int64? = nil, reserved: Int64? = nil,
        direction: String? = nil
    ) {
        self.scope = scope
        self.unit = unit
        self.threshold = threshold
        self.utilization = utilization
        self.allocated = allocated
        self.remaining = remaining
        self.spent = spent
        self.reserved = reserved
        self.direction = direction
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope
        case unit
        case threshold
        case utilization
        case allocated
        case remaining
        case spent
        case reserved
        case direction
    }
}

/// Payload of budget.over_limit_entered and budget.over_limit_exited.
public struct EventDataBudgetOverLimit: Codable, Hashable, Sendable {
    /// The budget's scope path.
    public var scope: String?
    /// Its unit.
    public var unit: BudgetUnit?
    /// Debt.
    public var debt: Int64?
    /// Overdraft limit.
    public var overdraftLimit: Int64?
    /// The new flag.
    public var isOverLimit: Bool?
    /// debt / overdraft_limit.
    public var debtUtilization: Double?

    /// Creates a payload.
    public init(
        scope: String? = nil, unit: BudgetUnit? = nil, debt: Int64? = nil, overdraftLimit: Int64? = nil,
        isOverLimit: Bool? = nil, debtUtilization: Double? = nil
    ) {
        self.scope = scope
        self.unit = unit
        self.debt = debt
        self.overdraftLimit = overdraftLimit
        self.isOverLimit = isOverLimit
        self.debtUtilization = debtUtilization
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope
        case unit
        case debt
        case overdraftLimit = "overdraft_limit"
        case isOverLimit = "is_over_limit"
        case debtUtilization = "debt_utilization"
    }
}

/// Payload of budget.debt_incurred.
public struct EventDataBudgetDebtIncurred: Codable, Hashable, Sendable {
    /// The budget's scope path.
    public var scope: String?
    /// Its unit.
    public var unit: BudgetUnit?
    /// The committing reservation, if any.
    public var reservationID: String?
    /// New debt from this charge.
    public var debtIncurred: Int64?
    /// Debt afterwards.
    public var totalDebt: Int64?
    /// Overdraft limit.
    public var overdraftLimit: Int64?
    /// The policy that allowed it.
    public var overagePolicy: CommitOveragePolicy?

    /// Creates a payload.
    public init(
        scope: String? = nil, unit: BudgetUnit? = nil, reservationID: String? = nil, debtIncurred: Int64? = nil,
        totalDebt: Int64? = nil, overdraftLimit: Int64? = nil, overagePolicy: CommitOveragePolicy? = nil
    ) {
        self.scope = scope
        self.unit = unit
        self.reservationID = reservationID
        self.debtIncurred = debtIncurred
        self.totalDebt = totalDebt
        self.overdraftLimit = overdraftLimit
        self.overagePolicy = overagePolicy
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope
        case unit
        case reservationID = "reservation_id"
        case debtIncurred = "debt_incurred"
        case totalDebt = "total_debt"
        case overdraftLimit = "overdraft_limit"
        case overagePolicy = "overage_policy"
    }
}

/// Payload of budget.burn_rate_anomaly.
public struct EventDataBurnRateAnomaly: Codable, Hashable, Sendable {
    /// The budget's scope path.
    public var scope: String?
    /// Its unit.
    public var unit: BudgetUnit?
    /// Units per minute now.
    public var currentRate: Double?
    /// Baseline units per minute.
    public var baselineRate: Double?
    /// current_rate / baseline_rate.
    public var multiplier: Double?
    /// Rolling window.
    public var windowSeconds: Int?
    /// Minutes to exhaustion at the current rate.
    public var projectedExhaustionMinutes: Double?

    /// Creates a payload.
    public init(
        scope: String? = nil, unit: BudgetUnit? = nil, currentRate: Double? = nil, baselineRate: Double? = nil,
        multiplier: Double? = nil, windowSeconds: Int? = nil, projectedExhaustionMinutes: Double? = nil
    ) {
        self.scope = scope
        self.unit = unit
        self.currentRate = currentRate
        self.baselineRate = baselineRate
        self.multiplier = multiplier
        self.windowSeconds = windowSeconds
        self.projectedExhaustionMinutes = projectedExhaustionMinutes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope
        case unit
        case currentRate = "current_rate"
        case baselineRate = "baseline_rate"
        case multiplier
        case windowSeconds = "window_seconds"
        case projectedExhaustionMinutes = "projected_exhaustion_minutes"
    }
}

/// Payload of reservation.denied.
public struct EventDataReservationDenied: Codable, Hashable, Sendable {
    /// The requested scope path.
    public var scope: String?
    /// The estimate's unit.
    public var unit: BudgetUnit?
    /// An open string: BUDGET_EXCEEDED, OVERDRAFT_LIMIT_EXCEEDED, DEBT_OUTSTANDING, BUDGET_FROZEN, BUDGET_CLOSED,
    /// TENANT_CLOSED, …
    public var reasonCode: String?
    /// The estimate.
    public var requestedAmount: Int64?
    /// Remaining of the denying budget, when one decided.
    public var remaining: Int64?
    /// The request's action.
    public var action: [String: JSONValue]?
    /// The request's subject.
    public var subject: [String: JSONValue]?
    /// The denying policy, when one is responsible.
    public var policyID: String?
    /// Extension-defined context.
    public var denyDetail: [String: JSONValue]?

    /// Creates a payload.
    public init(
        scope: String? = nil, unit: BudgetUnit? = nil, reasonCode: String? = nil, requestedAmount: Int64? = nil,
        remaining: Int64? = nil, action: [String: JSONValue]? = nil, subject: [String: JSONValue]? = nil,
        policyID: String? = nil, denyDetail: [String: JSONValue]? = nil
    ) {
        self.scope = scope
        self.unit = unit
        self.reasonCode = reasonCode
        self.requestedAmount = requestedAmount
        self.remaining = remaining
        self.action = action
        self.subject = subject
        self.policyID = policyID
        self.denyDetail = denyDetail
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope
        case unit
        case reasonCode = "reason_code"
        case requestedAmount = "requested_amount"
        case remaining
        case action
        case subject
        case policyID = "policy_id"
        case denyDetail = "deny_detail"
    }
}

/// Payload of reservation.expired.
public struct EventDataReservationExpired: Codable, Hashable, Sendable {
    /// The reservation.
    public var reservationID: String?
    /// Its scope path.
    public var scope: String?
    /// Its unit.
    public var unit: BudgetUnit?
    /// The hold that was never committed.
    public var estimatedAmount: Int64?
    /// Creation (RFC 3339).
    public var createdAt: String?
    /// Expiry (RFC 3339).
    public var expiredAt: String?
    /// Its TTL (expiry − creation, extensions included).
    public var ttlMs: Int64?
    /// Extensions it used.
    public var extensionsUsed: Int?

    /// Creates a payload.
    public init(
        reservationID: String? = nil, scope: String? = nil, unit: BudgetUnit? = nil, estimatedAmount: Int64? = nil,
        createdAt: String? = nil, expiredAt: String? = nil, ttlMs: Int64? = nil, extensionsUsed: Int? = nil
    ) {
        self.reservationID = reservationID
        self.scope = scope
        self.unit = unit
        self.estimatedAmount = estimatedAmount
        self.createdAt = createdAt
        self.expiredAt = expiredAt
        self.ttlMs = ttlMs
        self.extensionsUsed = extensionsUsed
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reservationID = "reservation_id"
        case scope
        case unit
        case estimatedAmount = "estimated_amount"
        case createdAt = "created_at"
        case expiredAt = "expired_at"
        case ttlMs = "ttl_ms"
        case extensionsUsed = "extensions_used"
    }
}

/// Payload of reservation.denial_rate_spike, reservation.expiry_rate_spike and api_key.auth_failure_rate_spike.
public struct EventDataRateSpike: Codable, Hashable, Sendable {
    /// `denial_rate`, `expiry_rate` or `auth_failure_rate`.
    public var metric: String?
    /// Events per minute now.
    public var currentRate: Double?
    /// The configured threshold.
    public var thresholdRate: Double?
    /// Rolling window.
    public var windowSeconds: Int?
    /// Events in the window.
    public var sampleCount: Int?

    /// Creates a payload.
    public init(
        metric: String? = nil, currentRate: Double? = nil, thresholdRate: Double? = nil, windowSeconds: Int? = nil,
        sampleCount: Int? = nil
    ) {
        self.metric = metric
        self.currentRate = currentRate
        self.thresholdRate = thresholdRate
        self.windowSeconds = windowSeconds
        self.sampleCount = sampleCount
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case metric
        case currentRate = "current_rate"
        case thresholdRate = "threshold_rate"
        case windowSeconds = "window_seconds"
        case sampleCount = "sample_count"
    }
}

/// Payload of reservation.commit_overage.
public struct EventDataCommitOverage: Codable, Hashable, Sendable {
    /// The reservation.
    public var reservationID: String?
    /// Its scope path.
    public var scope: String?
    /// Its unit.
    public var unit: BudgetUnit?
    /// The estimate.
    public var estimatedAmount: Int64?
    /// The committed actual.
    public var actualAmount: Int64?
    /// actual_amount − estimated_amount.
    public var overage: Int64?
    /// The reservation's policy.
    public var overagePolicy: CommitOveragePolicy?
    /// Debt created (0 unless ALLOW_WITH_OVERDRAFT).
    public var debtIncurred: Int64?

    /// Creates a payload.
    public init(
        reservationID: String? = nil, scope: String? = nil, unit: BudgetUnit? = nil, estimatedAmount: Int64? = nil,
        actualAmount: Int64? = nil, overage: Int64? = nil, overagePolicy: CommitOveragePolicy? = nil,
        debtIncurred: Int64? = nil
    ) {
        self.reservationID = reservationID
        self.scope = scope
        self.unit = unit
        self.estimatedAmount = estimatedAmount
        self.actualAmount = actualAmount
        self.overage = overage
        self.overagePolicy = overagePolicy
        self.debtIncurred = debtIncurred
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reservationID = "reservation_id"
        case scope
        case unit
        case estimatedAmount = "estimated_amount"
        case actualAmount = "actual_amount"
        case overage
        case overagePolicy = "overage_policy"
        case debtIncurred = "debt_incurred"
    }
}

/// Payload of tenant.created, .updated, .suspended, .reactivated, .closed and .settings_changed.
public struct EventDataTenantLifecycle: Codable, Hashable, Sendable {
    /// The tenant.
    public var tenantID: String?
    /// Status before (absent on create).
    public var previousStatus: String?
    /// Status after.
    public var newStatus: String?
    /// Fields modified (empty on create).
    public var changedFields: [String]?

    /// Creates a payload.
    public init(
        tenantID: String? = nil, previousStatus: String? = nil, newStatus: String? = nil,
        changedFields: [String]? = nil
    ) {
        self.tenantID = tenantID
        self.previousStatus = previousStatus
        self.newStatus = newStatus
        self.changedFields = changedFields
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case previousStatus = "previous_status"
        case newStatus = "new_status"
        case changedFields = "changed_fields"
    }
}

/// Payload of webhook.created, .updated, .paused, .resumed, .disabled and .deleted.
public struct EventDataWebhookLifecycle: Codable, Hashable, Sendable {
    /// The subscription.
    public var subscriptionID: String?
    /// Its owner (`__system__` for system-wide).
    public var tenantID: String?
    /// Status before (absent on create).
    public var previousStatus: String?
    /// Status after (absent on delete).
    public var newStatus: String?
    /// Fields modified (webhook.updated; non-status fields on paused/resumed).
    public var changedFields: [String]?
    /// webhook.disabled only.
    public var disableReason: String?

    /// Creates a payload.
    public init(
        subscriptionID: String? = nil, tenantID: String? = nil, previousStatus: String? = nil,
        newStatus: String? = nil, changedFields: [String]? = nil, disableReason: String? = nil
    ) {
        self.subscriptionID = subscriptionID
        self.tenantID = tenantID
        self.previousStatus = previousStatus
        self.newStatus = newStatus
        self.changedFields = changedFields
        self.disableReason = disableReason
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subscriptionID = "subscription_id"
        case tenantID = "tenant_id"
        case previousStatus = "previous_status"
        case newStatus = "new_status"
        case changedFields = "changed_fields"
        case disableReason = "disable_reason"
    }
}

/// Payload of api_key.created, .revoked, .expired, .permissions_changed and .auth_failed.
public struct EventDataApiKey: Codable, Hashable, Sendable {
    /// The key (never its secret).
    public var keyID: String?
    /// Its name.
    public var keyName: String?
    /// Status before.
    public var previousStatus: String?
    /// Status after.
    public var newStatus: String?
    /// Its current permissions.
    public var permissions: [Permission]?
    /// auth_failed only: key_not_found, key_revoked, key_expired, invalid_format.
    public var failureReason: String?
    /// auth_failed only: the caller's address, when known.
    public var sourceIP: String?

    /// Creates a payload.
    public init(
        keyID: String? = nil, keyName: String? = nil, previousStatus: String? = nil, newStatus: String? = nil,
        permissions: [Permission]? = nil, failureReason: String? = nil, sourceIP: String? = nil
    ) {
        self.keyID = keyID
        self.keyName = keyName
        self.previousStatus = previousStatus
        self.newStatus = newStatus
        self.permissions = permissions
        self.failureReason = failureReason
        self.sourceIP = sourceIP
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keyID = "key_id"
        case keyName = "key_name"
        case previousStatus = "previous_status"
        case newStatus = "new_status"
        case permissions
        case failureReason = "failure_reason"
        case sourceIP = "source_ip"
    }
}

/// Payload of policy.created, .updated and .deleted.
public struct EventDataPolicy: Codable, Hashable, Sendable {
    /// The policy.
    public var policyID: String?
    /// Its name.
    public var name: String?
    /// Its scope pattern.
    public var scopePattern: String?
    /// Fields modified.
    public var changedFields: [String]?

    /// Creates a payload.
    public init(
        policyID: String? = nil, name: String? = nil, scopePattern: String? = nil, changedFields: [String]? = nil
    ) {
        self.policyID = policyID
        self.name = name
        self.scopePattern = scopePattern
        self.changedFields = changedFields
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policyID = "policy_id"
        case name
        case scopePattern = "scope_pattern"
        case changedFields = "changed_fields"
    }
}

/// Payload of the system.* events.
public struct EventDataSystem: Codable, Hashable, Sendable {
    /// The component (store, webhook_dispatcher, …).
    public var component: String?
    /// What happened.
    public var message: String?
    /// `info`, `warning` or `critical`.
    public var severity: String?
    /// Component-specific data.
    public var details: [String: JSONValue]?

    /// Creates a payload.
    public init(
        component: String? = nil, message: String? = nil, severity: String? = nil,
        details: [String: JSONValue]? = nil
    ) {
        self.component = component
        self.message = message
        self.severity = severity
        self.details = details
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case component
        case message
        case severity
        case details
    }
}

/// Payload of the four `*_via_tenant_cascade` events: exactly one of ledger_id / subscription_id / key_id identifies
/// the object.
public struct EventDataTenantCascade: Codable, Hashable, Sendable {
    /// The budget (budget.closed_… and reservation.released_…).
    public var ledgerID: String?
    /// The subscription (webhook.disabled_…).
    public var subscriptionID: String?
    /// The key (api_key.revoked_…).
    public var keyID: String?
    /// The subscription's or key's name.
    public var name: String?
    /// The budget's scope path.
    public var scope: String?
    /// The budget's unit.
    public var unit: BudgetUnit?
    /// Status before.
    public var priorStatus: String?
    /// Status after (absent on reservation.released_…).
    public var newStatus: String?
    /// reservation.released_… only: the drained hold.
    public var releasedAmount: Int64?
    /// Always `tenant_closed` for Rule 1.
    public var cascadeReason: String?

    /// Creates a payload.
    public init(
        ledgerID: String? = nil, subscriptionID: String? = nil, keyID: String? = nil, name: String? = nil,
        scope: String? = nil, unit: BudgetUnit? = nil, priorStatus: String? = nil, newStatus: String? = nil,
        releasedAmount: Int64? = nil, cascadeReason: String? = nil
    ) {
        self.ledgerID = ledgerID
        self.subscriptionID = subscriptionID
        self.keyID = keyID
        self.name = name
        self.scope = scope
        self.unit = unit
        self.priorStatus = priorStatus
        self.newStatus = newStatus
        self.releasedAmount = releasedAmount
        self.cascadeReason = cascadeReason
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ledgerID = "ledger_id"
        case subscriptionID = "subscription_id"
        case keyID = "key_id"
        case name
        case scope
        case unit
        case priorStatus = "prior_status"
        case newStatus = "new_status"
        case releasedAmount = "released_amount"
        case cascadeReason = "cascade_reason"
    }
}
