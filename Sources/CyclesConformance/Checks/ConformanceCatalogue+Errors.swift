import CyclesProtocol

/// Every error code of §11.1 with its status, and the precedence rules of §11.2.
extension ConformanceCatalogue {
    static let errors: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-ERR-001", .must, .errors, "A request without X-Cycles-API-Key answers 401 UNAUTHORIZED",
            spec: "§3 auth; §11.1 401", requires: []
        ) { context in
            let answer = try await context.send(.json("POST", "/v1/reservations", context.probeReserveBody))
            try context.expectError(answer, 401, .unauthorized)
        },
        ConformanceCheck(
            "SRV-ERR-002", .must, .errors, "An unknown API key answers 401 UNAUTHORIZED",
            spec: "§3 auth; §11.1 401", requires: []
        ) { context in
            let answer = try await context.send(
                .json("POST", "/v1/reservations", context.probeReserveBody,
                    headers: [WireHeader(CyclesHeader.apiKey, "cyc_test_" + RandomIdentifier.secretHex(byteCount: 16))]))
            try context.expectError(answer, 401, .unauthorized)
        },
        ConformanceCheck(
            "SRV-ERR-003", .must, .errors, "A body missing a required field answers 400 INVALID_REQUEST",
            spec: "ReservationCreateRequest required fields; §11.1 400"
        ) { context in
            let tenant = try await context.fixture().tenant
            for field in ["idempotency_key", "subject", "action", "estimate"] {
                guard case .object(var body) = context.reserveBody(tenant, estimate: 10) else { continue }
                body[field] = nil
                let answer = try await context.send(context.request("POST", "/v1/reservations", tenant, json: .object(body)))
                try context.expectError(answer, 400, .invalidRequest, spec: "required `\(field)`")
            }
        },
        ConformanceCheck(
            "SRV-ERR-004", .must, .errors,
            "An unknown JSON field answers 400 INVALID_REQUEST (additionalProperties: false)",
            spec: "request schemas additionalProperties: false; §11.1 400"
        ) { context in
            let tenant = try await context.fixture().tenant
            let answer = try await context.reserve(tenant, estimate: 10, extra: ["surprise_field": true])
            try context.expectError(answer, 400, .invalidRequest)
        },
        ConformanceCheck(
            "SRV-ERR-005", .must, .errors, "Malformed JSON answers 400 INVALID_REQUEST",
            spec: "§11.1 400"
        ) { context in
            let tenant = try await context.fixture().tenant
            let answer = try await context.send(
                WireRequest(method: "POST", path: "/v1/reservations",
                    headers: [WireHeader("Content-Type", "application/json"), WireHeader(CyclesHeader.apiKey, tenant.apiKey)],
                    body: "{\"idempotency_key\": \"k\", \"subject\": {"))
            try context.expectError(answer, 400, .invalidRequest)
        },
        ConformanceCheck(
            "SRV-ERR-006", .must, .errors,
            "Out-of-range ttl_ms, grace_period_ms and extend_by_ms answer 400 INVALID_REQUEST",
            spec: "ttl_ms 1000..86400000; grace_period_ms 0..60000; extend_by_ms 1..86400000"
        ) { context in
            let tenant = try await context.fixture().tenant
            for extra: [String: JSONValue] in [["ttl_ms": 999], ["ttl_ms": 86_400_001], ["grace_period_ms": 60_001]] {
                let answer = try await context.reserve(tenant, estimate: 10, extra: extra)
                try context.expectError(answer, 400, .invalidRequest)
            }
            let reservation = try await context.reserveActive(tenant, estimate: 10)
            let extend = try await context.extend(tenant, reservation.id, byMs: 0)
            try context.expectError(extend, 400, .invalidRequest)
        },
        ConformanceCheck(
            "SRV-ERR-007", .must, .errors, "A negative amount answers 400 INVALID_REQUEST and changes nothing",
            spec: "Amount.amount minimum 0"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000)).tenant
            let answer = try await context.reserve(tenant, estimate: -5)
            try context.expectError(answer, 400, .invalidRequest)
            try await context.expectLedger(of: tenant, remaining: 1_000, reserved: 0)
        },
        ConformanceCheck(
            "SRV-ERR-008", .must, .errors, "A subject with only dimensions answers 400 INVALID_REQUEST",
            spec: "Subject anyOf standard field; §2.2"
        ) { context in
            let tenant = try await context.fixture().tenant
            let answer = try await context.reserve(
                tenant, estimate: 10, extra: ["subject": ["dimensions": ["run": "r1"]]])
            try context.expectError(answer, 400, .invalidRequest)
        },
        ConformanceCheck(
            "SRV-ERR-009", .must, .errors, "subject.tenant different from the key's tenant answers 403 FORBIDDEN",
            spec: "§3 effective tenant; §11.1 403"
        ) { context in
            let fixture = try await context.fixture(
                FixturePlan(tenants: [TenantPlan(budgets: [BudgetPlan(allocated: 1_000)]),
                                      TenantPlan(budgets: [BudgetPlan(allocated: 1_000)])]))
            let (owner, other) = (fixture.tenants[0], fixture.tenants[1])
            let answer = try await context.send(
                context.request("POST", "/v1/reservations", other,
                    json: context.reserveBody(owner, estimate: 10)))
            try context.expectError(answer, 403, .forbidden)
        },
        ConformanceCheck(
            "SRV-ERR-010", .must, .errors,
            "Commit, release and extend on another tenant's reservation answer 403 FORBIDDEN (not 404)",
            spec: "§3 reservation ownership; §11.2 rule 6"
        ) { context in
            let fixture = try await context.fixture(
                FixturePlan(tenants: [TenantPlan(budgets: [BudgetPlan(allocated: 1_000)]),
                                      TenantPlan(budgets: [BudgetPlan(allocated: 1_000)])]))
            let (owner, other) = (fixture.tenants[0], fixture.tenants[1])
            let reservation = try await context.reserveActive(owner, estimate: 10)
            try context.expectError(try await context.commit(other, reservation.id, actual: 5), 403, .forbidden)
            try context.expectError(try await context.release(other, reservation.id), 403, .forbidden)
            try context.expectError(try await context.extend(other, reservation.id, byMs: 1000), 403, .forbidden)
        },
        ConformanceCheck(
            "SRV-ERR-011", .must, .errors,
            "Commit, release and extend on a reservation that never existed answer 404 NOT_FOUND",
            spec: "§11.1 404; §11.2 rule 6"
        ) { context in
            let tenant = try await context.fixture().tenant
            let missing = "conf-missing-" + RandomIdentifier.hex(byteCount: 6)
            try context.expectError(try await context.commit(tenant, missing, actual: 5), 404, .notFound)
            try context.expectError(try await context.release(tenant, missing), 404, .notFound)
            try context.expectError(try await context.extend(tenant, missing, byMs: 1000), 404, .notFound)
        },
        ConformanceCheck(
            "SRV-ERR-012", .must, .errors, "A live reserve with no budget in any unit answers 404 NOT_FOUND",
            spec: "§11.1 404; §11.2 rule 4"
        ) { context in
            let tenant = try await context.fixture(.budgets(BudgetPlan("workspace:w1", allocated: 1_000))).tenant
            let answer = try await context.reserve(tenant, estimate: 10, below: "workspace:other")
            try context.expectError(answer, 404, .notFound)
        },
        ConformanceCheck(
            "SRV-ERR-013", .must, .errors,
            "A reserve in a unit no scope has, while another unit exists, answers 400 UNIT_MISMATCH (not 404)",
            spec: "§11.1 UNIT_MISMATCH (a); §11.2 rule 4"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000, unit: .tokens)).tenant
            let live = try await context.reserve(tenant, estimate: 10, unit: .usdMicrocents)
            try context.expectError(live, 400, .unitMismatch)
            let dryRun = try await context.reserve(tenant, estimate: 10, unit: .usdMicrocents, extra: ["dry_run": true])
            try context.expectError(dryRun, 400, .unitMismatch, spec: "§8 dry_run: wrong unit stays 400")
        },
        ConformanceCheck(
            "SRV-ERR-014", .must, .errors, "A commit in a unit other than the reservation's answers 400 UNIT_MISMATCH",
            spec: "§11.1 UNIT_MISMATCH (b); §7 commit"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 100)
            let answer = try await context.commit(tenant, reservation.id, actual: 50, unit: .usdMicrocents)
            try context.expectError(answer, 400, .unitMismatch)
        },
        ConformanceCheck(
            "SRV-ERR-015", .must, .errors,
            "A live reserve above remaining answers 409 BUDGET_EXCEEDED (never 200 DENY) and locks nothing",
            spec: "§7 reserve: insufficient budget MUST be 409"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000)).tenant
            let answer = try await context.reserve(tenant, estimate: 1_001)
            try context.expectError(answer, 409, .budgetExceeded)
            try await context.expectLedger(of: tenant, remaining: 1_000, reserved: 0)
        },
        ConformanceCheck(
            "SRV-ERR-016", .must, .errors,
            "A REJECT commit above the estimate answers 409 BUDGET_EXCEEDED and leaves the reservation ACTIVE",
            spec: "§7 commit, REJECT policy"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let reservation = try await context.reserveActive(
                tenant, estimate: 1_000, extra: ["overage_policy": "REJECT"])
            let answer = try await context.commit(tenant, reservation.id, actual: 1_500)
            try context.expectError(answer, 409, .budgetExceeded)
            try await context.expectLedger(of: tenant, remaining: 9_000, reserved: 1_000, spent: 0)
            let settle = try await context.commit(tenant, reservation.id, actual: 900)
            try context.expectStatus(settle, 200, because: "committing within the estimate afterwards")
        },
        ConformanceCheck(
            "SRV-ERR-017", .must, .errors, "A reserve on a FROZEN budget answers 409 BUDGET_FROZEN",
            spec: "§11.1 BUDGET_FROZEN", requires: [.fixtures, .budgetStatus]
        ) { context in
            let tenant = try await context.fixture(.budgets(BudgetPlan(allocated: 1_000, status: .frozen))).tenant
            try context.expectError(try await context.reserve(tenant, estimate: 10), 409, .budgetFrozen)
        },
        ConformanceCheck(
            "SRV-ERR-018", .must, .errors, "A reserve on a CLOSED budget answers 409 BUDGET_CLOSED",
            spec: "§11.1 BUDGET_CLOSED", requires: [.fixtures, .budgetStatus]
        ) { context in
            let tenant = try await context.fixture(.budgets(BudgetPlan(allocated: 1_000, status: .closed))).tenant
            try context.expectError(try await context.reserve(tenant, estimate: 10), 409, .budgetClosed)
        },
        ConformanceCheck(
            "SRV-ERR-019", .must, .errors,
            "An ALLOW_IF_AVAILABLE overage sets is_over_limit; the next reserve answers 409 OVERDRAFT_LIMIT_EXCEEDED even though remaining covers it",
            spec: "§7 over-limit blocking; §11.1 OVERDRAFT_LIMIT_EXCEEDED"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000)).tenant
            let scope = tenant.budgetScopes[0]
            let first = try await context.reserveActive(tenant, estimate: 600, extra: ["overage_policy": "ALLOW_IF_AVAILABLE"])
            let second = try await context.reserveActive(tenant, estimate: 400)
            let commit = try await context.commit(tenant, first.id, actual: 900)
            try context.expectStatus(commit, 200)
            try context.expect(
                commit.json?["charged"] == context.amount(600), "charged \(commit.json?["charged"] ?? .null)",
                expected: "charge capped at estimate + available (600)", spec: "§7 ALLOW_IF_AVAILABLE", exchange: commit)
            _ = try await context.release(tenant, second.id)
            let snapshot = try await context.expectLedger(
                of: tenant, scope: scope, remaining: 400, reserved: 0, spent: 600, debt: 0)
            try context.expect(snapshot.isOverLimit, "is_over_limit is false after a capped overage: \(snapshot)",
                expected: "is_over_limit true", spec: "§7 ALLOW_IF_AVAILABLE")
            let blocked = try await context.reserve(tenant, estimate: 100)
            try context.expectError(blocked, 409, .overdraftLimitExceeded)
        },
        ConformanceCheck(
            "SRV-ERR-020", .must, .errors,
            "An ALLOW_WITH_OVERDRAFT commit beyond overdraft_limit answers 409 OVERDRAFT_LIMIT_EXCEEDED and changes nothing",
            spec: "§7 commit ALLOW_WITH_OVERDRAFT"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000, overdraftLimit: 200)).tenant
            let reservation = try await context.reserveActive(
                tenant, estimate: 1_000, extra: ["overage_policy": "ALLOW_WITH_OVERDRAFT"])
            let answer = try await context.commit(tenant, reservation.id, actual: 1_500)
            try context.expectError(answer, 409, .overdraftLimitExceeded)
            try await context.expectLedger(of: tenant, remaining: 0, reserved: 1_000, spent: 0, debt: 0)
            let within = try await context.commit(tenant, reservation.id, actual: 1_150)
            try context.expectStatus(within, 200, because: "an overdraft within the limit")
            try await context.expectLedger(of: tenant, remaining: -150, reserved: 0, debt: 150)
        },
        ConformanceCheck(
            "SRV-ERR-021", .must, .errors,
            "While a scope carries debt, a live reserve answers 409 (DEBT_OUTSTANDING, or BUDGET_EXCEEDED when an overdraft limit is set)",
            spec: "§7 DEBT_OUTSTANDING; protocol.md §16.7"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000, overdraftLimit: 500)).tenant
            let reservation = try await context.reserveActive(
                tenant, estimate: 1_000, extra: ["overage_policy": "ALLOW_WITH_OVERDRAFT"])
            try context.expectStatus(try await context.commit(tenant, reservation.id, actual: 1_300), 200)
            let blocked = try await context.reserve(tenant, estimate: 1)
            try context.expectError(blocked, 409, oneOf: [.debtOutstanding, .budgetExceeded])
            let decide = try await context.decide(tenant, estimate: 1)
            try context.expectStatus(decide, 200, spec: "§8 decide MUST NOT return 409")
            try context.expect(
                decide.json?["decision"]?.stringValue == "DENY", "decide says \(decide.json?["decision"] ?? .null)",
                expected: "DENY", spec: "§8 decide", exchange: decide)
        },
        ConformanceCheck(
            "SRV-ERR-032", .must, .errors,
            "With debt outstanding and no overdraft limit, reserve answers 409 DEBT_OUTSTANDING and decide answers 200 DENY",
            spec: "§7 DEBT_OUTSTANDING; §8 decide MUST NOT return 409", requires: [.fixtures, .seededDebt]
        ) { context in
            let tenant = try await context.fixture(.budgets(BudgetPlan(allocated: 10_000, debt: 500))).tenant
            try context.expectError(try await context.reserve(tenant, estimate: 100), 409, .debtOutstanding)
            let decide = try await context.decide(tenant, estimate: 100)
            try context.expectStatus(decide, 200, spec: "§8 decide MUST NOT return 409")
            try context.expect(
                decide.json?["decision"]?.stringValue == "DENY", "decide answered \(decide.body.prefix(200))",
                expected: "DENY (reason_code DEBT_OUTSTANDING recommended)", exchange: decide)
            try await context.expectLedger(of: tenant, reserved: 0, debt: 500)
        },
        ConformanceCheck(
            "SRV-ERR-022", .must, .errors,
            "Over-limit beats debt: with debt and is_over_limit both set, reserve answers OVERDRAFT_LIMIT_EXCEEDED",
            spec: "§11.2 rule 3"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000, overdraftLimit: 500)).tenant
            let overdraft = try await context.reserveActive(
                tenant, estimate: 500, extra: ["overage_policy": "ALLOW_WITH_OVERDRAFT"])
            let capped = try await context.reserveActive(
                tenant, estimate: 500, extra: ["overage_policy": "ALLOW_IF_AVAILABLE"])
            try context.expectStatus(try await context.commit(tenant, overdraft.id, actual: 900), 200)
            try context.expectStatus(try await context.commit(tenant, capped.id, actual: 600), 200)
            let snapshot = try await context.expectLedger(of: tenant)
            try context.expect(
                snapshot.debt > 0 && snapshot.isOverLimit, "setup did not reach debt + over-limit: \(snapshot)",
                expected: "debt > 0 and is_over_limit", spec: "§7 commit")
            try context.expectError(try await context.reserve(tenant, estimate: 1), 409, .overdraftLimitExceeded)
        },
        ConformanceCheck(
            "SRV-ERR-023", .must, .errors,
            "Commit, release or extend of a COMMITTED or RELEASED reservation with a fresh key answers 409 RESERVATION_FINALIZED",
            spec: "§11.1 RESERVATION_FINALIZED; §11.2 rule 5"
        ) { context in
            let tenant = try await context.fixture().tenant
            let committed = try await context.reserveActive(tenant, estimate: 100)
            try context.expectStatus(try await context.commit(tenant, committed.id, actual: 50), 200)
            try context.expectError(try await context.commit(tenant, committed.id, actual: 50), 409, .reservationFinalized)
            try context.expectError(try await context.release(tenant, committed.id), 409, .reservationFinalized)
            try context.expectError(try await context.extend(tenant, committed.id, byMs: 1000), 409, .reservationFinalized)
            let released = try await context.reserveActive(tenant, estimate: 100)
            try context.expectStatus(try await context.release(tenant, released.id), 200)
            try context.expectError(try await context.release(tenant, released.id), 409, .reservationFinalized)
            try context.expectError(try await context.commit(tenant, released.id, actual: 10), 409, .reservationFinalized)
        },
        ConformanceCheck(
            "SRV-ERR-024", .must, .errors,
            "The eleventh extension (default limit 10) answers 409 MAX_EXTENSIONS_EXCEEDED",
            spec: "§7 extend limit; §16.24"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 10)
            for round in 1...10 {
                let answer = try await context.extend(tenant, reservation.id, byMs: 1_000)
                try context.expectStatus(answer, 200, because: "extension \(round) of 10")
            }
            try context.expectError(
                try await context.extend(tenant, reservation.id, byMs: 1_000), 409, .maxExtensionsExceeded)
        },
        ConformanceCheck(
            "SRV-ERR-025", .should, .errors,
            "X-Idempotency-Key different from the body's key is rejected with 400 INVALID_REQUEST",
            spec: "§6 header must equal body key; §16.1"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000)).tenant
            let answer = try await context.send(
                context.request("POST", "/v1/reservations", tenant,
                    json: context.reserveBody(tenant, estimate: 10, key: "body-key-\(RandomIdentifier.hex(byteCount: 4))"))
                    .adding(CyclesHeader.idempotencyKey, "header-key-\(RandomIdentifier.hex(byteCount: 4))"))
            try context.expectError(answer, 400, .invalidRequest)
            try await context.expectLedger(of: tenant, remaining: 1_000, reserved: 0)
        },
        ConformanceCheck(
            "SRV-ERR-026", .should, .errors, "GET /v1/balances without any subject filter answers 400 INVALID_REQUEST",
            spec: "§9 at least one filter"
        ) { context in
            let tenant = try await context.fixture().tenant
            try context.expectError(
                try await context.send(context.request("GET", "/v1/balances", tenant)), 400, .invalidRequest)
        },
        ConformanceCheck(
            "SRV-ERR-027", .must, .errors, "GET /v1/balances for another tenant answers 403 FORBIDDEN",
            spec: "§9 tenant filter is validation-only"
        ) { context in
            let tenant = try await context.fixture().tenant
            try context.expectError(
                try await context.send(context.request("GET", "/v1/balances?tenant=someone-else", tenant)), 403,
                .forbidden)
        },
        ConformanceCheck(
            "SRV-ERR-028", .should, .errors, "A reservation id longer than 128 characters answers 400 INVALID_REQUEST",
            spec: "path reservation_id maxLength 128"
        ) { context in
            let tenant = try await context.fixture().tenant
            let long = String(repeating: "a", count: 129)
            try context.expectError(try await context.commit(tenant, long, actual: 1), 400, .invalidRequest)
        },
        ConformanceCheck(
            "SRV-ERR-029", .should, .errors,
            "Events: no budget answers 404 NOT_FOUND, wrong unit 400 UNIT_MISMATCH, REJECT over remaining 409 BUDGET_EXCEEDED",
            spec: "§8 createEvent"
        ) { context in
            let tenant = try await context.fixture(.budgets(BudgetPlan("workspace:w1", allocated: 1_000))).tenant
            try context.expectError(
                try await context.event(tenant, actual: 10, below: "workspace:other"), 404, .notFound)
            try context.expectError(
                try await context.event(tenant, actual: 10, unit: .usdMicrocents, below: "workspace:w1"), 400,
                .unitMismatch)
            try context.expectError(
                try await context.event(
                    tenant, actual: 5_000, below: "workspace:w1", extra: ["overage_policy": "REJECT"]), 409,
                .budgetExceeded)
        },
        ConformanceCheck(
            "SRV-ERR-030", .must, .errors,
            "The admin key is accepted only on list, get and release: a reserve with only X-Admin-API-Key answers 401",
            spec: "§3 AdminKeyAuth allow-list", requires: [.fixtures, .adminKey]
        ) { context in
            let tenant = try await context.fixture().tenant
            let adminKey = try context.requireAdminKey()
            let answer = try await context.send(
                .json("POST", "/v1/reservations", context.reserveBody(tenant, estimate: 10),
                    headers: [WireHeader(CyclesHeader.adminAPIKey, adminKey)]))
            try context.expectError(answer, 401, .unauthorized)
            let reservation = try await context.reserveActive(tenant, estimate: 10)
            let release = try await context.send(
                .json("POST", "/v1/reservations/\(reservation.id)/release",
                    ["idempotency_key": .string(FixtureNaming.idempotencyKey("admin")), "reason": "[CONFORMANCE]"],
                    headers: [WireHeader(CyclesHeader.adminAPIKey, adminKey)]))
            try context.expectStatus(release, 200, spec: "§3 admin release")
        },
        ConformanceCheck(
            "SRV-ERR-031", .should, .errors,
            "On a CLOSED tenant a fresh admin release answers 409 TENANT_CLOSED, which beats RESERVATION_FINALIZED",
            spec: "§11.1 TENANT_CLOSED; §11.2 rule 2", requires: [.fixtures, .adminKey, .tenantLifecycle]
        ) { context in
            let fixture = try await context.fixture()
            let tenant = fixture.tenant
            let adminKey = try context.requireAdminKey()
            let active = try await context.reserveActive(tenant, estimate: 10)
            let finalized = try await context.reserveActive(tenant, estimate: 10)
            try context.expectStatus(try await context.commit(tenant, finalized.id, actual: 5), 200)
            try await context.provisioner.closeTenant(tenant.tenantID, in: fixture)
            for id in [active.id, finalized.id] {
                let answer = try await context.send(
                    .json("POST", "/v1/reservations/\(id)/release",
                        ["idempotency_key": .string(FixtureNaming.idempotencyKey("closed"))],
                        headers: [WireHeader(CyclesHeader.adminAPIKey, adminKey)]))
                try context.expectError(answer, 409, .tenantClosed)
            }
        },
    ]
}
