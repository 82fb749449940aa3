/// A budget ledger as the admin plane answers it (the spec's `BudgetLedger`): the balances of one (scope, unit)
/// pair, with the identity `allocated = remaining + reserved + spent + debt`.
public struct BudgetLedger: Codable, Hashable, Sendable {
    /// Stable id of the ledger.
    public var ledgerID: String
    /// The owning tenant (always answered).
    public var tenantID: String?
    /// The canonical scope, e.g. `tenant:acme/workspace:prod`.
    public var scope: String
    /// The full path (equal to `scope` here: budget scopes are full canonical paths).
    public var scopePath: String?
    /// The unit every amount is in.
    public var unit: BudgetUnit
    /// The funded cap.
    public var allocated: Amount
    /// Available for new reservations (negative under overdraft).
    public var remaining: Amount
    /// Held by ACTIVE reservations.
    public var reserved: Amount?
    /// Committed spend.
    public var spent: Amount?
    /// Unfunded overdraft.
    public var debt: Amount?
    /// Most debt allowed.
    public var overdraftLimit: Amount?
    /// Whether new reservations are blocked (`debt > overdraft_limit`, or set by a capped commit).
    public var isOverLimit: Bool?
    /// The scope's default overage policy, when set.
    public var commitOveragePolicy: CommitOveragePolicy?
    /// `ACTIVE`, `FROZEN` or `CLOSED`.
    public var status: String
    /// `NONE`, `CARRY_FORWARD` or `CAP_AT_ALLOCATED` (stored and answered; periods are not rolled here).
    public var rolloverPolicy: String?
    /// Start of the current period (ISO 8601).
    public var periodStart: String?
    /// End of the current period (ISO 8601).
    public var periodEnd: String?
    /// Custom data.
    public var metadata: [String: JSONValue]?
    /// Creation (ISO 8601).
    public var createdAt: String
    /// Last change (ISO 8601).
    public var updatedAt: String?

    /// Creates a ledger answer.
    public init(
        ledgerID: String, tenantID: String?, scope: String, scopePath: String?, unit: BudgetUnit, allocated: Amount,
        remaining: Amount, reserved: Amount? = nil, spent: Amount? = nil, debt: Amount? = nil,
        overdraftLimit: Amount? = nil, isOverLimit: Bool? = nil, commitOveragePolicy: CommitOveragePolicy? = nil,
        status: String, rolloverPolicy: String? = nil, periodStart: String? = nil, periodEnd: String? = nil,
        metadata: [String: JSONValue]? = nil, createdAt: String, updatedAt: String? = nil
    ) {
        self.ledgerID = ledgerID
        self.tenantID = tenantID
        self.scope = scope
        self.scopePath = scopePath
        self.unit = unit
        self.allocated = allocated
        self.remaining = remaining
        self.reserved = reserved
        self.spent = spent
        self.debt = debt
        self.overdraftLimit = overdraftLimit
        self.isOverLimit = isOverLimit
        self.commitOveragePolicy = commitOveragePolicy
        self.status = status
        self.rolloverPolicy = rolloverPolicy
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ledgerID = "ledger_id"
        case tenantID = "tenant_id"
        case scope
        case scopePath = "scope_path"
        case unit, allocated, remaining, reserved, spent, debt
        case overdraftLimit = "overdraft_limit"
        case isOverLimit = "is_over_limit"
        case commitOveragePolicy = "commit_overage_policy"
        case status
        case rolloverPolicy = "rollover_policy"
        case periodStart = "period_start"
        case periodEnd = "period_end"
        case metadata
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// The body of `POST /v1/admin/budgets`.
public struct BudgetCreateRequest: AdminWireRequest, Hashable {
    /// Required under the admin key, forbidden under a tenant key (the tenant comes from the key).
    public var tenantID: String?
    /// The canonical scope; its first segment must be `tenant:<tenant_id>`.
    public var scope: String
    /// The unit.
    public var unit: BudgetUnit
    /// The initial allocation (same unit, at least 0).
    public var allocated: Amount
    /// Most debt allowed (same unit, default 0).
    public var overdraftLimit: Amount?
    /// Default overage policy of the scope.
    public var commitOveragePolicy: CommitOveragePolicy?
    /// `NONE` (default), `CARRY_FORWARD` or `CAP_AT_ALLOCATED`.
    public var rolloverPolicy: String?
    /// Start of the period (RFC 3339).
    public var periodStart: String?
    /// End of the period (RFC 3339).
    public var periodEnd: String?
    /// Custom data.
    public var metadata: [String: JSONValue]?

    /// Creates a request.
    public init(
        tenantID: String? = nil, scope: String, unit: BudgetUnit, allocated: Amount, overdraftLimit: Amount? = nil,
        commitOveragePolicy: CommitOveragePolicy? = nil, rolloverPolicy: String? = nil, periodStart: String? = nil,
        periodEnd: String? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.tenantID = tenantID
        self.scope = scope
        self.unit = unit
        self.allocated = allocated
        self.overdraftLimit = overdraftLimit
        self.commitOveragePolicy = commitOveragePolicy
        self.rolloverPolicy = rolloverPolicy
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.metadata = metadata
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// `allocated` and `overdraft_limit` are `Amount`s (`unit`, `amount`, nothing else).
    public static var nestedWireFieldNames: [String: [String]] {
        ["allocated": Amount.wireFieldNames, "overdraft_limit": Amount.wireFieldNames]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenantID = "tenant_id"
        case scope, unit, allocated
        case overdraftLimit = "overdraft_limit"
        case commitOveragePolicy = "commit_overage_policy"
        case rolloverPolicy = "rollover_policy"
        case periodStart = "period_start"
        case periodEnd = "period_end"
        case metadata
    }
}

/// The body of `PATCH /v1/admin/budgets?scope=&unit=`: every member optional; absent members are left unchanged.
public struct BudgetUpdateRequest: AdminWireRequest, Hashable {
    /// New most-debt-allowed (same unit as the budget, at least 0); `is_over_limit` is recomputed.
    public var overdraftLimit: Amount?
    /// New default overage policy.
    public var commitOveragePolicy: CommitOveragePolicy?
    /// Replaces the metadata.
    public var metadata: [String: JSONValue]?

    /// Creates a request.
    public init(
        overdraftLimit: Amount? = nil, commitOveragePolicy: CommitOveragePolicy? = nil,
        metadata: [String: JSONValue]? = nil
    ) {
        self.overdraftLimit = overdraftLimit
        self.commitOveragePolicy = commitOveragePolicy
        self.metadata = metadata
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// `overdraft_limit` is an `Amount`.
    public static var nestedWireFieldNames: [String: [String]] { ["overdraft_limit": Amount.wireFieldNames] }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case overdraftLimit = "overdraft_limit"
        case commitOveragePolicy = "commit_overage_policy"
        case metadata
    }
}

/// The optional body of `POST /v1/admin/budgets/freeze` and `/unfreeze` (the spec's
/// `BudgetStatusTransitionRequest`).
public struct BudgetStatusTransitionRequest: AdminWireRequest, Hashable {
    /// Why (at most 512 characters).
    public var reason: String?
    /// Custom data.
    public var metadata: [String: JSONValue]?

    /// Creates a request.
    public init(reason: String? = nil, metadata: [String: JSONValue]? = nil) {
        self.reason = reason
        self.metadata = metadata
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reason, metadata
    }
}

/// The answer of `GET /v1/admin/budgets`.
public struct BudgetListResponse: Codable, Hashable, Sendable {
    /// One page of ledgers.
    public var ledgers: [BudgetLedger]
    /// Pass as `cursor` for the next page.
    public var nextCursor: String?
    /// Whether more pages follow.
    public var hasMore: Bool

    /// Creates a page.
    public init(ledgers: [BudgetLedger], nextCursor: String?, hasMore: Bool) {
        self.ledgers = ledgers
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ledgers
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}

extension Amount {
    /// The members of the admin plane's `Amount` and `SignedAmount` (both `additionalProperties: false`).
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
}
