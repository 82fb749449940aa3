public import CyclesProtocol
import GRDB

import Foundation

/// `POST /v1/admin/tenants/bulk-action` and `POST /v1/admin/budgets/bulk-action` (admin key only): one lifecycle or
/// funding action applied to every row a filter matches, in one transaction. The filter is counted before anything
/// changes (more than 500 matches: 400 `LIMIT_EXCEEDED` with `details.total_matched`; a differing `expected_count`:
/// 409 `COUNT_MISMATCH`; both write nothing); then every matched row is attempted, and a row that cannot change is
/// reported in `failed` without stopping the others (its refusal is decided before it writes anything). The answer
/// is kept 15 minutes under its `idempotency_key`: a repeat with the same body replays it without acting again, the
/// same key with another body is 409 `IDEMPOTENCY_MISMATCH`.
extension Ledger {
    /// The spec's hard cap on matched rows per invocation.
    static let bulkActionLimit = 500
    /// How long a bulk answer replays.
    static let bulkReplayMs: Int64 = 15 * 60 * 1000
    static let tenantBulkActions = ["SUSPEND", "REACTIVATE", "CLOSE"]

    // MARK: - Tenants

    /// `POST /v1/admin/tenants/bulk-action`: SUSPEND (ACTIVE → SUSPENDED), REACTIVATE (SUSPENDED → ACTIVE), CLOSE
    /// (anything → CLOSED, with the full close cascade of `updateTenant` per row). A row already in the target state
    /// is `skipped` (`ALREADY_IN_TARGET_STATE`); SUSPEND or REACTIVATE of a CLOSED tenant `failed`
    /// (`INVALID_TRANSITION`). The filter has `listTenants`'s semantics.
    public func bulkActionTenants(_ request: TenantBulkActionRequest) async throws -> TenantBulkActionResponse {
        guard Self.tenantBulkActions.contains(request.action) else {
            throw LedgerError.invalid("action: must be one of \(Self.tenantBulkActions.joined(separator: ", "))")
        }
        let filter = request.filter
        let context = EventContext.currentOrInternal()
        // An empty filter is refused so nobody acts on every tenant by accident. `observe_mode` (v0.1.26) is ignored
        // as the spec asks of servers without it, so it cannot be the only member either: ignoring it would select
        // every tenant.
        guard filter.status != nil || filter.parentTenantID != nil || !(filter.search ?? "").isEmpty else {
            throw LedgerError.invalid("filter: must name at least one of status, parent_tenant_id, search")
        }
        if let status = filter.status, !Self.tenantStatuses.contains(status) {
            throw LedgerError.invalid("filter.status: must be one of ACTIVE, SUSPENDED, CLOSED")
        }
        if let search = filter.search, search.schemaLength > 128 {
            throw LedgerError.invalid("filter.search: must be at most 128 characters")
        }
        try Self.validateBulkEnvelope(expectedCount: request.expectedCount, idempotencyKey: request.idempotencyKey)
        let hash = try Self.requestHash(request)
        let endpoint = "admin:tenants/bulk-action"
        let answer = try await write { db -> TenantBulkActionResponse in
            let now = self.now(namespace: Self.defaultNamespace)
            if let stored = try self.storedAdminReply(db, endpoint: endpoint, key: request.idempotencyKey, hash: hash, now: now) {
                return try CyclesJSON.decode(TenantBulkActionResponse.self, from: stored)
            }
            let (conditions, arguments) = Self.tenantFilterConditions(
                status: filter.status, parentTenantID: filter.parentTenantID, search: filter.search)
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let matched = try Row.fetchAll(
                db,
                sql: "SELECT tenant_id, status, namespace FROM tenant\(whereClause) ORDER BY tenant_id LIMIT \(Self.bulkActionLimit + 1)",
                arguments: StatementArguments(arguments.map(\.databaseValue)))
            if matched.count > Self.bulkActionLimit {
                let total = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM tenant\(whereClause)",
                    arguments: StatementArguments(arguments.map(\.databaseValue))) ?? 0
                throw Self.bulkLimitExceeded(total, what: "tenants")
            }
            try Self.checkExpectedCount(request.expectedCount, matched: matched.count)
            var response = TenantBulkActionResponse(
                action: request.action, totalMatched: matched.count, succeeded: [], failed: [], skipped: [],
                idempotencyKey: request.idempotencyKey)
            for row in matched {
                let tenantID: String = row["tenant_id"]
                let status: String = row["status"]
                let target = ["SUSPEND": "SUSPENDED", "REACTIVATE": "ACTIVE", "CLOSE": "CLOSED"][request.action]!
                if status == target {
                    response.skipped.append(BulkActionRowOutcome(id: tenantID, reason: "ALREADY_IN_TARGET_STATE"))
                } else if status == "CLOSED" {
                    response.failed.append(
                        BulkActionRowOutcome(
                            id: tenantID, errorCode: "INVALID_TRANSITION",
                            message: "Tenant \(tenantID) is CLOSED; closing is irreversible"))
                } else {
                    try self.transitionTenantStatus(
                        db, tenantID: tenantID, to: target, now: self.now(namespace: row["namespace"]), context: context)
                    response.succeeded.append(BulkActionRowOutcome(id: tenantID))
                }
            }
            try self.storeAdminReply(db, endpoint: endpoint, key: request.idempotencyKey, hash: hash, body: try LedgerJSON.data(response), now: now)
            // One entry per tenant the action changed, in each tenant's own trail; the bulk request's id ties them.
            for row in response.succeeded {
                try self.recordAudit(db, AuditRecord(
                    operation: "bulkActionTenants", tenantID: row.id, resourceType: "tenant", resourceID: row.id,
                    metadata: ["action": .string(request.action)]))
            }
            return response
        }
        try reloadTenants()
        return answer
    }

    /// One tenant's status flip inside the caller's transaction, as `updateTenant` makes it: the instant of the
    /// new state, and for CLOSED the cascade (`closeOwnedObjects`) before the flip.
    /// Emits the tenant's lifecycle event as `updateTenant` does.
    func transitionTenantStatus(
        _ db: Database, tenantID: String, to status: String, now: Int64, context: EventContext
    ) throws {
        if let current = try Self.fetchTenant(db, tenantID) {
            try appendTenantUpdateEvent(db, current: current, request: TenantUpdateRequest(status: status), context: context, now: now)
        }
        var assignments = ["status = ?", "updated_at_ms = ?"]
        var arguments: [DatabaseValue] = [status.databaseValue, now.databaseValue]
        if status == "SUSPENDED" {
            assignments.append("suspended_at_ms = ?")
            arguments.append(now.databaseValue)
        }
        if status == "CLOSED" {
            try closeOwnedObjects(db, tenantID: tenantID, now: now, context: context)
            assignments.append("closed_at_ms = ?")
            arguments.append(now.databaseValue)
        }
        arguments.append(tenantID.databaseValue)
        try db.execute(
            sql: "UPDATE tenant SET \(assignments.joined(separator: ", ")) WHERE tenant_id = ?",
            arguments: StatementArguments(arguments))
    }

    // MARK: - Budgets

    /// `POST /v1/admin/budgets/bulk-action`: a funding operation (exactly `fundBudget`'s arithmetic, through the same
    /// `applyFunding`) on every budget of one tenant the filter matches. Validated before anything is counted (every
    /// action needs `amount`; `spent` only with RESET_SPENT). Rows: `succeeded` by ledger id; `failed` with
    /// `INVALID_TRANSITION` (unit mismatch, FROZEN or CLOSED budget), `BUDGET_EXCEEDED` (DEBIT beyond remaining) or
    /// `TENANT_CLOSED`; `skipped` (`ALREADY_IN_TARGET_STATE`) for REPAY_DEBT on a budget without debt. 404
    /// `TENANT_NOT_FOUND` for an unknown tenant.
    public func bulkActionBudgets(_ request: BudgetBulkActionRequest) async throws -> BudgetBulkActionResponse {
        guard request.action.isKnown else {
            throw LedgerError.invalid(
                "action: must be one of \(FundingOperation.knownValues.map(\.rawValue).joined(separator: ", "))")
        }
        guard let amount = request.amount else {
            throw LedgerError.invalid("amount: required for action \(request.action.rawValue)")
        }
        guard amount.amount >= 0 else { throw LedgerError.invalid("amount.amount: must not be negative") }
        try Self.validate(unit: amount.unit, field: "amount.unit")
        if let spent = request.spent {
            guard request.action == .resetSpent else {
                throw LedgerError.invalid("spent: only allowed with action RESET_SPENT")
            }
            guard spent.unit == amount.unit else {
                throw LedgerError(.unitMismatch, "spent.unit: \(spent.unit.rawValue) does not match amount.unit \(amount.unit.rawValue)")
            }
            guard spent.amount >= 0 else { throw LedgerError.invalid("spent.amount: must not be negative") }
        }
        if let reason = request.reason, reason.schemaLength > 512 {
            throw LedgerError.invalid("reason: must be at most 512 characters")
        }
        guard !request.filter.tenantID.isEmpty else { throw LedgerError.invalid("filter.tenant_id: must not be empty") }
        let filter = BudgetFilter(
            tenantID: request.filter.tenantID, scopePrefix: request.filter.scopePrefix, unit: request.filter.unit,
            status: request.filter.status, overLimit: request.filter.overLimit, hasDebt: request.filter.hasDebt,
            utilizationMin: request.filter.utilizationMin, utilizationMax: request.filter.utilizationMax,
            search: request.filter.search)
        try filter.validate(fieldPrefix: "filter.")
        try Self.validateBulkEnvelope(expectedCount: request.expectedCount, idempotencyKey: request.idempotencyKey)
        let hash = try Self.requestHash(request)
        let endpoint = "admin:budgets/bulk-action"
        let tenantID = request.filter.tenantID
        let context = EventContext.currentOrInternal()
        return try await write { db -> BudgetBulkActionResponse in
            let now = self.now(namespace: Self.defaultNamespace)
            if let stored = try self.storedAdminReply(db, endpoint: endpoint, key: request.idempotencyKey, hash: hash, now: now) {
                return try CyclesJSON.decode(BudgetBulkActionResponse.self, from: stored)
            }
            guard let tenant = try Row.fetchOne(
                db, sql: "SELECT namespace, status FROM tenant WHERE tenant_id = ?", arguments: [tenantID])
            else { throw LedgerError(.tenantNotFound, "Tenant \(tenantID) not found", httpStatus: 404) }
            let (conditions, arguments) = filter.sqlConditions()
            let whereClause = " WHERE " + conditions.joined(separator: " AND ")
            let matched = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.budgetColumns) FROM budget\(whereClause) ORDER BY scope_path, unit
                    LIMIT \(Self.bulkActionLimit + 1)
                    """, arguments: StatementArguments(arguments)
            ).map(Self.budgetLedger(row:))
            if matched.count > Self.bulkActionLimit {
                let total = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM budget\(whereClause)", arguments: StatementArguments(arguments)) ?? 0
                throw Self.bulkLimitExceeded(total, what: "budgets")
            }
            try Self.checkExpectedCount(request.expectedCount, matched: matched.count)
            var response = BudgetBulkActionResponse(
                action: request.action, totalMatched: matched.count, succeeded: [], failed: [], skipped: [],
                idempotencyKey: request.idempotencyKey)
            let tenantNow = self.now(namespace: tenant["namespace"])
            for ledger in matched {
                if (tenant["status"] as String) == "CLOSED" {
                    response.failed.append(
                        BulkActionRowOutcome(id: ledger.ledgerID, errorCode: "TENANT_CLOSED", message: "Tenant \(tenantID) is closed"))
                    continue
                }
                if ledger.unit != amount.unit {
                    response.failed.append(
                        BulkActionRowOutcome(
                            id: ledger.ledgerID, errorCode: "INVALID_TRANSITION",
                            message: "unit mismatch: the budget is in \(ledger.unit.rawValue), amount in \(amount.unit.rawValue)"))
                    continue
                }
                if request.action == .repayDebt && (ledger.debt?.amount ?? 0) == 0 {
                    response.skipped.append(BulkActionRowOutcome(id: ledger.ledgerID, reason: "ALREADY_IN_TARGET_STATE"))
                    continue
                }
                do {
                    let current = try self.requireMutableBudget(
                        db, tenantID: tenantID, scope: ledger.scope, unit: ledger.unit, allowFrozen: false)
                    _ = try self.applyFunding(
                        db, current, operation: request.action, amount: amount.amount, spent: request.spent?.amount,
                        now: tenantNow)
                    if let type = Self.fundingEventType(request.action),
                        let after = try self.fetchBudgetLedger(db, tenantID: tenantID, scope: ledger.scope, unit: ledger.unit)
                    {
                        try self.appendBudgetEvent(
                            db, type, operation: request.action.rawValue, before: current, after: after,
                            reason: request.reason, actor: .admin, context: context, now: tenantNow)
                    }
                    response.succeeded.append(BulkActionRowOutcome(id: ledger.ledgerID))
                } catch let error as LedgerError {
                    response.failed.append(
                        BulkActionRowOutcome(id: ledger.ledgerID, errorCode: Self.rowErrorCode(error), message: error.message))
                }
            }
            try self.storeAdminReply(db, endpoint: endpoint, key: request.idempotencyKey, hash: hash, body: try LedgerJSON.data(response), now: now)
            // One entry per budget the action changed (an admin-only operation: actor `admin`).
            for row in response.succeeded {
                try self.recordAudit(db, AuditRecord(
                    operation: "bulkActionBudgets", tenantID: tenantID, resourceType: "budget", resourceID: row.id,
                    metadata: ["action": .string(request.action.rawValue)],
                    amount: .object(["unit": .string(amount.unit.rawValue), "amount": .integer(amount.amount)])))
            }
            return response
        }
    }

    /// The spec's row-level vocabulary for a refused funding row (as the reference server maps it).
    static func rowErrorCode(_ error: LedgerError) -> String {
        switch error.code {
        case .budgetExceeded: "BUDGET_EXCEEDED"
        case .budgetFrozen, .budgetClosed, .invalidRequest, .unitMismatch: "INVALID_TRANSITION"
        case .budgetNotFound, .notFound: "NOT_FOUND"
        case .tenantClosed: "TENANT_CLOSED"
        default: "INTERNAL_ERROR"
        }
    }

    // MARK: - Shared

    static func validateBulkEnvelope(expectedCount: Int?, idempotencyKey: String) throws(LedgerError) {
        if let expectedCount, expectedCount < 0 { throw .invalid("expected_count: must not be negative") }
        guard (1...128).contains(idempotencyKey.schemaLength) else {
            throw .invalid("idempotency_key: must be 1-128 characters")
        }
    }

    static func bulkLimitExceeded(_ total: Int, what: String) -> LedgerError {
        LedgerError(
            .limitExceeded, "The filter matches \(total) \(what), more than \(bulkActionLimit); narrow it and retry",
            httpStatus: 400, details: ["total_matched": .integer(Int64(total))])
    }

    static func checkExpectedCount(_ expected: Int?, matched: Int) throws(LedgerError) {
        guard let expected, expected != matched else { return }
        throw LedgerError(
            .countMismatch, "expected_count \(expected) differs from the \(matched) rows the filter matches; nothing was changed",
            httpStatus: 409, details: ["total_matched": .integer(Int64(matched))])
    }

    /// The stored answer of an operator-wide operation, if its replay window is still open; 409
    /// `IDEMPOTENCY_MISMATCH` when the key was used with another body.
    func storedAdminReply(_ db: Database, endpoint: String, key: String, hash: String, now: Int64) throws -> Data? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT request_hash, body, expires_at_ms FROM admin_idempotency WHERE endpoint = ? AND key = ?",
            arguments: [endpoint, key])
        else { return nil }
        guard now <= (row["expires_at_ms"] as Int64) else { return nil }
        guard (row["request_hash"] as String) == hash else {
            throw LedgerError(
                .idempotencyMismatch, "Idempotency key '\(key)' was already used with a different request payload")
        }
        return row["body"]
    }

    func storeAdminReply(_ db: Database, endpoint: String, key: String, hash: String, body: Data, now: Int64) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO admin_idempotency (endpoint, key, request_hash, http_status, body, created_at_ms,
                  expires_at_ms) VALUES (?, ?, ?, 200, ?, ?, ?)
                """, arguments: [endpoint, key, hash, body, now, now + Self.bulkReplayMs])
    }
}
