public import CyclesProtocol
import GRDB

import Foundation

/// Budget administration (`/v1/admin/budgets…`: create, lookup, list, patch, freeze, unfreeze), callable without
/// HTTP. Funding is in `Ledger+BudgetFunding.swift`, the bulk actions in `Ledger+BulkActions.swift`. None of this
/// runs on the reserve path: it reads and writes the same `budget` rows, with their own SQL.
extension Ledger {
    /// Who calls a budget operation that accepts both credentials.
    public enum AdminCaller: Sendable, Hashable {
        /// `X-Admin-API-Key`: acts for any tenant.
        case admin
        /// A tenant API key: only its own tenant's budgets, narrowed by the key's `scope_filter` when it has one.
        case tenant(tenantID: String, scopeFilter: [String]?, keyID: String? = nil)

        /// Who the audit log names for a mutation by this caller: the operator acting on a tenant's behalf, or the key.
        var auditActor: AuditActor {
            switch self {
            case .admin: .adminOnBehalfOf
            case .tenant(_, _, let keyID): AuditActor(type: "api_key", keyID: keyID)
            }
        }
    }

    /// Filters, order and page position of `listBudgets` (the query of `GET /v1/admin/budgets`).
    public struct BudgetQuery: Sendable, Hashable {
        /// Only this tenant's budgets (ignored for a tenant caller, who only ever sees its own).
        public var tenantID: String?
        /// The scope itself and its descendants, segment by segment.
        public var scopePrefix: String?
        /// Only this unit.
        public var unit: BudgetUnit?
        /// `ACTIVE`, `FROZEN` or `CLOSED`.
        public var status: String?
        /// Only budgets whose `is_over_limit` equals this.
        public var overLimit: Bool?
        /// Only budgets with (true) or without (false) debt.
        public var hasDebt: Bool?
        /// Inclusive lower bound on `spent / allocated` (0 when allocated is 0), in [0, 1].
        public var utilizationMin: Double?
        /// Inclusive upper bound on `spent / allocated`, in [0, 1].
        public var utilizationMax: Double?
        /// Case-insensitive substring of `tenant_id` or `scope` (at most 128 characters; empty counts as absent).
        public var search: String?
        /// `tenant_id`, `scope`, `unit`, `status`, `commit_overage_policy`, `utilization` or `debt`; absent: by scope.
        public var sortBy: String?
        /// `asc` or `desc` (default `desc` with `sort_by`, `asc` without).
        public var sortDirection: String?
        /// 1–100 (default 50).
        public var limit: Int
        /// From a previous page's `next_cursor`.
        public var cursor: String?

        /// Creates a query.
        public init(
            tenantID: String? = nil, scopePrefix: String? = nil, unit: BudgetUnit? = nil, status: String? = nil,
            overLimit: Bool? = nil, hasDebt: Bool? = nil, utilizationMin: Double? = nil, utilizationMax: Double? = nil,
            search: String? = nil, sortBy: String? = nil, sortDirection: String? = nil, limit: Int = 50,
            cursor: String? = nil
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
            self.sortBy = sortBy
            self.sortDirection = sortDirection
            self.limit = limit
            self.cursor = cursor
        }

        /// The filter part (what the budget bulk action shares).
        var filter: BudgetFilter {
            BudgetFilter(
                tenantID: tenantID, scopePrefix: scopePrefix, unit: unit, status: status, overLimit: overLimit,
                hasDebt: hasDebt, utilizationMin: utilizationMin, utilizationMax: utilizationMax, search: search)
        }
    }

    static let budgetStatuses = ["ACTIVE", "FROZEN", "CLOSED"]
    static let rolloverPolicies = ["NONE", "CARRY_FORWARD", "CAP_AT_ALLOCATED"]

    // MARK: - Callers

    /// Resolves the credentials of a dual-auth budget route: 401 for a missing, unknown, revoked or expired tenant
    /// key, 403 FORBIDDEN when it grants none of `permissions` (the tenant permission and its granular admin
    /// equivalent, as `GET /v1/auth/introspect` derives `view_budgets` / `manage_budgets`).
    public func adminCaller(apiKey: String?, requiringAnyOf permissions: [Permission]) throws(LedgerError)
        -> AdminCaller
    {
        let entry = try authEntry(apiKey: apiKey)
        guard permissions.contains(where: { entry.permissions.grants($0) }) else {
            throw LedgerError(
                .forbidden, "API key lacks permission '\(permissions.first?.rawValue ?? "")'", tenant: entry.tenantID)
        }
        return .tenant(tenantID: entry.tenantID, scopeFilter: entry.scopeFilter, keyID: entry.keyID)
    }

    /// 403 FORBIDDEN unless a tenant caller may address `scope`: its first segment must be the caller's own tenant
    /// (decided from the scope text alone, so it says nothing about whether another tenant has such a budget), and
    /// a key with a `scope_filter` must match one entry (a `level:value` segment of the path, or `level:*` for any
    /// value; the reference server's segment matching).
    static func authorize(_ caller: AdminCaller, scope: ScopePath) throws(LedgerError) {
        guard case .tenant(let tenantID, let scopeFilter, _) = caller else { return }
        guard scope.segments.first?.value == tenantID.lowercased() else {
            throw LedgerError(.forbidden, "scope \(scope) is outside the authenticated tenant", tenant: tenantID)
        }
        guard let scopeFilter, !scopeFilter.isEmpty else { return }
        guard Self.scopeFilter(scopeFilter, permits: scope) else {
            throw LedgerError(.forbidden, "API key scope_filter does not permit scope \(scope)", tenant: tenantID)
        }
    }

    /// Whether a non-empty `scope_filter` covers `scope`: one entry matches a `level:value` segment of the path, or
    /// `level:*` any value at that level (the reference server's segment matching). The one matcher of the admin
    /// budget routes and the runtime plane; `BudgetFilter.scopeFilterCondition` is its SQL form for paged lists.
    static func scopeFilter(_ scopeFilter: [String], permits scope: ScopePath) -> Bool {
        let segments = scope.segments.map(\.text)
        return scopeFilter.contains { entry in
            let entry = entry.lowercased()
            if entry.hasSuffix(":*"), entry.count > 2 {
                return segments.contains { $0.hasPrefix(String(entry.dropLast())) }
            }
            return segments.contains(entry)
        }
    }

    // MARK: - Create

    /// `POST /v1/admin/budgets`. Under the admin key `tenant_id` is required in the body, under a tenant key it must
    /// be absent (both 400 naming it). The tenant must exist (400 naming `tenant_id`, the spec's "tenant not found")
    /// and be ACTIVE (409 `TENANT_CLOSED` for a closed one, 400 for a suspended one, as the reference server); a
    /// second budget for the same (scope, unit) is 409 `DUPLICATE_RESOURCE`. Starts with remaining = allocated.
    public func createBudget(_ request: BudgetCreateRequest, as caller: AdminCaller) async throws -> BudgetLedger {
        let tenantID: String
        switch caller {
        case .admin:
            guard let requested = request.tenantID, !requested.isEmpty else {
                throw LedgerError.invalid("tenant_id: required when creating a budget with the admin key")
            }
            tenantID = requested
        case .tenant(let own, _, _):
            guard request.tenantID == nil else {
                throw LedgerError.invalid(
                    "tenant_id: must not be sent with a tenant API key (the tenant comes from the key)")
            }
            tenantID = own
        }
        let scope = try Self.validate(request, tenantID: tenantID)
        try Self.authorize(caller, scope: scope)
        let context = EventContext.currentOrInternal()
        return try await write { db -> BudgetLedger in
            guard let tenant = try Row.fetchOne(
                db, sql: "SELECT namespace, status FROM tenant WHERE tenant_id = ?", arguments: [tenantID])
            else { throw LedgerError.invalid("tenant_id: unknown tenant '\(tenantID)'") }
            let status: String = tenant["status"]
            if status == "CLOSED" {
                throw LedgerError(.tenantClosed, "Tenant \(tenantID) is closed; no budgets can be created", tenant: tenantID)
            }
            guard status == "ACTIVE" else {
                throw LedgerError.invalid("tenant_id: tenant '\(tenantID)' is \(status); budgets are created for ACTIVE tenants")
            }
            let created = try self.insertBudget(
                db, tenantID: tenantID, scope: scope.description, request: request, now: self.now(namespace: tenant["namespace"]))
            try self.recordAudit(db, AuditRecord(
                operation: "createBudget", tenantID: tenantID, resourceType: "budget",
                resourceID: created.ledgerID, status: 201, actor: caller.auditActor,
                metadata: ["scope": .string(scope.description), "unit": .string(request.unit.rawValue)]))
            try self.appendBudgetEvent(
                db, .budgetCreated, operation: "CREATE", before: nil, after: created, actor: caller.eventActor,
                context: context, now: self.now(namespace: tenant["namespace"]))
            return created
        }
    }

    /// The one way a budget row is created, inside the caller's transaction: by `createBudget` and by every seed
    /// budget (a seed is a batch of admin operations). `request` must have passed `validate(_:tenantID:)`, which
    /// gave `scope`. 409 `DUPLICATE_RESOURCE` when the (tenant, scope, unit) ledger exists.
    func insertBudget(_ db: Database, tenantID: String, scope: String, request: BudgetCreateRequest, now: Int64) throws
        -> BudgetLedger
    {
        let unit = request.unit.rawValue
        let exists = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM budget WHERE tenant_id = ? AND scope_path = ? AND unit = ?)",
            arguments: [tenantID, scope, unit]) ?? false
        guard !exists else {
            throw LedgerError(
                .duplicateResource, "A budget for \(scope) in \(unit) already exists", httpStatus: 409, tenant: tenantID)
        }
        try db.execute(
            sql: """
                INSERT INTO budget (tenant_id, scope_path, unit, allocated, remaining, reserved, spent, debt,
                  overdraft_limit, is_over_limit, status, commit_overage_policy, caps_json, rollover_policy,
                  period_start_ms, period_end_ms, metadata_json, created_at_ms, updated_at_ms)
                VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, 0, 'ACTIVE', ?, NULL, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                tenantID, scope, unit, request.allocated.amount, request.allocated.amount,
                request.overdraftLimit?.amount ?? 0, request.commitOveragePolicy?.rawValue,
                request.rolloverPolicy ?? "NONE", try request.periodStart.map { text throws(LedgerError) in try Self.parseInstant(text, field: "period_start") },
                try request.periodEnd.map { text throws(LedgerError) in try Self.parseInstant(text, field: "period_end") },
                try Self.encodeJSON(request.metadata), now, now,
            ])
        return try fetchBudgetLedger(db, tenantID: tenantID, scope: scope, unit: request.unit)!
    }

    // MARK: - Read

    /// `GET /v1/admin/budgets/lookup?scope=&unit=`: the one ledger of an exact (scope, unit). The admin key needs no
    /// tenant (the scope names it); a tenant key sees only its own scopes (403 otherwise, see `authorize`). 404
    /// `BUDGET_NOT_FOUND` when there is none.
    public func lookupBudget(scope text: String, unit: BudgetUnit, as caller: AdminCaller) async throws -> BudgetLedger {
        let scope = try Self.parseScope(text, field: "scope")
        try Self.validate(unit: unit, field: "unit")
        try Self.authorize(caller, scope: scope)
        return try await pool.read { db in
            guard let found = try self.fetchBudgetLedger(db, scope: scope.description, unit: unit) else {
                throw Self.budgetNotFound(scope.description, unit)
            }
            return found
        }
    }

    /// `GET /v1/admin/budgets`: filtered (AND), sorted, keyset-paginated with `PageCursor` on (sort value, ledger
    /// key). A tenant caller lists only its own budgets (and, with a scope filter, only the scopes it allows); the
    /// admin key lists one tenant's with `tenant_id`, everyone's without.
    public func listBudgets(_ query: BudgetQuery, as caller: AdminCaller) async throws -> BudgetListResponse {
        var query = query
        var scopeFilter: [String]?
        if case .tenant(let tenantID, let filter, _) = caller {
            query.tenantID = tenantID
            scopeFilter = filter
        }
        guard (1...100).contains(query.limit) else { throw LedgerError.invalid("limit must be an integer between 1 and 100") }
        var filter = query.filter
        filter.scopeFilter = scopeFilter
        try filter.validate(fieldPrefix: "")
        let sortBy = query.sortBy ?? "scope"
        guard let sortExpression = BudgetFilter.sortExpressions[sortBy] else {
            throw LedgerError.invalid(
                "sort_by must be one of \(BudgetFilter.sortFields.joined(separator: ", "))")
        }
        let direction = query.sortDirection ?? (query.sortBy == nil ? "asc" : "desc")
        guard ["asc", "desc"].contains(direction) else { throw LedgerError.invalid("sort_dir must be asc or desc") }
        var (conditions, arguments) = filter.sqlConditions()
        struct Fingerprint: Encodable {
            var filter: BudgetFilter
            var sortBy: String
            var direction: String
        }
        let fingerprint = try PageCursor.fingerprint(Fingerprint(filter: filter, sortBy: sortBy, direction: direction))
        let descending = direction == "desc"
        let comparison = descending ? "<" : ">"
        if let cursor = try PageCursor.decode(query.cursor, fingerprint: fingerprint) {
            let value: DatabaseValue =
                switch cursor.sortValue {
                case .integer(let number): number.databaseValue
                case .text(let text): text.databaseValue
                }
            conditions.append(
                "(\(sortExpression) \(comparison) ? OR (\(sortExpression) = ? AND \(BudgetFilter.tieBreak) \(comparison) ?))")
            arguments += [value, value, cursor.tieBreak.databaseValue]
        }
        let order = descending ? "DESC" : "ASC"
        let sql = """
            SELECT \(Self.budgetColumns), \(sortExpression) AS sort_value, \(BudgetFilter.tieBreak) AS tie_break
            FROM budget\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            ORDER BY sort_value \(order), tie_break \(order) LIMIT \(query.limit + 1)
            """
        let integerSort = BudgetFilter.integerSortFields.contains(sortBy)
        let values = arguments
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
                (
                    ledger: Self.budgetLedger(row: row),
                    sortValue: integerSort
                        ? PageCursor.Value.integer(row["sort_value"]) : PageCursor.Value.text(row["sort_value"]),
                    tieBreak: row["tie_break"] as String
                )
            }
        }
        let page = rows.prefix(query.limit)
        let hasMore = rows.count > query.limit
        let nextCursor = hasMore ? page.last.map {
            PageCursor(fingerprint: fingerprint, sortValue: $0.sortValue, tieBreak: $0.tieBreak).encoded
        } : nil
        return BudgetListResponse(ledgers: page.map(\.ledger), nextCursor: nextCursor, hasMore: hasMore)
    }

    // MARK: - Update, freeze, unfreeze (admin key only)

    /// `PATCH /v1/admin/budgets?scope=&unit=`: overdraft limit, overage policy, metadata. A FROZEN budget may still
    /// change (the spec says so); a CLOSED one is 409 `BUDGET_CLOSED`, one of a closed tenant 409 `TENANT_CLOSED`.
    /// `is_over_limit` is recomputed as `debt > overdraft_limit` when the limit changes (the spec's definition).
    public func updateBudget(scope text: String, unit: BudgetUnit, _ request: BudgetUpdateRequest) async throws
        -> BudgetLedger
    {
        let scope = try Self.parseScope(text, field: "scope")
        try Self.validate(unit: unit, field: "unit")
        if let limit = request.overdraftLimit { try Self.validate(limit, unit: unit, field: "overdraft_limit") }
        if let policy = request.commitOveragePolicy, !policy.isKnown {
            throw LedgerError.invalid("commit_overage_policy: must be one of REJECT, ALLOW_IF_AVAILABLE, ALLOW_WITH_OVERDRAFT")
        }
        let context = EventContext.currentOrInternal()
        return try await write { db -> BudgetLedger in
            let current = try self.requireMutableBudget(db, scope: scope.description, unit: unit, allowFrozen: true)
            var assignments: [String] = []
            var arguments: [DatabaseValue] = []
            func set(_ column: String, _ value: (any DatabaseValueConvertible)?) {
                assignments.append("\(column) = ?")
                arguments.append(value?.databaseValue ?? .null)
            }
            if let limit = request.overdraftLimit {
                set("overdraft_limit", limit.amount)
                set("is_over_limit", (current.debt?.amount ?? 0) > limit.amount)
            }
            if let policy = request.commitOveragePolicy { set("commit_overage_policy", policy.rawValue) }
            if let metadata = request.metadata { set("metadata_json", try Self.encodeJSON(metadata)) }
            set("updated_at_ms", self.now(namespace: try self.namespace(db, tenantID: current.tenantID!)))
            arguments += [current.tenantID!.databaseValue, scope.description.databaseValue, unit.rawValue.databaseValue]
            try db.execute(
                sql: "UPDATE budget SET \(assignments.joined(separator: ", ")) WHERE tenant_id = ? AND scope_path = ? AND unit = ?",
                arguments: StatementArguments(arguments))
            let updated = try self.fetchBudgetLedger(db, tenantID: current.tenantID!, scope: scope.description, unit: unit)!
            try self.appendBudgetEvent(
                db, .budgetUpdated, operation: "UPDATE", before: current, after: updated, actor: .admin, context: context,
                now: self.now(namespace: try self.namespace(db, tenantID: current.tenantID!)))
            try self.recordAudit(db, AuditRecord(
                operation: "updateBudget", tenantID: current.tenantID!, resourceType: "budget",
                resourceID: updated.ledgerID, actor: .admin,
                metadata: ["scope": .string(scope.description), "unit": .string(unit.rawValue)]))
            return updated
        }
    }

    /// `POST /v1/admin/budgets/freeze` (`to: "FROZEN"`, only from ACTIVE) and `/unfreeze` (`to: "ACTIVE"`, only from
    /// FROZEN). The wrong starting state is 409: `BUDGET_CLOSED` for a closed budget, otherwise `INVALID_REQUEST`
    /// with HTTP 409, as the reference server answers (the spec names the status, not a code).
    public func transitionBudget(
        scope text: String, unit: BudgetUnit, to target: String, _ request: BudgetStatusTransitionRequest?
    ) async throws -> BudgetLedger {
        let scope = try Self.parseScope(text, field: "scope")
        try Self.validate(unit: unit, field: "unit")
        if let reason = request?.reason, reason.schemaLength > 512 {
            throw LedgerError.invalid("reason: must be at most 512 characters")
        }
        let context = EventContext.currentOrInternal()
        return try await write { db -> BudgetLedger in
            let current = try self.requireMutableBudget(db, scope: scope.description, unit: unit, allowFrozen: true)
            let ledger = try self.transitionBudgetStatus(db, current, to: target)
            try self.appendBudgetEvent(
                db, target == "FROZEN" ? .budgetFrozen : .budgetUnfrozen, operation: "STATUS_CHANGE", before: current,
                after: ledger, reason: request?.reason, actor: .admin, context: context,
                now: self.now(namespace: try self.namespace(db, tenantID: current.tenantID!)))
            var metadata: [String: JSONValue] = ["scope": .string(scope.description), "unit": .string(unit.rawValue)]
            if let reason = request?.reason { metadata["reason"] = .string(reason) }
            try self.recordAudit(db, AuditRecord(
                operation: target == "FROZEN" ? "freezeBudget" : "unfreezeBudget", tenantID: current.tenantID!,
                resourceType: "budget", resourceID: ledger.ledgerID, actor: .admin, metadata: metadata))
            return ledger
        }
    }

    /// The status flip of freeze / unfreeze inside the caller's transaction (also how a seed freezes a budget).
    func transitionBudgetStatus(_ db: Database, _ current: BudgetLedger, to target: String) throws -> BudgetLedger {
        let from = target == "FROZEN" ? "ACTIVE" : "FROZEN"
        guard current.status == from else {
            throw LedgerError(
                .invalidRequest,
                target == "FROZEN" ? "Budget \(current.scope) is already frozen" : "Budget \(current.scope) is not frozen",
                httpStatus: 409, tenant: current.tenantID)
        }
        let tenantID = current.tenantID!
        try db.execute(
            sql: "UPDATE budget SET status = ?, updated_at_ms = ? WHERE tenant_id = ? AND scope_path = ? AND unit = ?",
            arguments: [
                target, now(namespace: try namespace(db, tenantID: tenantID)), tenantID, current.scope,
                current.unit.rawValue,
            ])
        return try fetchBudgetLedger(db, tenantID: tenantID, scope: current.scope, unit: current.unit)!
    }

    /// The budget a mutation addresses: 404 `BUDGET_NOT_FOUND`, 409 `TENANT_CLOSED` for a closed tenant's (the
    /// spec's terminal-owner guard), 409 `BUDGET_CLOSED` for a closed one, and unless `allowFrozen` 409
    /// `BUDGET_FROZEN` for a frozen one.
    func requireMutableBudget(
        _ db: Database, tenantID: String? = nil, scope: String, unit: BudgetUnit, allowFrozen: Bool
    ) throws -> BudgetLedger {
        let found =
            if let tenantID { try fetchBudgetLedger(db, tenantID: tenantID, scope: scope, unit: unit) }
            else { try fetchBudgetLedger(db, scope: scope, unit: unit) }
        guard let budget = found else { throw Self.budgetNotFound(scope, unit) }
        let owner = budget.tenantID!
        if try String.fetchOne(db, sql: "SELECT status FROM tenant WHERE tenant_id = ?", arguments: [owner]) == "CLOSED" {
            throw LedgerError(.tenantClosed, "Tenant \(owner) is closed; its budgets can no longer change", tenant: owner)
        }
        if budget.status == "CLOSED" {
            throw LedgerError(.budgetClosed, "Budget \(scope) in \(unit.rawValue) is closed", tenant: owner)
        }
        if budget.status == "FROZEN" && !allowFrozen {
            throw LedgerError(.budgetFrozen, "Budget \(scope) in \(unit.rawValue) is frozen", tenant: owner)
        }
        return budget
    }

    // MARK: - Rows

    /// The columns `budgetLedger(row:)` reads (by name; admin reads are not on the hot path).
    static let budgetColumns = """
        tenant_id, scope_path, unit, allocated, remaining, reserved, spent, debt, overdraft_limit, is_over_limit,
        status, commit_overage_policy, rollover_policy, period_start_ms, period_end_ms, metadata_json, created_at_ms,
        updated_at_ms
        """

    func fetchBudgetLedger(_ db: Database, tenantID: String, scope: String, unit: BudgetUnit) throws -> BudgetLedger? {
        try Row.fetchOne(
            db, sql: "SELECT \(Self.budgetColumns) FROM budget WHERE tenant_id = ? AND scope_path = ? AND unit = ?",
            arguments: [tenantID, scope, unit.rawValue]
        ).map(Self.budgetLedger(row:))
    }

    /// By (scope, unit) alone: a budget scope starts with its tenant, so the pair names one ledger.
    func fetchBudgetLedger(_ db: Database, scope: String, unit: BudgetUnit) throws -> BudgetLedger? {
        try Row.fetchOne(
            db,
            sql: "SELECT \(Self.budgetColumns) FROM budget WHERE scope_path = ? AND unit = ? ORDER BY tenant_id LIMIT 1",
            arguments: [scope, unit.rawValue]
        ).map(Self.budgetLedger(row:))
    }

    static func budgetLedger(row: Row) -> BudgetLedger {
        let tenantID: String = row["tenant_id"]
        let scope: String = row["scope_path"]
        let unit = BudgetUnit(rawValue: row["unit"])
        func amount(_ column: String) -> Amount { Amount(unit: unit, amount: row[column]) }
        return BudgetLedger(
            ledgerID: ledgerID(tenantID: tenantID, scope: scope, unit: unit), tenantID: tenantID, scope: scope,
            scopePath: scope, unit: unit, allocated: amount("allocated"), remaining: amount("remaining"),
            reserved: amount("reserved"), spent: amount("spent"), debt: amount("debt"),
            overdraftLimit: amount("overdraft_limit"), isOverLimit: row["is_over_limit"],
            commitOveragePolicy: (row["commit_overage_policy"] as String?).map(CommitOveragePolicy.init(rawValue:)),
            status: row["status"], rolloverPolicy: row["rollover_policy"],
            periodStart: (row["period_start_ms"] as Int64?).map(RFC3339.string),
            periodEnd: (row["period_end_ms"] as Int64?).map(RFC3339.string),
            metadata: (row["metadata_json"] as String?).flatMap {
                try? CyclesJSON.decode([String: JSONValue].self, from: Data($0.utf8))
            },
            createdAt: RFC3339.string(row["created_at_ms"] ?? 0),
            updatedAt: (row["updated_at_ms"] as Int64?).map(RFC3339.string))
    }

    /// A ledger's id, derived from its (tenant, scope, unit) key: stable across restarts and migrations, unique
    /// because the key is, and no column to keep in step.
    static func ledgerID(tenantID: String, scope: String, unit: BudgetUnit) -> String {
        "ldg_" + hash("\(tenantID)\n\(scope)\n\(unit.rawValue)").prefix(24)
    }

    func namespace(_ db: Database, tenantID: String) throws -> String {
        try String.fetchOne(db, sql: "SELECT namespace FROM tenant WHERE tenant_id = ?", arguments: [tenantID])
            ?? Self.defaultNamespace
    }

    static func budgetNotFound(_ scope: String, _ unit: BudgetUnit) -> LedgerError {
        LedgerError(.budgetNotFound, "Budget not found for scope \(scope) in \(unit.rawValue)", httpStatus: 404)
    }

    // MARK: - Validation

    /// Checks a create request (400 naming the field; 400 `UNIT_MISMATCH` for an amount in another unit) and returns
    /// its canonical scope, which must start with `tenant:<tenantID>`.
    static func validate(_ request: BudgetCreateRequest, tenantID: String) throws(LedgerError) -> ScopePath {
        let scope = try parseScope(request.scope, field: "scope")
        guard scope.segments.first?.value == tenantID.lowercased() else {
            throw .invalid("scope: must start with tenant:\(tenantID) (the budget's tenant)")
        }
        try validate(unit: request.unit, field: "unit")
        try validate(request.allocated, unit: request.unit, field: "allocated")
        if let limit = request.overdraftLimit { try validate(limit, unit: request.unit, field: "overdraft_limit") }
        if let policy = request.commitOveragePolicy, !policy.isKnown {
            throw .invalid("commit_overage_policy: must be one of REJECT, ALLOW_IF_AVAILABLE, ALLOW_WITH_OVERDRAFT")
        }
        if let rollover = request.rolloverPolicy, !rolloverPolicies.contains(rollover) {
            throw .invalid("rollover_policy: must be one of \(rolloverPolicies.joined(separator: ", "))")
        }
        let start = try request.periodStart.map { text throws(LedgerError) in try parseInstant(text, field: "period_start") }
        let end = try request.periodEnd.map { text throws(LedgerError) in try parseInstant(text, field: "period_end") }
        if let start, let end, end <= start { throw .invalid("period_end: must be after period_start") }
        return scope
    }

    /// A canonical budget scope (`tenant:<id>[/<level>:<id>]…` in canonical order), lowercased.
    static func parseScope(_ text: String, field: String) throws(LedgerError) -> ScopePath {
        guard let scope = ScopePath(parsing: text), scope.segments.first?.level == .tenant else {
            throw .invalid(
                "\(field): must be a canonical scope starting with tenant:<id>, such as tenant:acme/workspace:prod")
        }
        return scope
    }

    static func validate(unit: BudgetUnit, field: String) throws(LedgerError) {
        guard unit.isKnown else {
            throw .invalid("\(field): must be one of \(BudgetUnit.knownValues.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// An `Amount` of the budget's unit (400 `UNIT_MISMATCH` otherwise) that is not negative.
    static func validate(_ amount: Amount, unit: BudgetUnit, field: String) throws(LedgerError) {
        guard amount.unit == unit else {
            throw LedgerError(
                .unitMismatch, "\(field).unit: \(amount.unit.rawValue) does not match the budget unit \(unit.rawValue)",
                details: [
                    "requested_unit": .string(amount.unit.rawValue), "expected_units": .array([.string(unit.rawValue)]),
                ])
        }
        guard amount.amount >= 0 else { throw .invalid("\(field).amount: must not be negative") }
    }
}

/// The filters `GET /v1/admin/budgets` and the budget bulk action share (the spec makes their semantics identical),
/// as SQL over the `budget` table.
struct BudgetFilter: Sendable, Hashable, Encodable {
    var tenantID: String?
    var scopePrefix: String?
    var unit: BudgetUnit?
    var status: String?
    var overLimit: Bool?
    var hasDebt: Bool?
    var utilizationMin: Double?
    var utilizationMax: Double?
    var search: String?
    /// A tenant key's scope patterns (rows outside them are never listed).
    var scopeFilter: [String]?

    static let sortFields = ["tenant_id", "scope", "unit", "status", "commit_overage_policy", "utilization", "debt"]
    static let integerSortFields: Set<String> = ["utilization", "debt"]
    /// Utilization (`spent / allocated`, 0 when allocated is 0) as a sort key in billionths, so it pages with an
    /// integer `PageCursor` value; the ORDER BY and the cursor comparison use this one expression, so the order is
    /// exact even where two utilizations round alike (the tie-break decides).
    static let utilizationExpression =
        "CAST(CASE WHEN allocated > 0 THEN round(CAST(spent AS REAL) * 1000000000.0 / allocated) ELSE 0 END AS INTEGER)"
    static let sortExpressions = [
        "tenant_id": "tenant_id", "scope": "scope_path", "unit": "unit", "status": "status",
        "commit_overage_policy": "coalesce(commit_overage_policy, '')", "utilization": utilizationExpression,
        "debt": "debt",
    ]
    /// The unique ledger key as one text (scope paths start with their tenant; the unit separates units).
    static let tieBreak = "(tenant_id || ' ' || scope_path || ' ' || unit)"

    /// 400 naming the offending filter (`fieldPrefix` is `filter.` in a bulk body, empty for query parameters).
    func validate(fieldPrefix: String) throws(LedgerError) {
        if let status, !Ledger.budgetStatuses.contains(status) {
            throw .invalid("\(fieldPrefix)status must be one of ACTIVE, FROZEN, CLOSED")
        }
        if let unit, !unit.isKnown {
            throw .invalid("\(fieldPrefix)unit must be one of \(BudgetUnit.knownValues.map(\.rawValue).joined(separator: ", "))")
        }
        for (name, value) in [("utilization_min", utilizationMin), ("utilization_max", utilizationMax)] {
            if let value, !(0...1).contains(value) { throw .invalid("\(fieldPrefix)\(name) must be a number in [0, 1]") }
        }
        if let low = utilizationMin, let high = utilizationMax, low > high {
            throw .invalid("\(fieldPrefix)utilization_min must not be greater than utilization_max")
        }
        if let search, search.schemaLength > 128 { throw .invalid("\(fieldPrefix)search must be at most 128 characters") }
        if let scopePrefix, scopePrefix.isEmpty { throw .invalid("\(fieldPrefix)scope_prefix must not be empty") }
    }

    /// AND-combined conditions and their arguments.
    func sqlConditions() -> ([String], [DatabaseValue]) {
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        if let tenantID {
            conditions.append("tenant_id = ?")
            arguments.append(tenantID.databaseValue)
        }
        if let scopePrefix {
            // The scope and its descendants, whole segments only (`…/workspace:eng` does not match `workspace:eng2`).
            let prefix = (ScopePath(parsing: scopePrefix)?.description ?? scopePrefix.lowercased())
            conditions.append("(scope_path = ? OR substr(scope_path, 1, ?) = ?)")
            arguments += [prefix.databaseValue, (prefix.utf8.count + 1).databaseValue, (prefix + "/").databaseValue]
        }
        if let unit {
            conditions.append("unit = ?")
            arguments.append(unit.rawValue.databaseValue)
        }
        if let status {
            conditions.append("status = ?")
            arguments.append(status.databaseValue)
        }
        if let overLimit { conditions.append(overLimit ? "is_over_limit != 0" : "is_over_limit = 0") }
        if let hasDebt { conditions.append(hasDebt ? "debt > 0" : "debt = 0") }
        let utilization = "(CASE WHEN allocated > 0 THEN CAST(spent AS REAL) / allocated ELSE 0.0 END)"
        if let utilizationMin {
            conditions.append("\(utilization) >= ?")
            arguments.append(utilizationMin.databaseValue)
        }
        if let utilizationMax {
            conditions.append("\(utilization) <= ?")
            arguments.append(utilizationMax.databaseValue)
        }
        if let search, !search.isEmpty {
            conditions.append("(instr(lower(tenant_id), ?) > 0 OR instr(lower(scope_path), ?) > 0)")
            arguments += [search.lowercased().databaseValue, search.lowercased().databaseValue]
        }
        if let scopeFilter, !scopeFilter.isEmpty {
            let (condition, values) = Self.scopeFilterCondition(scopeFilter)
            conditions.append(condition)
            arguments += values
        }
        return (conditions, arguments)
    }

    /// `Ledger.scopeFilter(_:permits:)` as an SQL condition on a `scope_path` column (for lists paged in SQL: the
    /// budget list and the runtime reservation list): `level:value` is a whole segment, `level:*` any value.
    static func scopeFilterCondition(_ scopeFilter: [String]) -> (String, [DatabaseValue]) {
        var alternatives: [String] = []
        var arguments: [DatabaseValue] = []
        for entry in scopeFilter.map({ $0.lowercased() }) {
            if entry.hasSuffix(":*"), entry.count > 2 {
                alternatives.append("instr('/' || scope_path, ?) > 0")
                arguments.append(("/" + entry.dropLast()).databaseValue)
            } else {
                alternatives.append("instr('/' || scope_path || '/', ?) > 0")
                arguments.append(("/" + entry + "/").databaseValue)
            }
        }
        return ("(" + alternatives.joined(separator: " OR ") + ")", arguments)
    }
}
