public import CyclesProtocol
import GRDB
import Synchronization

/// Namespaces, seeding, clocks, state dumps and invariant checks: the ledger-level half of the mock controls.
extension Ledger {
    /// The namespace that always exists.
    public static let defaultNamespace = "default"

    static func validate(namespace: String) throws {
        guard SeedParser.isValidIdentifier(namespace), namespace.count <= 64 else {
            throw LedgerError.invalid("namespace must be 1-64 characters of [a-zA-Z0-9_.-]")
        }
    }

    /// Creates a namespace; creating one that exists is a no-op.
    public func createNamespace(_ name: String) async throws {
        try Self.validate(namespace: name)
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO namespace (name) VALUES (?)", arguments: [name])
        }
    }

    /// Deletes a namespace with its tenants, keys, budgets, reservations, events and idempotency rows.
    /// `default` cannot be deleted (it is reset instead).
    public func deleteNamespace(_ name: String) async throws {
        if name == Self.defaultNamespace { return try await resetNamespace(name) }
        let deleted = try await pool.write { db in
            // The audit log has no foreign key to tenant (it outlives what it describes), so it goes explicitly.
            try db.execute(
                sql: "DELETE FROM audit_log WHERE tenant_id IN (SELECT tenant_id FROM tenant WHERE namespace = ?)",
                arguments: [name])
            try db.execute(sql: "DELETE FROM namespace WHERE name = ?", arguments: [name])
            return db.changesCount
        }
        clocks.withLock { _ = $0.removeValue(forKey: name) }
        rateLimiter.forget(namespace: name)
        try reloadTenants()
        if deleted == 0 { throw LedgerError.notFound("Namespace not found: \(name)") }
    }

    /// Wipes a namespace's data (the namespace itself stays) and puts its clock back to real time.
    public func resetNamespace(_ name: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM audit_log WHERE tenant_id IN (SELECT tenant_id FROM tenant WHERE namespace = ?)",
                arguments: [name])
            try db.execute(sql: "DELETE FROM tenant WHERE namespace = ?", arguments: [name])
            // Bulk-action answers belong to no tenant; a reset must not replay one against the fresh data.
            try db.execute(sql: "DELETE FROM admin_idempotency")
        }
        clocks.withLock { _ = $0.removeValue(forKey: name) }
        rateLimiter.forget(namespace: name)
        try reloadTenants()
    }

    /// Loads a seed into a namespace (created if missing). Additive: existing tenants of the same namespace are
    /// updated and get the new keys; a tenant of another namespace, a key owned by another tenant, or (unless
    /// `keepExistingBudgets`) an existing budget is a 400 and nothing is applied (one transaction).
    ///
    /// `keepExistingBudgets` is what a restart over a persistent database wants: budgets already present keep
    /// their ledger state instead of being reset or rejected.
    @discardableResult
    public func applySeed(
        _ seed: SeedDocument, namespace: String = Ledger.defaultNamespace, keepExistingBudgets: Bool = false
    ) async throws -> SeedSummary {
        try Self.validate(namespace: namespace)
        let summary = try await pool.write { db -> SeedSummary in
            try db.execute(sql: "INSERT OR IGNORE INTO namespace (name) VALUES (?)", arguments: [namespace])
            for (index, tenant) in seed.tenants.enumerated() {
                let path = "tenants[\(index)]"
                if let existing = try String.fetchOne(
                    db, sql: "SELECT namespace FROM tenant WHERE tenant_id = ?", arguments: [tenant.tenantID]),
                    existing != namespace
                {
                    throw LedgerError.invalid(
                        "\(path).tenant_id: tenant '\(tenant.tenantID)' already exists in namespace '\(existing)'")
                }
                let now = self.now(namespace: namespace)
                if try Self.fetchTenant(db, tenant.tenantID) == nil {
                    // Seeds accept any tenant id the runtime protocol accepts (test fixtures use ids such as `t1` that
                    // the admin schema's `^[a-z0-9-]{3,64}$` would refuse), so only the row is the admin create's.
                    let request = TenantCreateRequest(
                        tenantID: tenant.tenantID, name: tenant.name ?? tenant.tenantID,
                        defaultCommitOveragePolicy: tenant.defaultCommitOveragePolicy,
                        defaultReservationTTLMs: tenant.defaultReservationTTLMs,
                        maxReservationTTLMs: tenant.maxReservationTTLMs,
                        maxReservationExtensions: tenant.maxReservationExtensions)
                    try self.insertTenant(db, request, namespace: namespace, status: tenant.status ?? "ACTIVE", now: now)
                } else {
                    // Seeding an existing tenant again sets what the seed states, as a patch would.
                    try db.execute(
                        sql: """
                            UPDATE tenant SET name = ?, status = ?, default_overage_policy = ?, max_extensions = ?,
                              default_ttl_ms = ?, max_ttl_ms = ?, updated_at_ms = ? WHERE tenant_id = ?
                            """,
                        arguments: [
                            tenant.name ?? tenant.tenantID, tenant.status ?? "ACTIVE",
                            tenant.defaultCommitOveragePolicy?.rawValue, tenant.maxReservationExtensions,
                            tenant.defaultReservationTTLMs, tenant.maxReservationTTLMs, now, tenant.tenantID,
                        ])
                }
                for (keyIndex, key) in tenant.apiKeys.enumerated() {
                    if let owner = try String.fetchOne(
                        db, sql: "SELECT tenant_id FROM api_key WHERE key_hash = ?", arguments: [Self.hash(key.key)]),
                        owner != tenant.tenantID
                    {
                        throw LedgerError.invalid("\(path).api_keys[\(keyIndex)].key: already belongs to another tenant")
                    }
                    try self.insertAPIKey(
                        db, secret: key.key, tenantID: tenant.tenantID, name: key.name, permissions: key.permissions,
                        status: key.status ?? "ACTIVE", expiresAtMs: key.expiresAtMs, now: now, replacing: true)
                }
            }
            for (index, budget) in seed.budgets.enumerated() {
                let path = "budgets[\(index)]"
                guard let owner = try String.fetchOne(
                    db, sql: "SELECT namespace FROM tenant WHERE tenant_id = ?", arguments: [budget.tenantID])
                else {
                    throw LedgerError.invalid("\(path).tenant_id: unknown tenant '\(budget.tenantID)'")
                }
                guard owner == namespace else {
                    throw LedgerError.invalid(
                        "\(path).tenant_id: tenant '\(budget.tenantID)' belongs to namespace '\(owner)'")
                }
                do {
                    try self.seedBudget(db, budget, keepExisting: keepExistingBudgets, now: self.now(namespace: namespace))
                } catch let error as LedgerError {
                    // Seed problems are the document's: 400 naming the budget's JSON path (joined to the field the
                    // admin operation named, as in `budgets[1].allocated.amount: …`).
                    let namesField = error.message.prefix { $0 != ":" }.allSatisfy { !$0.isWhitespace }
                        && error.message.contains(":")
                    throw LedgerError.invalid(namesField ? "\(path).\(error.message)" : "\(path): \(error.message)")
                }
            }
            return SeedSummary(tenants: seed.tenants.count, budgets: seed.budgets.count)
        }
        if let adminKey = seed.adminKey { addAdminKey(adminKey) }
        try reloadTenants()
        return summary
    }

    // MARK: - Clock control

    /// Sets a namespace's clock mode. Expiries that fall due are applied lazily on access and by the sweeper
    /// (use `advanceClock` to run them immediately).
    public func setClock(namespace: String, mode: ClockMode) async throws {
        clocks.withLock { $0[namespace] = mode }
    }

    /// Moves a namespace's clock forward and runs every expiry that falls due; returns the new now.
    @discardableResult
    public func advanceClock(namespace: String, byMs: Int64) async throws -> Int64 {
        try await advanceClockReportingExpiries(namespace: namespace, byMs: byMs).nowMs
    }

    /// Moves a namespace's clock forward, runs every expiry that falls due, and returns the new now and the ids
    /// that expired.
    public func advanceClockReportingExpiries(namespace: String, byMs: Int64) async throws
        -> (nowMs: Int64, expired: [ReservationID])
    {
        guard byMs >= 0 else { throw LedgerError.invalid("by_ms must not be negative") }
        let before = now(namespace: namespace)
        clocks.withLock { clocks in clocks[namespace] = (clocks[namespace] ?? .real).advanced(by: byMs) }
        var expired = try await sweepExpired(namespace: namespace)
        let after = now(namespace: namespace)
        // What fell due in the jump counts even when another path expired it first: the background sweeper or a
        // lazy read can run between the clock move and this sweep, and the caller asked what the advance expired.
        let swept = Set(expired.map(\.rawValue))
        let fellDue: [String] = try await pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT reservation_id FROM reservation
                    WHERE namespace = ? AND status = 'EXPIRED' AND deadline_ms >= ? AND deadline_ms < ?
                    ORDER BY deadline_ms
                    """, arguments: [namespace, before, after] as StatementArguments)
        }
        expired += fellDue.filter { !swept.contains($0) }.map { ReservationID(rawValue: $0) }
        return (after, expired)
    }

    // MARK: - State and invariants

    /// Dumps a namespace.
    public func state(namespace: String) async throws -> LedgerState {
        let clock = self.clock(namespace: namespace)
        return try await pool.read { db in
            let tenants = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.tenant_id, t.status, (SELECT COUNT(*) FROM api_key k WHERE k.tenant_id = t.tenant_id) AS keys
                    FROM tenant t WHERE t.namespace = ? ORDER BY t.tenant_id
                    """, arguments: [namespace]
            ).map { row in
                LedgerState.Tenant(tenantID: row["tenant_id"], status: row["status"], apiKeyCount: row["keys"])
            }
            let budgets = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(BudgetRecord.columns(qualifiedBy: "b")) FROM budget b
                    JOIN tenant t ON t.tenant_id = b.tenant_id WHERE t.namespace = ?
                    ORDER BY b.tenant_id, b.scope_path, b.unit
                    """, arguments: [namespace]
            ).map(BudgetRecord.init(row:)).map { budget in
                LedgerState.Budget(
                    tenantID: budget.tenantID, scopePath: budget.scopePath, unit: budget.unit,
                    allocated: budget.allocated, remaining: budget.remaining, reserved: budget.reserved,
                    spent: budget.spent, debt: budget.debt, overdraftLimit: budget.overdraftLimit,
                    isOverLimit: budget.isOverLimit, status: budget.status)
            }
            let reservations = try Row.fetchAll(
                db, sql: "SELECT * FROM reservation WHERE namespace = ? ORDER BY created_at_ms, reservation_id",
                arguments: [namespace]
            ).map { row in
                let record = try ReservationRecord(row: row)
                return LedgerState.Reservation(
                    reservationID: record.reservationID.rawValue, tenantID: record.tenantID, status: record.status,
                    idempotencyKey: record.idempotencyKey, reserved: Amount(unit: record.unit, amount: record.amount),
                    committed: record.committedAmount.map { Amount(unit: record.unit, amount: $0) },
                    createdAtMs: record.createdAtMs, expiresAtMs: record.expiresAtMs, gracePeriodMs: record.graceMs,
                    finalizedAtMs: record.finalizedAtMs, extensionCount: record.extensionCount,
                    maxExtensions: record.maxExtensions, overagePolicy: record.overagePolicy,
                    scopePath: record.scopePath, budgetedScopes: record.budgetedScopes)
            }
            let idempotency = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.tenant_id, i.endpoint, i.key, i.http_status, i.reservation_id, i.created_at_ms,
                      i.expires_at_ms FROM idempotency i JOIN tenant t ON t.tenant_id = i.tenant_id WHERE t.namespace = ?
                    ORDER BY i.created_at_ms, i.endpoint, i.key
                    """, arguments: [namespace]
            ).map { row in
                LedgerState.IdempotencyEntry(
                    tenantID: row["tenant_id"], endpoint: row["endpoint"], key: row["key"],
                    httpStatus: row["http_status"], reservationID: row["reservation_id"],
                    createdAtMs: row["created_at_ms"], expiresAtMs: row["expires_at_ms"])
            }
            return LedgerState(
                namespace: namespace, clock: ClockBody(clock), tenants: tenants,
                budgets: budgets, reservations: reservations, idempotency: idempotency)
        }
    }

    /// Checks, for one namespace or all (`nil`): the ledger identity `allocated = remaining + reserved + spent +
    /// debt` on every (scope, unit); `reserved` equals the sum of ACTIVE reservations held against it; no negative
    /// reserved/spent/debt; and every reservation moved only ACTIVE → COMMITTED | RELEASED | EXPIRED, once.
    public func checkInvariants(namespace: String? = nil) async throws -> [InvariantViolation] {
        let targets: [String]
        if let namespace { targets = [namespace] } else { targets = try await namespaces() }
        var violations: [InvariantViolation] = []
        for name in targets {
            let state = try await state(namespace: name)
            var held: [String: Int64] = [:]
            for reservation in state.reservations where reservation.status == .active {
                for scope in reservation.budgetedScopes {
                    let key = "\(reservation.tenantID)|\(scope)|\(reservation.reserved.unit.rawValue)"
                    held[key, default: 0] &+= reservation.reserved.amount
                }
            }
            for budget in state.budgets {
                let sum = budget.remaining &+ budget.reserved &+ budget.spent &+ budget.debt
                if sum != budget.allocated {
                    violations.append(
                        InvariantViolation(
                            kind: "ledger_identity", namespace: name, tenantID: budget.tenantID,
                            scopePath: budget.scopePath, unit: budget.unit.rawValue,
                            message:
                                "allocated \(budget.allocated) != remaining \(budget.remaining) + reserved \(budget.reserved) + spent \(budget.spent) + debt \(budget.debt)"
                        ))
                }
                let key = "\(budget.tenantID)|\(budget.scopePath)|\(budget.unit.rawValue)"
                let expected = held[key] ?? 0
                if expected != budget.reserved {
                    violations.append(
                        InvariantViolation(
                            kind: "reserved_mismatch", namespace: name, tenantID: budget.tenantID,
                            scopePath: budget.scopePath, unit: budget.unit.rawValue,
                            message: "reserved \(budget.reserved) != sum of ACTIVE reservations \(expected)"))
                }
                if budget.reserved < 0 || budget.spent < 0 || budget.debt < 0 {
                    violations.append(
                        InvariantViolation(
                            kind: "negative_balance", namespace: name, tenantID: budget.tenantID,
                            scopePath: budget.scopePath, unit: budget.unit.rawValue,
                            message: "reserved \(budget.reserved), spent \(budget.spent), debt \(budget.debt)"))
                }
            }
            violations += try await transitionViolations(namespace: name, state: state)
        }
        return violations
    }

    private func transitionViolations(namespace: String, state: LedgerState) async throws -> [InvariantViolation] {
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT reservation_id, transitions FROM reservation WHERE namespace = ?", arguments: [namespace]
            ).map { row -> (String, String) in (row["reservation_id"], row["transitions"]) }
        }
        var history: [String: [(String?, String)]] = [:]
        for (id, journal) in rows {
            history[id] = ReservationRecord.transitionSteps(journal).map { ($0.from, $0.to) }
        }
        var violations: [InvariantViolation] = []
        let terminal: Set<String> = ["COMMITTED", "RELEASED", "EXPIRED"]
        for reservation in state.reservations {
            let steps = history[reservation.reservationID] ?? []
            var current: String?
            var legal = true
            for (from, to) in steps {
                let ok = (from == nil && current == nil && to == "ACTIVE")
                    || (from == "ACTIVE" && current == "ACTIVE" && terminal.contains(to))
                if !ok { legal = false }
                current = to
            }
            if !legal || steps.isEmpty {
                violations.append(
                    InvariantViolation(
                        kind: "illegal_transition", namespace: namespace, tenantID: reservation.tenantID,
                        reservationID: reservation.reservationID,
                        message: "transitions " + steps.map { "\($0.0 ?? "∅")→\($0.1)" }.joined(separator: ", ")))
            } else if current != reservation.status.rawValue {
                violations.append(
                    InvariantViolation(
                        kind: "status_mismatch", namespace: namespace, tenantID: reservation.tenantID,
                        reservationID: reservation.reservationID,
                        message: "status \(reservation.status.rawValue) but last transition went to \(current ?? "nothing")"))
            }
        }
        return violations
    }
}
