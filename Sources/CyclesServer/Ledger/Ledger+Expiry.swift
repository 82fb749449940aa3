public import CyclesProtocol
import GRDB

/// Expiry: ACTIVE reservations past `expires_at_ms + grace_period_ms` become EXPIRED and their hold returns to the
/// budget. Runs lazily on every access (so results never depend on sweeper timing), from the background sweeper,
/// and when a namespace clock is advanced.
extension Ledger {
    /// Expires every reservation of `namespace` whose deadline has passed; returns their ids. With `usingHorizon`
    /// (request paths) the query is skipped when `ExpiryHorizon` shows nothing can be due; the sweeper always looks.
    func expireDue(_ db: Database, namespace: String, now: Int64, usingHorizon: Bool = true) throws -> [ReservationID] {
        if usingHorizon, !expiryHorizon.mayHaveDue(namespace: namespace, now: now) { return [] }
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM reservation WHERE namespace = ? AND status = 'ACTIVE' AND deadline_ms < ?
                    ORDER BY deadline_ms
                    """), arguments: [namespace, now])
        var expired: [ReservationID] = []
        for row in rows {
            let record = try ReservationRecord(row: row)
            try expire(db, record, now: now)
            expired.append(record.reservationID)
        }
        let earliest = try Int64.fetchOne(
            db.cachedStatement(
                sql: "SELECT MIN(deadline_ms) FROM reservation WHERE namespace = ? AND status = 'ACTIVE'"),
            arguments: [namespace])
        expiryHorizon.record(namespace: namespace, earliestDeadline: earliest)
        return expired
    }

    /// Moves one ACTIVE reservation to EXPIRED and returns its hold (`reserved −= est; remaining += est`).
    /// EXPIRED rows carry no `finalized_at_ms`.
    func expire(_ db: Database, _ record: ReservationRecord, now: Int64) throws {
        var record = record
        try returnHold(db, record)
        record.status = .expired
        try record.saveTransition(db, from: .active, atMs: now)
    }

    /// Gives a reservation's hold back on every budgeted scope (`reserved −= est; remaining += est`), as release
    /// and expiry both do; returns the updated budgets.
    @discardableResult
    func returnHold(_ db: Database, _ record: ReservationRecord) throws -> [BudgetRecord] {
        var updated: [BudgetRecord] = []
        for var budget in try budgets(db, tenant: record.tenantID, scopes: record.budgetedScopes, unit: record.unit) {
            budget.reserved -= record.amount
            budget.remaining += record.amount
            try budget.save(db)
            updated.append(budget)
        }
        return updated
    }

    /// Expires everything due in `namespace` by its clock; returns the expired ids.
    @discardableResult
    public func sweepExpired(namespace: String) async throws -> [ReservationID] {
        // A cheap read first, so an idle sweep never takes the write lock.
        let now = self.now(namespace: namespace)
        let due = try await pool.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM reservation WHERE namespace = ? AND status = 'ACTIVE' AND deadline_ms < ?)",
                arguments: [namespace, now]) ?? false
        }
        guard due else { return [] }
        return try await write { db in
            try self.expireDue(db, namespace: namespace, now: self.now(namespace: namespace), usingHorizon: false)
        }
    }

    /// Sweeps every namespace; used by the background sweeper.
    @discardableResult
    public func sweepAllNamespaces() async throws -> [ReservationID] {
        var expired: [ReservationID] = []
        for namespace in try await namespaces() {
            expired += try await sweepExpired(namespace: namespace)
        }
        return expired
    }

    /// Every namespace name.
    public func namespaces() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM namespace ORDER BY name") }
    }
}
