public import CyclesProtocol
import GRDB

/// Expiry: ACTIVE reservations past `expires_at_ms + grace_period_ms` become EXPIRED and their hold returns to the
/// budget. Runs lazily on every access (so results never depend on sweeper timing), from the background sweeper,
/// and when a namespace clock is advanced.
extension Ledger {
    /// Expires every reservation of `namespace` whose deadline has passed; returns their ids. With `usingHorizon`
    /// (request paths) the query is skipped when `ExpiryHorizon` shows nothing can be due; the sweeper always looks.
    /// `context` is the request that triggered a lazy expiry (its id goes on the `reservation.expired` events); the
    /// sweeper passes none and its events share one fresh trace id.
    func expireDue(
        _ db: Database, namespace: String, now: Int64, usingHorizon: Bool = true, context: EventContext? = nil
    ) throws -> [ReservationID] {
        if usingHorizon, !expiryHorizon.mayHaveDue(namespace: namespace, now: now) { return [] }
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM reservation WHERE namespace = ? AND status = 'ACTIVE' AND deadline_ms < ?
                    ORDER BY deadline_ms
                    """), arguments: [namespace, now])
        var expired: [ReservationID] = []
        let context = rows.isEmpty ? nil : (context ?? EventContext.currentOrInternal())
        for row in rows {
            let record = try ReservationRecord(row: row)
            try expire(db, record, now: now, context: context)
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
    /// EXPIRED rows carry no `finalized_at_ms`. Emits `reservation.expired` (actor `system`) and the budget
    /// transitions the returned hold causes, in the same transaction.
    func expire(_ db: Database, _ record: ReservationRecord, now: Int64, context: EventContext? = nil) throws {
        var record = record
        let hold = try returnHold(db, record)
        record.status = .expired
        try record.saveTransition(db, from: .active, atMs: now)
        let context = context ?? EventContext.currentOrInternal()
        try appendEvent(
            db, .reservationExpired, tenantID: record.tenantID, scope: record.scopePath, actor: .system,
            data: EventDataReservationExpired(
                reservationID: record.reservationID.rawValue, scope: record.scopePath, unit: record.unit,
                estimatedAmount: record.amount, createdAt: RFC3339.string(record.createdAtMs),
                expiredAt: RFC3339.string(now), ttlMs: record.expiresAtMs - record.createdAtMs,
                extensionsUsed: record.extensionCount),
            context: context, now: now)
        try appendBudgetTransitions(
            db, before: hold.before, after: hold.after, actor: .system, context: context, now: now)
    }

    /// A hold given back: the budget rows before and after.
    struct ReturnedHold {
        var before: [BudgetRecord]
        var after: [BudgetRecord]
    }

    /// Gives a reservation's hold back on every budgeted scope (`reserved −= est; remaining += est`), as release,
    /// expiry and the tenant-close cascade do; returns the rows before and after.
    @discardableResult
    func returnHold(_ db: Database, _ record: ReservationRecord) throws -> ReturnedHold {
        let before = try budgets(db, tenant: record.tenantID, scopes: record.budgetedScopes, unit: record.unit)
        var after: [BudgetRecord] = []
        after.reserveCapacity(before.count)
        for var budget in before {
            budget.reserved -= record.amount
            budget.remaining += record.amount
            try budget.save(db)
            after.append(budget)
        }
        return ReturnedHold(before: before, after: after)
    }

    /// Expires everything due in `namespace` by its clock; returns the expired ids.
    @discardableResult
    public func sweepExpired(namespace: String) async throws -> [ReservationID] {
        // Keys whose `expires_at` passed on this clock become EXPIRED with their `api_key.expired` event.
        try await expireDueAPIKeys(namespace: namespace)
        // A cheap read first, so an idle sweep never takes the write lock.
        let due = try await pool.read { db in try self.hasDueReservations(db, namespace: namespace) }
        guard due else { return [] }
        return try await write { db in
            try self.expireDue(db, namespace: namespace, now: self.now(namespace: namespace), usingHorizon: false)
        }
    }

    /// Whether an ACTIVE reservation of `namespace` is past its deadline by the namespace's clock.
    func hasDueReservations(_ db: Database, namespace: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM reservation WHERE namespace = ? AND status = 'ACTIVE' AND deadline_ms < ?)"),
            arguments: [namespace, now(namespace: namespace)]) ?? false
    }

    /// Runs `body` in one read transaction whose view has nothing left to expire in the namespace `resolve` names
    /// (`nil`: none to sweep), so listed statuses never depend on sweeper timing.
    ///
    /// Why not "sweep, then read": that costs two reads even when nothing is due (the common case), and every read
    /// is a pair of hops onto GRDB's reader queue and back. Here the due check rides in the same transaction as
    /// `body`; only when something is due does the sweep write run, followed by a second read.
    func readExpiringFirst<T: Sendable>(
        namespace resolve: @escaping @Sendable (Database) throws -> String?,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        let (value, dueNamespace): (T?, String?) = try await pool.read { db in
            guard let namespace = try resolve(db) else { return (try body(db), nil) }
            let now = self.now(namespace: namespace)
            if try !self.dueAPIKeyIDs(namespace: namespace, now: now).isEmpty
                || self.hasDueReservations(db, namespace: namespace)
            {
                return (nil, namespace)
            }
            return (try body(db), nil)
        }
        if let value { return value }
        if let dueNamespace { try await sweepExpired(namespace: dueNamespace) }
        return try await pool.read(body)
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
