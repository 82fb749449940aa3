/// One row of a bulk action's answer (the spec's `BulkActionRowOutcome`): `id` always, `error_code` and `message` in
/// `failed`, `reason` in `skipped`.
public struct BulkActionRowOutcome: Codable, Hashable, Sendable {
    /// The row's id: a tenant id, or a budget's ledger id.
    public var id: String
    /// Row-level failure code (`INVALID_TRANSITION`, `BUDGET_EXCEEDED`, `NOT_FOUND`, `TENANT_CLOSED`, …).
    public var errorCode: String?
    /// Operator-readable failure.
    public var message: String?
    /// Skip reason (`ALREADY_IN_TARGET_STATE`).
    public var reason: String?

    /// Creates an outcome.
    public init(id: String, errorCode: String? = nil, message: String? = nil, reason: String? = nil) {
        self.id = id
        self.errorCode = errorCode
        self.message = message
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case errorCode = "error_code"
        case message, reason
    }
}

/// Which tenants a tenant bulk action applies to (the spec's `TenantBulkFilter`; at least one member).
public struct TenantBulkFilter: Codable, Hashable, Sendable {
    /// Only this status.
    public var status: String?
    /// Only children of this tenant.
    public var parentTenantID: String?
    /// A v0.1.26 filter; accepted and ignored, as the spec asks of servers without observe mode.
    public var observeMode: String?
    /// Case-insensitive substring of `tenant_id` or `name` (at most 128 characters).
    public var search: String?

    /// Creates a filter.
    public init(status: String? = nil, parentTenantID: String? = nil, observeMode: String? = nil, search: String? = nil) {
        self.status = status
        self.parentTenantID = parentTenantID
        self.observeMode = observeMode
        self.search = search
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status
        case parentTenantID = "parent_tenant_id"
        case observeMode = "observe_mode"
        case search
    }
}

/// The body of `POST /v1/admin/tenants/bulk-action`.
public struct TenantBulkActionRequest: AdminWireRequest, Hashable {
    /// Which tenants.
    public var filter: TenantBulkFilter
    /// `SUSPEND`, `REACTIVATE` or `CLOSE`.
    public var action: String
    /// When present, the server's count must equal it (409 `COUNT_MISMATCH` otherwise, nothing written).
    public var expectedCount: Int?
    /// Replays the first answer for 15 minutes (1–128 characters).
    public var idempotencyKey: String

    /// Creates a request.
    public init(filter: TenantBulkFilter, action: String, expectedCount: Int? = nil, idempotencyKey: String) {
        self.filter = filter
        self.action = action
        self.expectedCount = expectedCount
        self.idempotencyKey = idempotencyKey
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// `filter` allows only the `TenantBulkFilter` members.
    public static var nestedWireFieldNames: [String: [String]] { ["filter": TenantBulkFilter.wireFieldNames] }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case filter, action
        case expectedCount = "expected_count"
        case idempotencyKey = "idempotency_key"
    }
}

/// The answer of a bulk action (HTTP 200 even when rows failed): the tenant bulk action's (`Action` is its action
/// name) and the budget bulk action's (`Action` is the funding operation; row ids are ledger ids) share one schema.
public struct BulkActionResponse<Action: Codable & Hashable & Sendable>: Codable, Hashable, Sendable {
    /// Echo of the action.
    public var action: Action
    /// How many rows matched.
    public var totalMatched: Int
    /// Rows changed.
    public var succeeded: [BulkActionRowOutcome]
    /// Rows that could not change (`error_code`, `message`).
    public var failed: [BulkActionRowOutcome]
    /// Rows already in the target state, where the action was a no-op (`reason`).
    public var skipped: [BulkActionRowOutcome]
    /// Echo of the key.
    public var idempotencyKey: String

    /// Creates an answer.
    public init(
        action: Action, totalMatched: Int, succeeded: [BulkActionRowOutcome], failed: [BulkActionRowOutcome],
        skipped: [BulkActionRowOutcome], idempotencyKey: String
    ) {
        self.action = action
        self.totalMatched = totalMatched
        self.succeeded = succeeded
        self.failed = failed
        self.skipped = skipped
        self.idempotencyKey = idempotencyKey
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case action
        case totalMatched = "total_matched"
        case succeeded, failed, skipped
        case idempotencyKey = "idempotency_key"
    }
}

/// The answer of `POST /v1/admin/tenants/bulk-action`.
public typealias TenantBulkActionResponse = BulkActionResponse<String>

/// Which budgets a budget bulk action applies to (the spec's `BudgetBulkFilter`): one tenant's, narrowed like
/// `GET /v1/admin/budgets`.
public struct BudgetBulkFilter: Codable, Hashable, Sendable {
    /// Required: the one tenant whose budgets are touched.
    public var tenantID: String
    /// The scope itself and its descendants.
    public var scopePrefix: String?
    /// Only this unit.
    public var unit: BudgetUnit?
    /// Only this status.
    public var status: String?
    /// Only budgets whose `is_over_limit` equals this.
    public var overLimit: Bool?
    /// Only budgets with (true) or without (false) debt.
    public var hasDebt: Bool?
    /// Inclusive lower bound on `spent / allocated` (0 when allocated is 0), in [0, 1].
    public var utilizationMin: Double?
    /// Inclusive upper bound on `spent / allocated`, in [0, 1].
    public var utilizationMax: Double?
    /// Case-insensitive substring of `tenant_id` or `scope` (at most 128 characters).
    public var search: String?

    /// Creates a filter.
    public init(
        tenantID: String, scopePrefix: String? = nil, unit: BudgetUnit? = nil, status: String? = nil,
        overLimit: Bool? = nil, hasDebt: Bool? = nil, utilizationMin: Double? = nil, utilizationMax: Double? = nil,
        search: String? = nil
    ) {
        self.tenantID = tenantID
        self.scopePrefix = scopePrefix
        self.unit = unit
        self.status = status
        self.overLimit = overLimit
        self.hasDebt = hasDebt
        self.utilizationMin = utilizationMin
        self.utilizationMax = utilizationMax
        self.search = search
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case scopePrefix = "scope_prefix"
        case unit, status
        case overLimit = "over_limit"
        case hasDebt = "has_debt"
        case utilizationMin = "utilization_min"
        case utilizationMax = "utilization_max"
        case search
    }
}

/// The body of `POST /v1/admin/budgets/bulk-action`: one funding operation applied to every matching budget.
public struct BudgetBulkActionRequest: AdminWireRequest, Hashable {
    /// Which budgets.
    public var filter: BudgetBulkFilter
    /// The funding operation (semantics exactly as `POST /v1/admin/budgets/fund`).
    public var action: FundingOperation
    /// Required by every action.
    public var amount: Amount?
    /// `RESET_SPENT` only: the new `spent` (default 0).
    public var spent: Amount?
    /// Why (at most 512 characters).
    public var reason: String?
    /// When present, the server's count must equal it (409 `COUNT_MISMATCH` otherwise, nothing written).
    public var expectedCount: Int?
    /// Replays the first answer for 15 minutes (1–128 characters).
    public var idempotencyKey: String

    /// Creates a request.
    public init(
        filter: BudgetBulkFilter, action: FundingOperation, amount: Amount?, spent: Amount? = nil, reason: String? = nil,
        expectedCount: Int? = nil, idempotencyKey: String
    ) {
        self.filter = filter
        self.action = action
        self.amount = amount
        self.spent = spent
        self.reason = reason
        self.expectedCount = expectedCount
        self.idempotencyKey = idempotencyKey
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// `filter`, `amount` and `spent` are closed objects.
    public static var nestedWireFieldNames: [String: [String]] {
        ["filter": BudgetBulkFilter.wireFieldNames, "amount": Amount.wireFieldNames, "spent": Amount.wireFieldNames]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case filter, action, amount, spent, reason
        case expectedCount = "expected_count"
        case idempotencyKey = "idempotency_key"
    }
}

/// The answer of `POST /v1/admin/budgets/bulk-action`.
public typealias BudgetBulkActionResponse = BulkActionResponse<FundingOperation>
