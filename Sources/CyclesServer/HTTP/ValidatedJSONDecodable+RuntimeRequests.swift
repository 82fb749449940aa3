import CyclesProtocol

// The six runtime request bodies, read from JSON their `WireShapes` request schema has validated (so `HTTPExchange.decode` never
// parses a body twice). `ValidatedDecodingTests` compares each with `JSONDecoder`'s reading.

extension ReservationCreateRequest: ValidatedJSONDecodable {
    /// `POST /v1/reservations` (`WireShapes.reservationCreateRequest`).
    init(validated object: ValidatedJSONObject) throws(LedgerError) {
        self.init(
            idempotencyKey: try object.idempotencyKey(), subject: try object.subject("subject"),
            action: try object.action("action"), estimate: try object.amount("estimate"),
            ttlMs: try object.optionalInteger("ttl_ms"), gracePeriodMs: try object.optionalInteger("grace_period_ms"),
            overagePolicy: try object.optionalString("overage_policy").map(CommitOveragePolicy.init(rawValue:)),
            dryRun: try object.optionalBool("dry_run"), metadata: try object.optionalMembers("metadata"))
    }
}

extension DecisionRequest: ValidatedJSONDecodable {
    /// `POST /v1/decide` (`WireShapes.decisionRequest`).
    init(validated object: ValidatedJSONObject) throws(LedgerError) {
        self.init(
            idempotencyKey: try object.idempotencyKey(), subject: try object.subject("subject"),
            action: try object.action("action"), estimate: try object.amount("estimate"),
            metadata: try object.optionalMembers("metadata"))
    }
}

extension EventCreateRequest: ValidatedJSONDecodable {
    /// `POST /v1/events` (`WireShapes.eventCreateRequest`).
    init(validated object: ValidatedJSONObject) throws(LedgerError) {
        self.init(
            idempotencyKey: try object.idempotencyKey(), subject: try object.subject("subject"),
            action: try object.action("action"), actual: try object.amount("actual"),
            overagePolicy: try object.optionalString("overage_policy").map(CommitOveragePolicy.init(rawValue:)),
            metrics: try object.optionalMetrics("metrics"), clientTimeMs: try object.optionalInteger("client_time_ms"),
            metadata: try object.optionalMembers("metadata"))
    }
}

extension CommitRequest: ValidatedJSONDecodable {
    /// `POST /v1/reservations/{id}/commit` (`WireShapes.commitRequest`).
    init(validated object: ValidatedJSONObject) throws(LedgerError) {
        self.init(
            idempotencyKey: try object.idempotencyKey(), actual: try object.amount("actual"),
            metrics: try object.optionalMetrics("metrics"), metadata: try object.optionalMembers("metadata"))
    }
}

extension ReleaseRequest: ValidatedJSONDecodable {
    /// `POST /v1/reservations/{id}/release` (`WireShapes.releaseRequest`).
    init(validated object: ValidatedJSONObject) throws(LedgerError) {
        self.init(idempotencyKey: try object.idempotencyKey(), reason: try object.optionalString("reason"))
    }
}

extension ExtendRequest: ValidatedJSONDecodable {
    /// `POST /v1/reservations/{id}/extend` (`WireShapes.extendRequest`).
    init(validated object: ValidatedJSONObject) throws(LedgerError) {
        self.init(
            idempotencyKey: try object.idempotencyKey(), extendByMs: try object.integer("extend_by_ms"),
            metadata: try object.optionalMembers("metadata"))
    }
}

extension ValidatedJSONObject {
    /// `idempotency_key`.
    func idempotencyKey() throws(LedgerError) -> IdempotencyKey {
        IdempotencyKey(try string("idempotency_key"))
    }

    /// A required `Subject` member.
    func subject(_ key: String) throws(LedgerError) -> Subject {
        let subject = try object(key)
        return Subject(
            tenant: try subject.optionalString("tenant"), workspace: try subject.optionalString("workspace"),
            app: try subject.optionalString("app"), workflow: try subject.optionalString("workflow"),
            agent: try subject.optionalString("agent"), toolset: try subject.optionalString("toolset"),
            dimensions: try subject.optionalStringMap("dimensions"))
    }

    /// A required `Action` member.
    func action(_ key: String) throws(LedgerError) -> Action {
        let action = try object(key)
        return Action(
            kind: try action.string("kind"), name: try action.string("name"), tags: try action.optionalStrings("tags"))
    }

    /// A required `Amount` member.
    func amount(_ key: String) throws(LedgerError) -> Amount {
        let amount = try object(key)
        return Amount(unit: BudgetUnit(rawValue: try amount.string("unit")), amount: try amount.integer("amount"))
    }

    /// An optional `StandardMetrics` member.
    func optionalMetrics(_ key: String) throws(LedgerError) -> StandardMetrics? {
        guard members[key] != nil else { return nil }
        let metrics = try object(key)
        return StandardMetrics(
            tokensInput: try metrics.optionalInteger("tokens_input"),
            tokensOutput: try metrics.optionalInteger("tokens_output"),
            latencyMs: try metrics.optionalInteger("latency_ms"),
            modelVersion: try metrics.optionalString("model_version"), custom: try metrics.optionalMembers("custom"))
    }
}
