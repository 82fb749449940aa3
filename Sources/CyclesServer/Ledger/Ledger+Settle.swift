public import CyclesProtocol
import GRDB

/// Commit, release and extend. Order (protocol.md §11.2): lookup (404) → owner and scope_filter (403) → idempotent replay /
/// mismatch → TENANT_CLOSED → EXPIRED 410 / COMMITTED-RELEASED 409 → (commit) unit 400 → deadline 410 (lazily
/// expiring the row when past grace) → (commit) policy rate limit 429 → (extend) extension limit 409 → overage
/// policy → mutate.
extension Ledger {
    /// Loads a reservation the principal may act on: 404 when it never existed, 403 when another tenant owns it.
    func ownedReservation(_ db: Database, id: ReservationID, principal: Principal) throws -> ReservationRecord {
        guard let record = try ReservationRecord.fetch(db, id: id.rawValue) else {
            throw LedgerError(.notFound, "Reservation not found: \(id.rawValue)", tenant: principal.tenant?.tenantID)
        }
        if let identity = principal.tenant, identity.tenantID != record.tenantID {
            throw LedgerError(
                .forbidden, "Reservation \(id.rawValue) belongs to another tenant", tenant: identity.tenantID)
        }
        if let identity = principal.tenant, identity.scopeFilter != nil {
            // A key whose scope_filter does not cover the reservation's subject may not act on (or read) it: the
            // same 403 as another tenant's reservation. An unparsable stored path has no segments and is refused.
            try Self.requireScopeFilter(identity, covers: ScopePath(parsing: record.scopePath) ?? ScopePath(segments: []))
        }
        return record
    }

    /// The state errors shared by commit, release and extend, after the tenant guard.
    func requireSettleable(_ record: ReservationRecord) throws {
        switch record.status {
        case .active: return
        case .expired:
            throw LedgerError(
                .reservationExpired, "Reservation \(record.reservationID.rawValue) has expired", tenant: record.tenantID)
        default:
            throw LedgerError(
                .reservationFinalized,
                "Reservation \(record.reservationID.rawValue) is already \(record.status.rawValue)",
                tenant: record.tenantID)
        }
    }

    /// 410 past `deadline`; when the commit/release deadline (expiry + grace) has passed, the row is expired first
    /// so the ledger never depends on sweeper timing (the expiry is kept: `write` commits before rethrowing).
    func requireBeforeDeadline(
        _ db: Database, _ record: ReservationRecord, deadline: Int64, now: Int64, context: EventContext? = nil
    ) throws {
        guard now > deadline else { return }
        if now > record.deadlineMs { try expire(db, record, now: now, context: context) }
        throw LedgerError(
            .reservationExpired, "Reservation \(record.reservationID.rawValue) has expired", tenant: record.tenantID)
    }

    /// `POST /v1/reservations/{id}/commit`.
    public func commit(_ id: ReservationID, _ request: CommitRequest, as identity: TenantIdentity) async throws
        -> LedgerReply<CommitResponse>
    {
        try Self.validate(reservationID: id.rawValue)
        try Self.validate(key: request.idempotencyKey)
        try Self.validate(amount: request.actual, field: "actual")
        try Self.validate(metrics: request.metrics)
        let hash = try Self.requestHash(request)
        let key = request.idempotencyKey.rawValue
        let endpoint = "commit:\(id.rawValue)"
        let requestContext = EventContext.current
        return try await write { db in
            var record = try self.ownedReservation(db, id: id, principal: .tenant(identity))
            let now = self.now(namespace: record.namespace)
            if let replayed: LedgerReply<CommitResponse> = try self.replayIfStored(
                db, tenant: record.tenantID, endpoint: endpoint, key: key, hash: hash, now: now)
            {
                return replayed
            }
            try self.tenantRecord(record.tenantID)?.requireOpen()
            try self.requireSettleable(record)
            guard request.actual.unit == record.unit else {
                throw LedgerError(
                    .unitMismatch,
                    "actual.unit \(request.actual.unit.rawValue) does not match the reservation unit \(record.unit.rawValue)",
                    tenant: record.tenantID)
            }
            try self.requireBeforeDeadline(db, record, deadline: record.deadlineMs, now: now, context: requestContext)
            // Policies at commit: the overage policy was resolved and frozen at reserve; the commit rate limit of
            // the policy governing the scope now applies here.
            try self.requireCommitRate(record, now: now)
            let budgets = try self.budgets(
                db, tenant: record.tenantID, scopes: record.budgetedScopes, unit: record.unit)
            let result = try self.charge(
                budgets, held: record.amount, actual: request.actual.amount, policy: record.overagePolicy,
                rejectAnyOverage: true, tenant: record.tenantID)
            for budget in result.budgets { try budget.save(db) }
            try self.appendCommitEvents(
                db, record: record, actual: request.actual.amount, before: budgets, after: result.budgets,
                context: requestContext, now: now)
            record.status = .committed
            record.committedAmount = result.charged
            record.finalizedAtMs = now
            record.committedMetadata = request.metadata
            try record.saveTransition(db, from: .active, atMs: now)
            let released = record.amount - result.charged
            let response = CommitResponse(
                charged: Amount(unit: record.unit, amount: result.charged),
                released: released > 0 ? Amount(unit: record.unit, amount: released) : nil,
                balances: result.budgets.map(\.balance))
            return try self.recordReply(
                db, response, tenant: record.tenantID, endpoint: endpoint, key: key, hash: hash,
                reservationID: id.rawValue, now: now)
        }
    }

    /// `POST /v1/reservations/{id}/release` (tenant key, or admin key on behalf of the owner).
    public func release(_ id: ReservationID, _ request: ReleaseRequest, as principal: Principal) async throws
        -> LedgerReply<ReleaseResponse>
    {
        try Self.validate(reservationID: id.rawValue)
        try Self.validate(key: request.idempotencyKey)
        if let reason = request.reason, reason.schemaLength > ProtocolLimits.releaseReasonMaxLength {
            throw LedgerError.invalid("reason must be at most 256 characters")
        }
        let hash = try Self.requestHash(request)
        let key = request.idempotencyKey.rawValue
        let endpoint = "release:\(id.rawValue)"
        let requestContext = EventContext.current
        return try await write { db in
            var record = try self.ownedReservation(db, id: id, principal: principal)
            let now = self.now(namespace: record.namespace)
            if let replayed: LedgerReply<ReleaseResponse> = try self.replayIfStored(
                db, tenant: record.tenantID, endpoint: endpoint, key: key, hash: hash, now: now)
            {
                return replayed
            }
            try self.tenantRecord(record.tenantID)?.requireOpen()
            try self.requireSettleable(record)
            try self.requireBeforeDeadline(db, record, deadline: record.deadlineMs, now: now, context: requestContext)
            let hold = try self.returnHold(db, record)
            try self.appendBudgetTransitions(
                db, before: hold.before, after: hold.after, actor: principal == .admin ? .admin : .apiKey,
                context: requestContext, now: now)
            record.status = .released
            record.finalizedAtMs = now
            try record.saveTransition(db, from: .active, atMs: now)
            if principal == .admin {
                // The spec requires an audit entry for an operator release, written atomically with it.
                try self.recordAudit(db, AuditRecord(
                    operation: "releaseReservation", tenantID: record.tenantID, resourceType: "reservation",
                    resourceID: id.rawValue, actor: .adminOnBehalfOf,
                    metadata: request.reason.map { ["reason": .string($0)] } ?? [:]))
            }
            let response = ReleaseResponse(
                released: Amount(unit: record.unit, amount: record.amount), balances: hold.after.map(\.balance))
            return try self.recordReply(
                db, response, tenant: record.tenantID, endpoint: endpoint, key: key, hash: hash,
                reservationID: id.rawValue, now: now)
        }
    }

    /// `POST /v1/reservations/{id}/extend`: new expiry = current expiry + `extend_by_ms` (not now + …), allowed
    /// only while `now ≤ expires_at_ms` (grace does not count) and below the extension limit.
    public func extend(_ id: ReservationID, _ request: ExtendRequest, as identity: TenantIdentity) async throws
        -> LedgerReply<ExtendResponse>
    {
        try Self.validate(reservationID: id.rawValue)
        try Self.validate(key: request.idempotencyKey)
        guard ProtocolLimits.extendByMs.contains(request.extendByMs) else {
            throw LedgerError.invalid("extend_by_ms must be between 1 and 86400000")
        }
        let hash = try Self.requestHash(request)
        let key = request.idempotencyKey.rawValue
        let endpoint = "extend:\(id.rawValue)"
        let requestContext = EventContext.current
        return try await write { db in
            let record = try self.ownedReservation(db, id: id, principal: .tenant(identity))
            let now = self.now(namespace: record.namespace)
            if let replayed: LedgerReply<ExtendResponse> = try self.replayIfStored(
                db, tenant: record.tenantID, endpoint: endpoint, key: key, hash: hash, now: now)
            {
                return replayed
            }
            try self.tenantRecord(record.tenantID)?.requireOpen()
            try self.requireSettleable(record)
            try self.requireBeforeDeadline(db, record, deadline: record.expiresAtMs, now: now, context: requestContext)
            guard record.extensionCount < record.maxExtensions else {
                throw LedgerError(
                    .maxExtensionsExceeded, "Maximum reservation extensions (\(record.maxExtensions)) reached",
                    tenant: record.tenantID)
            }
            let newExpiry = record.expiresAtMs + request.extendByMs  // both bounded far below Int64.max
            let deadline = newExpiry + record.graceMs
            try db.cachedStatement(
                sql: """
                    UPDATE reservation SET expires_at_ms = ?, deadline_ms = ?, extension_count = extension_count + 1
                    WHERE reservation_id = ?
                    """
            ).execute(arguments: [newExpiry, deadline, id.rawValue])
            let budgets = try self.budgets(
                db, tenant: record.tenantID, scopes: record.budgetedScopes, unit: record.unit)
            let response = ExtendResponse(
                expiresAtMs: newExpiry, remainingTTLMs: max(0, newExpiry - now), balances: budgets.map(\.balance))
            return try self.recordReply(
                db, response, tenant: record.tenantID, endpoint: endpoint, key: key, hash: hash,
                reservationID: id.rawValue, now: now)
        }
    }

    /// The events of a commit, in its transaction: `reservation.commit_overage` when the actual exceeds the estimate
    /// (the requested actual, as the reference server reports it, not the capped charge), then the budget
    /// transitions of the charge (debt incurred, over limit entered, exhausted, thresholds).
    func appendCommitEvents(
        _ db: Database, record: ReservationRecord, actual: Int64, before: [BudgetRecord], after: [BudgetRecord],
        context: EventContext?, now: Int64
    ) throws {
        if actual > record.amount {
            // Debt created, summed over the budgeted scopes (saturating), as the reference server records it.
            var debt: Int64 = 0
            for (old, new) in zip(before, after) where new.debt > old.debt {
                let (sum, overflow) = debt.addingReportingOverflow(new.debt - old.debt)
                debt = overflow ? .max : sum
            }
            try appendEvent(
                db, .reservationCommitOverage, tenantID: record.tenantID, scope: record.scopePath, actor: .apiKey,
                data: EventDataCommitOverage(
                    reservationID: record.reservationID.rawValue, scope: record.scopePath, unit: record.unit,
                    estimatedAmount: record.amount, actualAmount: actual, overage: actual - record.amount,
                    overagePolicy: record.overagePolicy, debtIncurred: debt),
                context: context ?? EventContext.currentOrInternal(), now: now)
        }
        try appendBudgetTransitions(
            db, before: before, after: after, reservationID: record.reservationID.rawValue,
            policy: record.overagePolicy, actor: .apiKey, context: context, now: now)
    }
}
