import GRDB
import Synchronization

import Foundation

/// Retention: records nothing live needs any more are deleted once older than the `RetentionPolicy` allows, in small
/// batches, by the ledger clock (each tenant's rows by its namespace's clock, so under `--mock` advancing a clock makes
/// its records due; rows of no tenant — the `__system__`, `__admin__` and `__unauth__` sentinels, tenants already
/// deleted, deliveries and bulk-action answers — by the `default` namespace's clock, which also drives deliveries).
///
/// Each batch is its own short write transaction of at most `batchSize` rows, so a request waiting behind it waits
/// for one batch, never for a whole purge; `PurgeReport.longestBatchMs` reports the longest.
///
/// What is never purged, whatever the retention (each rule is restated where its query is):
/// - an ACTIVE reservation (only COMMITTED, RELEASED and EXPIRED rows go);
/// - an idempotency answer still inside its replay window (`expires_at_ms`, protocol.md §16.3), and the answers of a
///   reservation's commit, release and extend while the reservation is kept (they replay "for the life of the
///   reservation");
/// - an event with a delivery still PENDING or RETRYING (the dispatcher reads the event's body to send it);
/// - a delivery still PENDING or RETRYING (the outbox's at-least-once promise);
/// - tenants, budgets, API keys, policies and webhook subscriptions (state, not history).
extension Ledger {
    /// What one purge removed.
    public struct PurgeReport: Sendable, Hashable, Codable {
        /// Idempotency answers (runtime and admin) deleted.
        public var idempotency = 0
        /// Finalized reservations deleted (with their commit, release, extend and reserve answers).
        public var reservations = 0
        /// Direct-debit charges deleted.
        public var charges = 0
        /// Events deleted.
        public var events = 0
        /// Finished deliveries deleted.
        public var deliveries = 0
        /// Audit entries deleted.
        public var audit = 0
        /// Write transactions run.
        public var batches = 0
        /// The longest a batch held the writer (ms, from asking for it to its commit, so waiting is included).
        public var longestBatchMs: Double = 0

        /// Every row deleted.
        public var total: Int { idempotency + reservations + charges + events + deliveries + audit }

        /// Creates an empty report.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case idempotency, reservations, charges, events, deliveries, audit, batches
            case longestBatchMs = "longest_batch_ms"
        }
    }

    /// The policy in force.
    public var retention: RetentionPolicy { retentionPolicy.withLock { $0 } }

    /// Replaces the policy after checking it (`RetentionPolicy.validate()`).
    public func setRetention(_ policy: RetentionPolicy) throws(RetentionPolicyError) {
        try policy.validate()
        retentionPolicy.withLock { $0 = policy }
    }

    /// The default batch size. Measured (debug build, a shared 2-core machine at load average 11): 200 finished
    /// reservations per batch held the writer 8–40 ms with cached statements (150 ms without); batches of 100 held it
    /// 20–58 ms at the worst across runs, a few milliseconds on a quiet machine.
    public static let purgeBatchSize = 100

    /// Deletes every record the policy lets go, batch by batch, and reports what went. Used by the server's
    /// background retention task and by `POST /__cycles/retention/purge`.
    @discardableResult
    public func purgeExpiredRecords(batchSize: Int = Ledger.purgeBatchSize) async throws -> PurgeReport {
        let policy = retention
        let limit = max(1, batchSize)
        var report = PurgeReport()
        // Each namespace's tenants by that namespace's clock; then rows of no tenant by the default clock.
        var scopes: [(namespace: String?, now: Int64)] = try await namespaces().map { ($0, now(namespace: $0)) }
        scopes.append((nil, now(namespace: Self.defaultNamespace)))
        for scope in scopes {
            try await drain(&report, limit: limit) { db, counts in
                try self.purgeReservations(db, namespace: scope.namespace, now: scope.now, policy: policy, limit: limit, report: &counts)
            }
            try await drain(&report, limit: limit) { db, counts in
                try self.purgeIdempotency(db, namespace: scope.namespace, now: scope.now, policy: policy, limit: limit, report: &counts)
            }
            try await drain(&report, limit: limit) { db, counts in
                try self.purgeEvents(db, namespace: scope.namespace, now: scope.now, policy: policy, limit: limit, report: &counts)
            }
            try await drain(&report, limit: limit) { db, counts in
                try self.purgeAudit(db, namespace: scope.namespace, now: scope.now, policy: policy, limit: limit, report: &counts)
            }
            if scope.namespace == nil {
                try await drain(&report, limit: limit) { db, counts in
                    try self.purgeDeliveries(db, now: scope.now, policy: policy, limit: limit, report: &counts)
                }
            }
        }
        return report
    }

    /// Runs `batch` (one write transaction each) until it deletes fewer than `limit` rows, adding its counts and
    /// timing to `report`.
    private func drain(
        _ report: inout PurgeReport, limit: Int,
        _ batch: @escaping @Sendable (Database, inout PurgeReport) throws -> Int
    ) async throws {
        while true {
            let started = ContinuousClock.now
            let (deleted, counts) = try await pool.write { db -> (Int, PurgeReport) in
                var counts = PurgeReport()
                let deleted = try batch(db, &counts)
                return (deleted, counts)
            }
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            report.batches += 1
            report.longestBatchMs = max(report.longestBatchMs, ms)
            report.idempotency += counts.idempotency
            report.reservations += counts.reservations
            report.charges += counts.charges
            report.events += counts.events
            report.deliveries += counts.deliveries
            report.audit += counts.audit
            if deleted < limit { return }
            // Let queued requests take the writer between batches.
            await Task.yield()
        }
    }

    /// `tenant_id IN (this namespace's tenants)`, or for `nil` the rows of no existing tenant (sentinels, deleted
    /// tenants), as SQL over `column` with its argument.
    private static func ownerCondition(_ column: String, namespace: String?) -> (String, [DatabaseValue]) {
        if let namespace {
            return ("\(column) IN (SELECT tenant_id FROM tenant WHERE namespace = ?)", [namespace.databaseValue])
        }
        return ("\(column) NOT IN (SELECT tenant_id FROM tenant)", [])
    }

    /// One batch of finalized reservations whose retention has passed, with the answers that live as long as they do;
    /// then (when those are exhausted) one batch of charges. Returns the rows deleted.
    ///
    /// Never purged: an ACTIVE reservation (the status filter). The retention counts from the later of the end
    /// (commit, release, expiry) and the lease's deadline: `deadline_ms` is the indexed bound (`reservation_due`), and
    /// a reservation that ended after its deadline (a late expiry, a tenant-close release) is held back by its own
    /// end time. EXPIRED rows carry no `finalized_at_ms`; their expiry instant is the journal's `>EXPIRED@` step.
    private func purgeReservations(
        _ db: Database, namespace: String?, now: Int64, policy: RetentionPolicy, limit: Int, report: inout PurgeReport
    ) throws -> Int {
        // Reservations always belong to a tenant of a namespace; the tenant-less pass has none.
        guard let namespace else { return 0 }
        let cutoff = now &- policy.reservationsMs
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT reservation_id, tenant_id, idempotency_key FROM reservation
                WHERE namespace = ? AND status IN ('COMMITTED', 'RELEASED', 'EXPIRED') AND deadline_ms < ?
                  AND (CASE WHEN status = 'EXPIRED' AND instr(transitions, '>EXPIRED@') > 0
                         THEN CAST(substr(transitions, instr(transitions, '>EXPIRED@') + 9) AS INTEGER)
                         ELSE coalesce(finalized_at_ms, deadline_ms) END) < ?
                LIMIT ?
                """, arguments: [namespace, cutoff, cutoff, limit])
        for row in rows {
            let id: String = row["reservation_id"]
            let tenantID: String = row["tenant_id"]
            try db.cachedStatement(sql: "DELETE FROM reservation WHERE reservation_id = ?").execute(arguments: [id])
            // Commit, release and extend answers replay for the life of the reservation (no window of their own), so
            // they go with it: the primary key's (tenant, endpoint) prefix finds them.
            try db.cachedStatement(sql: "DELETE FROM idempotency WHERE tenant_id = ? AND endpoint IN (?, ?, ?)")
                .execute(arguments: [tenantID, "commit:\(id)", "release:\(id)", "extend:\(id)"])
            // The reserve answer's window, max(ttl + grace, 24 h) from creation, closed before the deadline + 24 h,
            // and the reservation retention is at least 24 h past the deadline: the window is over. Only the row that
            // still names this reservation goes (the key may have been reused for a new one after its window).
            try db.cachedStatement(
                sql: "DELETE FROM idempotency WHERE tenant_id = ? AND endpoint = 'reserve' AND key = ? AND reservation_id = ?"
            ).execute(arguments: [tenantID, row["idempotency_key"] as String, id])
        }
        report.reservations += rows.count
        if rows.count == limit { return rows.count }
        // Charges have no lifecycle: kept the reservation retention after they were made. Their idempotency answers
        // (7-day window) hold the whole response, so a replay never needs the charge row.
        let (owner, ownerArguments) = Self.ownerCondition("tenant_id", namespace: namespace)
        try db.execute(
            sql: """
                DELETE FROM event WHERE rowid IN (
                  SELECT rowid FROM event WHERE \(owner) AND created_at_ms < ? LIMIT ?)
                """, arguments: StatementArguments(ownerArguments + [cutoff.databaseValue, (limit - rows.count).databaseValue]))
        report.charges += db.changesCount
        return rows.count + db.changesCount
    }

    /// One batch of idempotency answers that belong to no reservation (decide, dry-run and denied reserves, charges,
    /// funding; and, in the tenant-less pass, the admin bulk actions' answers).
    ///
    /// Never purged: an answer still inside its replay window (`expires_at_ms`; `storedReply` answers it while
    /// `now <= expires_at_ms`), nor one younger than the idempotency retention. Answers naming a reservation go with
    /// it (`purgeReservations`).
    private func purgeIdempotency(
        _ db: Database, namespace: String?, now: Int64, policy: RetentionPolicy, limit: Int, report: inout PurgeReport
    ) throws -> Int {
        let stored = now &- policy.idempotencyMs
        guard let namespace else {
            // Bulk-action answers (15-minute window, the spec's) belong to no tenant.
            try db.execute(
                sql: """
                    DELETE FROM admin_idempotency WHERE rowid IN (
                      SELECT rowid FROM admin_idempotency WHERE expires_at_ms < ? AND created_at_ms < ? LIMIT ?)
                    """, arguments: [now, stored, limit])
            report.idempotency += db.changesCount
            return db.changesCount
        }
        try db.execute(
            sql: """
                DELETE FROM idempotency WHERE rowid IN (
                  SELECT rowid FROM idempotency
                  WHERE reservation_id IS NULL AND tenant_id IN (SELECT tenant_id FROM tenant WHERE namespace = ?)
                    AND expires_at_ms < ? AND created_at_ms < ? LIMIT ?)
                """, arguments: [namespace, now, stored, limit])
        report.idempotency += db.changesCount
        return db.changesCount
    }

    /// One batch of events older than the events retention.
    ///
    /// Never purged: an event with a delivery still PENDING or RETRYING. The dispatcher joins the delivery to its
    /// event's stored body to send it; without the event the delivery could never be sent nor closed.
    private func purgeEvents(
        _ db: Database, namespace: String?, now: Int64, policy: RetentionPolicy, limit: Int, report: inout PurgeReport
    ) throws -> Int {
        let (owner, ownerArguments) = Self.ownerCondition("e.tenant_id", namespace: namespace)
        try db.execute(
            sql: """
                DELETE FROM event_log WHERE seq IN (
                  SELECT e.seq FROM event_log e WHERE \(owner) AND e.timestamp_ms < ?
                    AND NOT EXISTS (SELECT 1 FROM webhook_delivery d
                      WHERE d.event_id = e.event_id AND d.status IN ('PENDING', 'RETRYING'))
                  LIMIT ?)
                """,
            arguments: StatementArguments(ownerArguments + [(now &- policy.eventsMs).databaseValue, limit.databaseValue]))
        report.events += db.changesCount
        return db.changesCount
    }

    /// One batch of audit entries older than the audit retention. Nothing references an audit entry.
    private func purgeAudit(
        _ db: Database, namespace: String?, now: Int64, policy: RetentionPolicy, limit: Int, report: inout PurgeReport
    ) throws -> Int {
        let (owner, ownerArguments) = Self.ownerCondition("tenant_id", namespace: namespace)
        try db.execute(
            sql: "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE \(owner) AND at_ms < ? LIMIT ?)",
            arguments: StatementArguments(ownerArguments + [(now &- policy.auditMs).databaseValue, limit.databaseValue]))
        report.audit += db.changesCount
        return db.changesCount
    }

    /// One batch of finished deliveries (SUCCESS or FAILED) whose last attempt is older than the deliveries retention,
    /// by the default namespace's clock (the clock the dispatcher stamps them with).
    ///
    /// Never purged: a PENDING or RETRYING delivery (it has no `completed_at_ms`, and the status is checked too). The
    /// status test is `NOT IN` the live states rather than `IN` the finished ones: with `IN`, SQLite's planner picked
    /// the `(status, next_attempt_ms)` index and scanned every finished delivery; this way it ranges over
    /// `webhook_delivery_completed` (checked with EXPLAIN QUERY PLAN).
    private func purgeDeliveries(
        _ db: Database, now: Int64, policy: RetentionPolicy, limit: Int, report: inout PurgeReport
    ) throws -> Int {
        try db.execute(
            sql: """
                DELETE FROM webhook_delivery WHERE id IN (
                  SELECT id FROM webhook_delivery
                  WHERE completed_at_ms IS NOT NULL AND completed_at_ms < ? AND status NOT IN ('PENDING', 'RETRYING')
                  LIMIT ?)
                """, arguments: [now &- policy.deliveriesMs, limit])
        report.deliveries += db.changesCount
        return db.changesCount
    }
}
