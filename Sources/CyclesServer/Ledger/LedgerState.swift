public import CyclesProtocol

/// A full dump of one namespace: its clock, tenants, budgets (every ledger field), reservations and idempotency
/// entries. What `GET /__cycles/state` returns.
public struct LedgerState: Codable, Sendable, Hashable {
    /// One tenant.
    public struct Tenant: Codable, Sendable, Hashable {
        /// The tenant id.
        public var tenantID: String
        /// ACTIVE, SUSPENDED or CLOSED.
        public var status: String
        /// Number of API keys.
        public var apiKeyCount: Int

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case status
            case apiKeyCount = "api_key_count"
        }
    }

    /// One budget ledger.
    public struct Budget: Codable, Sendable, Hashable {
        /// Owning tenant.
        public var tenantID: String
        /// Full scope path.
        public var scopePath: String
        /// Unit.
        public var unit: BudgetUnit
        /// Funded cap.
        public var allocated: Int64
        /// Available (may be negative).
        public var remaining: Int64
        /// Held by ACTIVE reservations.
        public var reserved: Int64
        /// Charged.
        public var spent: Int64
        /// Unfunded overdraft.
        public var debt: Int64
        /// Most debt allowed.
        public var overdraftLimit: Int64
        /// Whether new reservations are blocked.
        public var isOverLimit: Bool
        /// ACTIVE, FROZEN or CLOSED.
        public var status: String

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case scopePath = "scope_path"
            case unit, allocated, remaining, reserved, spent, debt
            case overdraftLimit = "overdraft_limit"
            case isOverLimit = "is_over_limit"
            case status
        }
    }

    /// One reservation, with the server-side fields the wire detail omits.
    public struct Reservation: Codable, Sendable, Hashable {
        /// Id.
        public var reservationID: String
        /// Owning tenant.
        public var tenantID: String
        /// Lifecycle state.
        public var status: ReservationStatus
        /// The create key.
        public var idempotencyKey: String
        /// Held amount and unit.
        public var reserved: Amount
        /// Charge, once committed.
        public var committed: Amount?
        /// Creation time.
        public var createdAtMs: Int64
        /// Current expiry.
        public var expiresAtMs: Int64
        /// Grace after expiry for commit/release.
        public var gracePeriodMs: Int64
        /// Commit/release time.
        public var finalizedAtMs: Int64?
        /// Extensions so far.
        public var extensionCount: Int
        /// Extension limit.
        public var maxExtensions: Int
        /// Resolved overage policy.
        public var overagePolicy: CommitOveragePolicy
        /// Subject path.
        public var scopePath: String
        /// The scopes actually held against.
        public var budgetedScopes: [String]

        enum CodingKeys: String, CodingKey {
            case reservationID = "reservation_id"
            case tenantID = "tenant_id"
            case status
            case idempotencyKey = "idempotency_key"
            case reserved, committed
            case createdAtMs = "created_at_ms"
            case expiresAtMs = "expires_at_ms"
            case gracePeriodMs = "grace_period_ms"
            case finalizedAtMs = "finalized_at_ms"
            case extensionCount = "extension_count"
            case maxExtensions = "max_extensions"
            case overagePolicy = "overage_policy"
            case scopePath = "scope_path"
            case budgetedScopes = "budgeted_scopes"
        }
    }

    /// One stored idempotent answer.
    public struct IdempotencyEntry: Codable, Sendable, Hashable {
        /// Tenant scope of the key.
        public var tenantID: String
        /// `reserve`, `decide`, `event`, or `commit:<id>` / `release:<id>` / `extend:<id>`.
        public var endpoint: String
        /// The key.
        public var key: String
        /// Stored status.
        public var httpStatus: Int
        /// The reservation it refers to, if any.
        public var reservationID: String?
        /// When stored.
        public var createdAtMs: Int64
        /// When it stops replaying (absent: for the life of the record).
        public var expiresAtMs: Int64?

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case endpoint, key
            case httpStatus = "http_status"
            case reservationID = "reservation_id"
            case createdAtMs = "created_at_ms"
            case expiresAtMs = "expires_at_ms"
        }
    }

    /// The namespace.
    public var namespace: String
    /// Its clock, exactly as `GET /__cycles/clock` answers it (`mode`, `now_ms`, `at_ms`, `offset_ms`).
    public var clock: ClockBody
    /// Tenants.
    public var tenants: [Tenant]
    /// Budgets, by (tenant, scope_path, unit).
    public var budgets: [Budget]
    /// Reservations, oldest first.
    public var reservations: [Reservation]
    /// Idempotency entries.
    public var idempotency: [IdempotencyEntry]

    enum CodingKeys: String, CodingKey {
        case namespace
        case clock
        case tenants, budgets, reservations, idempotency
    }
}
