/// The answer of `GET /v1/admin/overview` (the spec's `AdminOverviewResponse`): counts and top offenders across
/// every tenant, computed in one request.
public struct AdminOverviewResponse: Codable, Hashable, Sendable {
    /// When the snapshot was computed (RFC 3339).
    public var asOf: String
    /// The window, in seconds, of `eventCounts`, `recentDenials` and `recentExpiries`.
    public var eventWindowSeconds: Int
    /// Tenants by status.
    public var tenantCounts: TenantCounts
    /// Budgets by status and health.
    public var budgetCounts: BudgetCounts
    /// Up to 10 budgets over their limit.
    public var overLimitScopes: [OverLimitScope]
    /// Up to 10 budgets carrying debt.
    public var debtScopes: [DebtScope]
    /// Webhook subscriptions by state.
    public var webhookCounts: WebhookCounts
    /// Up to 10 webhook subscriptions with consecutive failures.
    public var failingWebhooks: [FailingWebhook]
    /// Events within the window.
    public var eventCounts: EventCounts
    /// Up to 10 most recent `reservation.denied` events (the spec's `Event` objects).
    public var recentDenials: [JSONValue]
    /// Up to 10 most recent `reservation.expired` events (the spec's `Event` objects).
    public var recentExpiries: [JSONValue]

    /// Creates an overview.
    public init(
        asOf: String, eventWindowSeconds: Int, tenantCounts: TenantCounts, budgetCounts: BudgetCounts,
        overLimitScopes: [OverLimitScope], debtScopes: [DebtScope], webhookCounts: WebhookCounts,
        failingWebhooks: [FailingWebhook], eventCounts: EventCounts, recentDenials: [JSONValue],
        recentExpiries: [JSONValue]
    ) {
        self.asOf = asOf
        self.eventWindowSeconds = eventWindowSeconds
        self.tenantCounts = tenantCounts
        self.budgetCounts = budgetCounts
        self.overLimitScopes = overLimitScopes
        self.debtScopes = debtScopes
        self.webhookCounts = webhookCounts
        self.failingWebhooks = failingWebhooks
        self.eventCounts = eventCounts
        self.recentDenials = recentDenials
        self.recentExpiries = recentExpiries
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case asOf = "as_of"
        case eventWindowSeconds = "event_window_seconds"
        case tenantCounts = "tenant_counts"
        case budgetCounts = "budget_counts"
        case overLimitScopes = "over_limit_scopes"
        case debtScopes = "debt_scopes"
        case webhookCounts = "webhook_counts"
        case failingWebhooks = "failing_webhooks"
        case eventCounts = "event_counts"
        case recentDenials = "recent_denials"
        case recentExpiries = "recent_expiries"
    }

    /// Tenants by status.
    public struct TenantCounts: Codable, Hashable, Sendable {
        /// Every tenant.
        public var total: Int
        /// `ACTIVE` tenants.
        public var active: Int
        /// `SUSPENDED` tenants.
        public var suspended: Int
        /// `CLOSED` tenants.
        public var closed: Int

        /// Creates the counts.
        public init(total: Int, active: Int, suspended: Int, closed: Int) {
            self.total = total
            self.active = active
            self.suspended = suspended
            self.closed = closed
        }
    }

    /// Budgets by status and health.
    public struct BudgetCounts: Codable, Hashable, Sendable {
        /// Every budget.
        public var total: Int
        /// `ACTIVE` budgets.
        public var active: Int
        /// `FROZEN` budgets.
        public var frozen: Int
        /// `CLOSED` budgets.
        public var closed: Int
        /// Budgets whose `is_over_limit` is true.
        public var overLimit: Int
        /// Budgets with `debt > 0`.
        public var withDebt: Int
        /// Budgets per unit.
        public var byUnit: [String: Int]

        /// Creates the counts.
        public init(total: Int, active: Int, frozen: Int, closed: Int, overLimit: Int, withDebt: Int, byUnit: [String: Int]) {
            self.total = total
            self.active = active
            self.frozen = frozen
            self.closed = closed
            self.overLimit = overLimit
            self.withDebt = withDebt
            self.byUnit = byUnit
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case total, active, frozen, closed
            case overLimit = "over_limit"
            case withDebt = "with_debt"
            case byUnit = "by_unit"
        }
    }

    /// A budget over its limit.
    public struct OverLimitScope: Codable, Hashable, Sendable {
        /// The budget's scope path.
        public var scope: String
        /// Its unit.
        public var unit: BudgetUnit
        /// Allocated amount.
        public var allocated: Int64
        /// Remaining amount (negative in overdraft).
        public var remaining: Int64
        /// Outstanding debt.
        public var debt: Int64

        /// Creates an entry.
        public init(scope: String, unit: BudgetUnit, allocated: Int64, remaining: Int64, debt: Int64) {
            self.scope = scope
            self.unit = unit
            self.allocated = allocated
            self.remaining = remaining
            self.debt = debt
        }
    }

    /// A budget carrying debt.
    public struct DebtScope: Codable, Hashable, Sendable {
        /// The budget's scope path.
        public var scope: String
        /// Its unit.
        public var unit: BudgetUnit
        /// Outstanding debt.
        public var debt: Int64
        /// How much debt the budget may carry.
        public var overdraftLimit: Int64

        /// Creates an entry.
        public init(scope: String, unit: BudgetUnit, debt: Int64, overdraftLimit: Int64) {
            self.scope = scope
            self.unit = unit
            self.debt = debt
            self.overdraftLimit = overdraftLimit
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case scope, unit, debt
            case overdraftLimit = "overdraft_limit"
        }
    }

    /// Webhook subscriptions by state.
    public struct WebhookCounts: Codable, Hashable, Sendable {
        /// Every subscription.
        public var total: Int
        /// Active subscriptions.
        public var active: Int
        /// Disabled subscriptions.
        public var disabled: Int
        /// Subscriptions with consecutive failures.
        public var withFailures: Int

        /// Creates the counts.
        public init(total: Int, active: Int, disabled: Int, withFailures: Int) {
            self.total = total
            self.active = active
            self.disabled = disabled
            self.withFailures = withFailures
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case total, active, disabled
            case withFailures = "with_failures"
        }
    }

    /// A webhook subscription that keeps failing.
    public struct FailingWebhook: Codable, Hashable, Sendable {
        /// The subscription's id.
        public var subscriptionID: String
        /// Its delivery URL.
        public var url: String
        /// Failures in a row.
        public var consecutiveFailures: Int
        /// The last failure (RFC 3339).
        public var lastFailureAt: String?

        /// Creates an entry.
        public init(subscriptionID: String, url: String, consecutiveFailures: Int, lastFailureAt: String? = nil) {
            self.subscriptionID = subscriptionID
            self.url = url
            self.consecutiveFailures = consecutiveFailures
            self.lastFailureAt = lastFailureAt
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case url
            case subscriptionID = "subscription_id"
            case consecutiveFailures = "consecutive_failures"
            case lastFailureAt = "last_failure_at"
        }
    }

    /// Events within the window.
    public struct EventCounts: Codable, Hashable, Sendable {
        /// Every event in the window.
        public var totalRecent: Int
        /// Events per category.
        public var byCategory: [String: Int]

        /// Creates the counts.
        public init(totalRecent: Int, byCategory: [String: Int]) {
            self.totalRecent = totalRecent
            self.byCategory = byCategory
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case totalRecent = "total_recent"
            case byCategory = "by_category"
        }
    }
}
