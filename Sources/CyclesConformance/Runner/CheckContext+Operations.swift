public import CyclesProtocol

/// Builders and senders for the runtime operations, so checks read like the scenario they test.
extension CheckContext {
    /// `{"tenant": <id>, …}` plus the levels written in `below` (`"workspace:w1/agent:a1"`).
    public func subject(_ tenant: ProvisionedTenant, _ below: String = "") -> JSONValue {
        var members: [String: JSONValue] = ["tenant": .string(tenant.tenantID)]
        if !below.isEmpty, let path = ScopePath(parsing: below) {
            for segment in path.segments { members[segment.level.rawValue] = .string(segment.value) }
        }
        return .object(members)
    }

    /// The action every check uses.
    public var action: JSONValue { ["kind": "llm.completion", "name": "conformance:model"] }

    /// `{"unit": …, "amount": …}`.
    public func amount(_ value: Int64, _ unit: BudgetUnit = .tokens) -> JSONValue {
        ["unit": .string(unit.rawValue), "amount": .integer(value)]
    }

    /// A `ReservationCreateRequest` body; `extra` members override or add fields.
    public func reserveBody(
        _ tenant: ProvisionedTenant, estimate: Int64, unit: BudgetUnit = .tokens, below: String = "",
        key: String = FixtureNaming.idempotencyKey("reserve"), extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        var body: [String: JSONValue] = [
            "idempotency_key": .string(key), "subject": subject(tenant, below), "action": action,
            "estimate": amount(estimate, unit), "ttl_ms": 60_000,
        ]
        body.merge(extra) { _, new in new }
        return .object(body)
    }

    /// A well-formed reserve body for a tenant that need not exist (for checks that need no fixture).
    public var probeReserveBody: JSONValue {
        [
            "idempotency_key": .string(FixtureNaming.idempotencyKey("probe")), "subject": ["tenant": "conformance-probe"],
            "action": action, "estimate": amount(10),
        ]
    }

    /// A request with the tenant's key.
    public func request(_ method: String, _ path: String, _ tenant: ProvisionedTenant, json: JSONValue? = nil)
        -> WireRequest
    {
        let key = WireHeader(CyclesHeader.apiKey, tenant.apiKey)
        if let json { return .json(method, path, json, headers: [key]) }
        return WireRequest(method: method, path: path, headers: [key])
    }

    /// `POST /v1/reservations`.
    public func reserve(
        _ tenant: ProvisionedTenant, estimate: Int64, unit: BudgetUnit = .tokens, below: String = "",
        key: String = FixtureNaming.idempotencyKey("reserve"), extra: [String: JSONValue] = [:]
    ) async throws -> WireExchange {
        try await send(
            request("POST", "/v1/reservations", tenant,
                json: reserveBody(tenant, estimate: estimate, unit: unit, below: below, key: key, extra: extra)))
    }

    /// A live reserve that must succeed; returns the reservation id and the exchange.
    public func reserveActive(
        _ tenant: ProvisionedTenant, estimate: Int64, unit: BudgetUnit = .tokens, below: String = "",
        extra: [String: JSONValue] = [:]
    ) async throws -> (id: String, exchange: WireExchange) {
        let exchange = try await reserve(tenant, estimate: estimate, unit: unit, below: below, extra: extra)
        try expectStatus(exchange, 200, spec: "createReservation 200", because: "setting up an ACTIVE reservation")
        let id = try requireString(exchange, "reservation_id", spec: "ReservationCreateResponse.reservation_id")
        return (id, exchange)
    }

    /// `POST /v1/reservations/{id}/commit`.
    public func commit(
        _ tenant: ProvisionedTenant, _ id: String, actual: Int64, unit: BudgetUnit = .tokens,
        key: String = FixtureNaming.idempotencyKey("commit"), extra: [String: JSONValue] = [:]
    ) async throws -> WireExchange {
        var body: [String: JSONValue] = ["idempotency_key": .string(key), "actual": amount(actual, unit)]
        body.merge(extra) { _, new in new }
        return try await send(request("POST", "/v1/reservations/\(id)/commit", tenant, json: .object(body)))
    }

    /// `POST /v1/reservations/{id}/release`.
    public func release(
        _ tenant: ProvisionedTenant, _ id: String, key: String = FixtureNaming.idempotencyKey("release"),
        reason: String? = nil
    ) async throws -> WireExchange {
        var body: [String: JSONValue] = ["idempotency_key": .string(key)]
        if let reason { body["reason"] = .string(reason) }
        return try await send(request("POST", "/v1/reservations/\(id)/release", tenant, json: .object(body)))
    }

    /// `POST /v1/reservations/{id}/extend`.
    public func extend(
        _ tenant: ProvisionedTenant, _ id: String, byMs: Int64, key: String = FixtureNaming.idempotencyKey("extend")
    ) async throws -> WireExchange {
        try await send(
            request("POST", "/v1/reservations/\(id)/extend", tenant,
                json: ["idempotency_key": .string(key), "extend_by_ms": .integer(byMs)]))
    }

    /// `GET /v1/reservations/{id}`.
    public func getReservation(_ tenant: ProvisionedTenant, _ id: String) async throws -> WireExchange {
        try await send(request("GET", "/v1/reservations/\(id)", tenant))
    }

    /// `GET /v1/balances?tenant=<id>`.
    public func balances(_ tenant: ProvisionedTenant) async throws -> WireExchange {
        try await send(request("GET", "/v1/balances?tenant=\(tenant.tenantID)", tenant))
    }

    /// `POST /v1/decide`.
    public func decide(
        _ tenant: ProvisionedTenant, estimate: Int64, unit: BudgetUnit = .tokens, below: String = "",
        key: String = FixtureNaming.idempotencyKey("decide")
    ) async throws -> WireExchange {
        try await send(
            request("POST", "/v1/decide", tenant,
                json: [
                    "idempotency_key": .string(key), "subject": subject(tenant, below), "action": action,
                    "estimate": amount(estimate, unit),
                ]))
    }

    /// `POST /v1/events`.
    public func event(
        _ tenant: ProvisionedTenant, actual: Int64, unit: BudgetUnit = .tokens, below: String = "",
        key: String = FixtureNaming.idempotencyKey("event"), extra: [String: JSONValue] = [:]
    ) async throws -> WireExchange {
        var body: [String: JSONValue] = [
            "idempotency_key": .string(key), "subject": subject(tenant, below), "action": action,
            "actual": amount(actual, unit),
        ]
        body.merge(extra) { _, new in new }
        return try await send(request("POST", "/v1/events", tenant, json: .object(body)))
    }

    /// The ledger of one (scope, unit) as the balances endpoint reports it.
    public func ledger(_ tenant: ProvisionedTenant, scope: String, unit: BudgetUnit = .tokens) async throws
        -> LedgerSnapshot
    {
        let answer = try await balances(tenant)
        try expectStatus(answer, 200, spec: "getBalances 200", because: "reading the ledger")
        let rows = answer.json?["balances"]?.arrayValue ?? []
        guard
            let row = rows.first(where: {
                $0["scope_path"]?.stringValue == scope && $0["remaining"]?["unit"]?.stringValue == unit.rawValue
            })
        else {
            throw CheckFailure(
                "GET /v1/balances has no row for \(scope) in \(unit.rawValue)",
                expected: "one Balance per budgeted (scope, unit)", spec: "§9 getBalances", exchange: answer)
        }
        return LedgerSnapshot(row)
    }
}
