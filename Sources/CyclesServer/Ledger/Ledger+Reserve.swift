public import CyclesProtocol
import GRDB

extension Ledger {
    /// `POST /v1/reservations`, live or dry run.
    ///
    /// Order (protocol.md §11.2): validation → subject tenant (403) → idempotent replay / mismatch → then the
    /// `ReserveEvaluation` pipeline: admission (TENANT_CLOSED, SUSPENDED, policy rate limit 429) → v0.1.26's policy
    /// steps (empty today) → budget checks (FROZEN/CLOSED → over-limit → debt → remaining → no budget, UNIT_MISMATCH
    /// or 404) → atomic commit with the TTL, extension limit, overage policy and caps the evaluation resolves.
    /// A dry run answers budget-state conditions with 200 DENY and never mutates or persists a reservation.
    public func reserve(_ request: ReservationCreateRequest, as identity: TenantIdentity) async throws
        -> LedgerReply<ReservationCreateResponse>
    {
        try Self.validate(key: request.idempotencyKey)
        try Self.validate(subject: request.subject)
        try Self.validate(action: request.action)
        try Self.validate(amount: request.estimate, field: "estimate")
        if let ttl = request.ttlMs, !ProtocolLimits.ttlMs.contains(ttl) {
            throw LedgerError.invalid("ttl_ms must be between 1000 and 86400000")
        }
        if let grace = request.gracePeriodMs, !ProtocolLimits.gracePeriodMs.contains(grace) {
            throw LedgerError.invalid("grace_period_ms must be between 0 and 60000")
        }
        try Self.validate(policy: request.overagePolicy)
        try Self.checkSubjectTenant(request.subject, identity: identity)

        // Schema defaults are applied before hashing, so omitting a field equals sending its default.
        var normalized = request
        normalized.ttlMs = request.ttlMs ?? ProtocolLimits.defaultTTLMs
        normalized.gracePeriodMs = request.gracePeriodMs ?? ProtocolLimits.defaultGracePeriodMs
        normalized.overagePolicy = request.overagePolicy ?? .allowIfAvailable
        normalized.dryRun = request.dryRun ?? false
        let hash = try Self.requestHash(normalized)
        let key = request.idempotencyKey.rawValue
        let tenant = identity.tenantID
        let namespace = identity.namespace
        let path = ScopePath(subject: request.subject)
        try Self.requireScopeFilter(identity, covers: path)
        let dryRun = request.dryRun ?? false
        let newID = ids.reservationID()
        let encoded = try ReservationRecord.EncodedColumns(
            subject: request.subject, action: request.action, metadata: request.metadata)
        // Read here, not in the transaction: batched transactions run on the writer's thread (see EventContext).
        let requestContext = EventContext.current

        return try await write { db in
            let now = self.now(namespace: namespace)
            if let replayed: LedgerReply<ReservationCreateResponse> = try self.replayIfStored(
                db, tenant: tenant, endpoint: "reserve", key: key, hash: hash, now: now)
            {
                return replayed
            }
            // Stale holds must not decide this request: expire whatever is past its deadline first.
            _ = try self.expireDue(db, namespace: namespace, now: now, context: requestContext)
            let evaluation = self.reserveEvaluation(tenant: tenant, namespace: namespace, path: path, now: now)
            let response: ReservationCreateResponse
            var reservationID: String?
            var retainMs = Self.dayMs
            if dryRun {
                response = try self.dryRunResponse(db, request: request, evaluation: evaluation)
                if let reason = response.reasonCode {
                    try self.appendDenial(
                        db, reason: reason, tenant: tenant, path: path, estimate: request.estimate,
                        subject: request.subject, action: request.action, context: requestContext, now: now)
                }
            } else {
                // Step `admission`.
                try evaluation.tenant?.requireAcceptsNewWork()
                try evaluation.requireReserveRate(self.rateLimiter, consume: true)
                // Steps `actionKindAccessControl`, `riskClassQuotas`, `actionQuotas` (v0.1.26; none denies today).
                if let reason = evaluation.policyDenial(for: request.action) {
                    throw LedgerError(
                        ErrorCode(rawValue: reason.rawValue), "Denied by policy \(evaluation.policy?.policyID ?? "")",
                        httpStatus: 409, tenant: tenant)
                }
                // Step `budgetChecks`.
                let budgets: [BudgetRecord]
                switch try self.enforcement(db, tenant: tenant, path: path, unit: request.estimate.unit, field: "estimate") {
                case .budgets(let found): budgets = found
                case .unitMismatch(let error), .noBudget(let error): throw error
                }
                if let denial = self.denial(for: budgets, amount: request.estimate.amount, tenant: tenant) {
                    throw denial.error
                }
                // Step `atomicCommit`. TTL: request → policy default → tenant default → 60 s, capped (not rejected)
                // by the policy's or tenant's maximum. Overage policy (protocol.md §16.13): request → policy → tenant
                // default → ALLOW_IF_AVAILABLE, frozen on the reservation; commit cannot change it.
                let ttl = evaluation.ttlMs(requested: request.ttlMs)
                let grace = request.gracePeriodMs ?? ProtocolLimits.defaultGracePeriodMs
                let policy = evaluation.overagePolicy(requested: request.overagePolicy)
                var updated: [BudgetRecord] = []
                for var budget in budgets {
                    // remaining ≥ estimate was checked, so reserved + estimate ≤ allocated cannot overflow.
                    budget.remaining -= request.estimate.amount
                    budget.reserved += request.estimate.amount
                    try budget.save(db)
                    updated.append(budget)
                }
                // Usually nothing to emit: only a threshold crossed or a budget exhausted writes an event.
                try self.appendBudgetTransitions(
                    db, before: budgets, after: updated, actor: .apiKey, context: requestContext, now: now)
                let record = ReservationRecord(
                    reservationID: newID, tenantID: tenant, namespace: namespace, status: .active,
                    idempotencyKey: key, subject: request.subject, action: request.action,
                    unit: request.estimate.unit, amount: request.estimate.amount, createdAtMs: now,
                    expiresAtMs: now + ttl, graceMs: grace, overagePolicy: policy, scopePath: path.description,
                    affectedScopes: path.affectedScopes, budgetedScopes: budgets.map(\.scopePath),
                    metadata: request.metadata,
                    maxExtensions: evaluation.maxExtensions)
                try record.insert(db, encoded: encoded)
                self.expiryHorizon.lower(namespace: namespace, to: record.deadlineMs)
                reservationID = newID.rawValue
                retainMs = max(ttl + grace, Self.dayMs)
                let caps = evaluation.caps(budgetCaps: self.caps(for: budgets))
                response = ReservationCreateResponse(
                    decision: caps == nil ? .allow : .allowWithCaps, reservationID: newID,
                    reserved: request.estimate, expiresAtMs: record.expiresAtMs, remainingTTLMs: ttl,
                    scopePath: path.description, affectedScopes: path.affectedScopes, caps: caps,
                    balances: updated.map(\.balance))
            }
            var reply = try self.recordReply(
                db, response, tenant: tenant, endpoint: "reserve", key: key, hash: hash,
                reservationID: reservationID, now: now, retainMs: retainMs)
            reply.decision = response.decision
            reply.reasonCode = response.reasonCode
            return reply
        }
    }

    /// The dry-run evaluation: same checks as live, answered as 200 ALLOW/DENY without touching balances.
    func dryRunResponse(_ db: Database, request: ReservationCreateRequest, evaluation: ReserveEvaluation) throws
        -> ReservationCreateResponse
    {
        let path = evaluation.path
        switch try evaluate(db, evaluation, action: request.action, estimate: request.estimate) {
        case .deny(let reason):
            return ReservationCreateResponse(
                decision: .deny, scopePath: path.description, affectedScopes: path.affectedScopes, reasonCode: reason)
        case .allow(let budgets, let caps):
            return ReservationCreateResponse(
                decision: caps == nil ? .allow : .allowWithCaps, reserved: request.estimate,
                scopePath: path.description, affectedScopes: path.affectedScopes, caps: caps,
                balances: budgets.map(\.balance))
        }
    }

    enum Evaluation {
        case allow([BudgetRecord], Caps?)
        case deny(DecisionReasonCode)
    }

    /// The non-mutating evaluation shared by dry run and decide, step by step (`ReserveEvaluation`): closed tenant
    /// → DENY TENANT_CLOSED; a used-up policy rate limit → 429 (looked at, not counted); policy denials (v0.1.26) →
    /// DENY; no budget in any unit → DENY BUDGET_NOT_FOUND; budget only in another unit → 400 UNIT_MISMATCH (an
    /// error, not a DENY); budget-state conditions → DENY with their reason code; else ALLOW with the caps.
    func evaluate(_ db: Database, _ evaluation: ReserveEvaluation, action: Action, estimate: Amount) throws -> Evaluation {
        let tenant = evaluation.tenantID
        if evaluation.tenant?.isClosed == true { return .deny(.tenantClosed) }
        try evaluation.requireReserveRate(rateLimiter, consume: false)
        if let reason = evaluation.policyDenial(for: action) { return .deny(reason) }
        switch try enforcement(db, tenant: tenant, path: evaluation.path, unit: estimate.unit, field: "estimate") {
        case .noBudget: return .deny(.budgetNotFound)
        case .unitMismatch(let error): throw error
        case .budgets(let budgets):
            if let denial = denial(for: budgets, amount: estimate.amount, tenant: tenant) {
                return .deny(denial.reason)
            }
            return .allow(budgets, evaluation.caps(budgetCaps: caps(for: budgets)))
        }
    }

    /// `POST /v1/decide`: a preflight that never mutates and never answers 409 for budget state.
    public func decide(_ request: DecisionRequest, as identity: TenantIdentity) async throws
        -> LedgerReply<DecisionResponse>
    {
        try Self.validate(key: request.idempotencyKey)
        try Self.validate(subject: request.subject)
        try Self.validate(action: request.action)
        try Self.validate(amount: request.estimate, field: "estimate")
        try Self.checkSubjectTenant(request.subject, identity: identity)
        let hash = try Self.requestHash(request)
        let key = request.idempotencyKey.rawValue
        let tenant = identity.tenantID
        let namespace = identity.namespace
        let path = ScopePath(subject: request.subject)
        try Self.requireScopeFilter(identity, covers: path)
        let requestContext = EventContext.current
        return try await write { db in
            let now = self.now(namespace: namespace)
            if let replayed: LedgerReply<DecisionResponse> = try self.replayIfStored(
                db, tenant: tenant, endpoint: "decide", key: key, hash: hash, now: now)
            {
                return replayed
            }
            _ = try self.expireDue(db, namespace: namespace, now: now, context: requestContext)
            let evaluation = self.reserveEvaluation(tenant: tenant, namespace: namespace, path: path, now: now)
            let response: DecisionResponse
            switch try self.evaluate(db, evaluation, action: request.action, estimate: request.estimate) {
            case .deny(let reason):
                response = DecisionResponse(decision: .deny, reasonCode: reason, affectedScopes: path.affectedScopes)
                try self.appendDenial(
                    db, reason: reason, tenant: tenant, path: path, estimate: request.estimate,
                    subject: request.subject, action: request.action, context: requestContext, now: now)
            case .allow(_, let caps):
                response = DecisionResponse(
                    decision: caps == nil ? .allow : .allowWithCaps, caps: caps, affectedScopes: path.affectedScopes)
            }
            var reply = try self.recordReply(
                db, response, tenant: tenant, endpoint: "decide", key: key, hash: hash, reservationID: nil, now: now,
                retainMs: Self.dayMs)
            reply.decision = response.decision
            reply.reasonCode = response.reasonCode
            return reply
        }
    }

    /// `reservation.denied` for a DENY decision (dry run or decide), fresh evaluations only: a replay returns before
    /// this. Live reserves answer budget denials with 409 errors and emit nothing, as the reference server does:
    /// the type is defined as "reserve returned DENY decision".
    func appendDenial(
        _ db: Database, reason: DecisionReasonCode, tenant: String, path: ScopePath, estimate: Amount, subject: Subject,
        action: Action, context: EventContext?, now: Int64
    ) throws {
        try appendEvent(
            db, .reservationDenied, tenantID: tenant, scope: path.description, actor: .apiKey,
            data: EventDataReservationDenied(
                scope: path.description, unit: estimate.unit, reasonCode: reason.rawValue,
                requestedAmount: estimate.amount, action: try Self.jsonObject(action),
                subject: try Self.jsonObject(subject)),
            context: context ?? EventContext.currentOrInternal(), now: now)
    }

    /// A wire value as a JSON object (for event payloads that embed request objects).
    static func jsonObject(_ value: some Encodable) throws -> [String: JSONValue] {
        try CyclesJSON.decode([String: JSONValue].self, from: CyclesJSON.encode(value))
    }
}
