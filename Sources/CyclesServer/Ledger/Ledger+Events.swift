public import CyclesProtocol
import GRDB

extension Ledger {
    /// `POST /v1/events` (201): charge an actual amount without a reservation, atomically on every budgeted scope.
    ///
    /// Order: validation → subject tenant (403) → replay / mismatch → TENANT_CLOSED → no budget (404) or other unit
    /// (400 UNIT_MISMATCH) → FROZEN/CLOSED (409) → overage policy. Events are not blocked by debt or over-limit
    /// (protocol.md §16.28); `client_time_ms` is advisory and never used.
    public func createEvent(_ request: EventCreateRequest, as identity: TenantIdentity) async throws
        -> LedgerReply<EventCreateResponse>
    {
        try Self.validate(key: request.idempotencyKey)
        try Self.validate(subject: request.subject)
        try Self.validate(action: request.action)
        try Self.validate(amount: request.actual, field: "actual")
        try Self.validate(policy: request.overagePolicy)
        try Self.validate(metrics: request.metrics)
        if let clientTime = request.clientTimeMs, clientTime < 0 {
            throw LedgerError.invalid("client_time_ms must not be negative")
        }
        try Self.checkSubjectTenant(request.subject, identity: identity)
        var normalized = request
        normalized.overagePolicy = request.overagePolicy ?? .allowIfAvailable
        let hash = try Self.requestHash(normalized)
        let key = request.idempotencyKey.rawValue
        let tenant = identity.tenantID
        let namespace = identity.namespace
        let path = ScopePath(subject: request.subject)
        try Self.requireScopeFilter(identity, covers: path)
        let eventID = ids.eventID()
        let requestContext = EventContext.current
        return try await write { db in
            let now = self.now(namespace: namespace)
            if let replayed: LedgerReply<EventCreateResponse> = try self.replayIfStored(
                db, tenant: tenant, endpoint: "event", key: key, hash: hash, now: now)
            {
                return replayed
            }
            _ = try self.expireDue(db, namespace: namespace, now: now, context: requestContext)
            let tenantRecord = self.tenantRecord(tenant)
            try tenantRecord?.requireAcceptsNewWork()
            let budgets: [BudgetRecord]
            switch try self.enforcement(db, tenant: tenant, path: path, unit: request.actual.unit, field: "actual") {
            case .budgets(let found): budgets = found
            case .unitMismatch(let error), .noBudget(let error): throw error
            }
            if let frozen = budgets.first(where: { $0.status == "FROZEN" }) {
                throw LedgerError(.budgetFrozen, "Budget is frozen at scope \(frozen.scopePath)", tenant: tenant)
            }
            if let closed = budgets.first(where: { $0.status == "CLOSED" }) {
                throw LedgerError(.budgetClosed, "Budget is closed at scope \(closed.scopePath)", tenant: tenant)
            }
            // Overage policy: the request's, else the governing policy's, else the tenant default (as at reserve).
            let policy = self.reserveEvaluation(tenant: tenant, namespace: namespace, path: path, now: now)
                .overagePolicy(requested: request.overagePolicy)
            let result = try self.charge(
                budgets, held: 0, actual: request.actual.amount, policy: policy, rejectAnyOverage: false,
                tenant: tenant)
            for budget in result.budgets { try budget.save(db) }
            try self.appendBudgetTransitions(
                db, before: budgets, after: result.budgets, policy: policy, actor: .apiKey, context: requestContext,
                now: now)
            try db.cachedStatement(
                sql: """
                    INSERT INTO event (event_id, tenant_id, idempotency_key, subject_json, action_json, unit, actual,
                      charged, overage_policy, scope_path, created_at_ms, metadata_json, metrics_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                eventID.rawValue, tenant, key, try LedgerJSON.string(request.subject),
                try LedgerJSON.string(request.action), request.actual.unit.rawValue, request.actual.amount,
                result.charged, policy.rawValue, path.description, now,
                try request.metadata.map { try LedgerJSON.string($0) },
                try request.metrics.map { try LedgerJSON.string($0) },
            ])
            let response = EventCreateResponse(
                eventID: eventID,
                charged: result.charged < request.actual.amount
                    ? Amount(unit: request.actual.unit, amount: result.charged) : nil,
                balances: result.budgets.map(\.balance))
            return try self.recordReply(
                db, response, status: 201, tenant: tenant, endpoint: "event", key: key, hash: hash,
                reservationID: nil, now: now, retainMs: 7 * Self.dayMs)
        }
    }
}
