import CyclesProtocol

/// Wire shapes: success statuses and bodies, absence rules, error bodies and correlation headers.
extension ConformanceCatalogue {
    static let wire: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-WIRE-001", .must, .wire,
            "Live reserve answers 200 ALLOW with reservation_id, reserved = estimate, expiry, scope path and affected scopes",
            spec: "createReservation 200; ReservationCreateResponse; §5 scopes"
        ) { context in
            let fixture = try await context.fixture(
                .budgets(BudgetPlan(allocated: 1_000_000), BudgetPlan("workspace:w1", allocated: 100_000)))
            let tenant = fixture.tenant
            let answer = try await context.reserve(tenant, estimate: 1000, below: "workspace:w1/agent:a1")
            try context.expectStatus(answer, 200)
            try context.expectShape(answer, WireShapes.reservationCreateResponse)
            let json = answer.json ?? .null
            try context.expect(
                json["decision"]?.stringValue == "ALLOW", "decision is \(json["decision"] ?? .null)",
                expected: "ALLOW (no caps configured)", exchange: answer)
            _ = try context.requireString(answer, "reservation_id")
            _ = try context.requireInteger(answer, "expires_at_ms")
            try context.expect(
                json["reserved"] == context.amount(1000), "reserved is \(json["reserved"] ?? .null)",
                expected: "reserved = estimate {TOKENS, 1000}", exchange: answer)
            let root = "tenant:\(tenant.tenantID)"
            let expectedScopes: [JSONValue] = [
                .string(root), .string(root + "/workspace:w1"), .string(root + "/workspace:w1/agent:a1"),
            ]
            try context.expect(
                json["affected_scopes"] == .array(expectedScopes),
                "affected_scopes is \(json["affected_scopes"] ?? .null)",
                expected: "cumulative prefixes in canonical order", spec: "§5 affected_scopes", exchange: answer)
            if let scopePath = json["scope_path"]?.stringValue {
                try context.expect(
                    scopePath == root + "/workspace:w1/agent:a1", "scope_path is \(scopePath)",
                    expected: "\(root)/workspace:w1/agent:a1", spec: "§5 scope_path", exchange: answer)
            }
            try context.expect(
                json["caps"] == nil, "caps present with decision ALLOW", expected: "caps only with ALLOW_WITH_CAPS",
                exchange: answer)
        },
        ConformanceCheck(
            "SRV-WIRE-002", .must, .wire,
            "Dry run returns a decision without reservation_id, expires_at_ms or remaining_ttl_ms and changes no balance",
            spec: "ReservationCreateResponse dry_run rules; §8 dry_run"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 50_000)).tenant
            let scope = tenant.budgetScopes[0]
            let answer = try await context.reserve(tenant, estimate: 1000, extra: ["dry_run": true])
            try context.expectStatus(answer, 200)
            try context.expectShape(answer, WireShapes.reservationCreateResponse)
            let json = answer.json ?? .null
            for field in ["reservation_id", "expires_at_ms", "remaining_ttl_ms"] {
                try context.expect(
                    json[field] == nil, "dry-run response carries \(field)", expected: "\(field) absent on dry_run",
                    exchange: answer)
            }
            try context.expect(
                json["affected_scopes"]?.arrayValue?.isEmpty == false, "dry-run response has no affected_scopes",
                expected: "affected_scopes always present", exchange: answer)
            try await context.expectLedger(
                of: tenant, scope: scope, remaining: 50_000, reserved: 0, spent: 0,
                spec: "dry_run MUST NOT modify balances")
        },
        ConformanceCheck(
            "SRV-WIRE-003", .must, .wire,
            "Dry run over budget answers 200 DENY (never 409) with affected_scopes and no reservation",
            spec: "§8 dry_run; §11.1 (dry-run budget states are DENY)"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 500)).tenant
            let answer = try await context.reserve(tenant, estimate: 1000, extra: ["dry_run": true])
            try context.expectStatus(answer, 200)
            try context.expectShape(answer, WireShapes.reservationCreateResponse)
            let json = answer.json ?? .null
            try context.expect(
                json["decision"]?.stringValue == "DENY", "decision is \(json["decision"] ?? .null)",
                expected: "DENY", exchange: answer)
            try context.expect(
                json["reservation_id"] == nil && json["remaining_ttl_ms"] == nil,
                "DENY carries reservation_id or remaining_ttl_ms", expected: "both absent", exchange: answer)
        },
        ConformanceCheck(
            "SRV-WIRE-004", .should, .wire, "Dry-run DENY carries reason_code BUDGET_EXCEEDED",
            spec: "ReservationCreateResponse.reason_code (SHOULD on DENY)"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 500)).tenant
            let answer = try await context.reserve(tenant, estimate: 1000, extra: ["dry_run": true])
            try context.expectStatus(answer, 200)
            try context.expect(
                answer.json?["reason_code"]?.stringValue == "BUDGET_EXCEEDED",
                "reason_code is \(answer.json?["reason_code"] ?? .null)", expected: "BUDGET_EXCEEDED",
                exchange: answer)
        },
        ConformanceCheck(
            "SRV-WIRE-005", .must, .wire,
            "Commit answers 200 COMMITTED with charged = actual and released = estimate − actual",
            spec: "commitReservation 200; CommitResponse; §7 commit"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1000)
            let answer = try await context.commit(tenant, reservation.id, actual: 600)
            try context.expectStatus(answer, 200)
            try context.expectShape(answer, WireShapes.commitResponse)
            let json = answer.json ?? .null
            try context.expect(
                json["charged"] == context.amount(600), "charged is \(json["charged"] ?? .null)",
                expected: "charged {TOKENS, 600}", exchange: answer)
            try context.expect(
                json["released"] == context.amount(400), "released is \(json["released"] ?? .null)",
                expected: "released {TOKENS, 400}", exchange: answer)
            try await context.expectLedger(of: tenant, remaining: 999_400, reserved: 0, spent: 600)
        },
        ConformanceCheck(
            "SRV-WIRE-006", .must, .wire, "Release answers 200 RELEASED with released = estimate and returns it",
            spec: "releaseReservation 200; ReleaseResponse; §7 release"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1000)
            let answer = try await context.release(tenant, reservation.id, reason: "conformance")
            try context.expectStatus(answer, 200)
            try context.expectShape(answer, WireShapes.releaseResponse)
            try context.expect(
                answer.json?["released"] == context.amount(1000), "released is \(answer.json?["released"] ?? .null)",
                expected: "released {TOKENS, 1000}", exchange: answer)
            try await context.expectLedger(of: tenant, remaining: 1_000_000, reserved: 0, spent: 0)
        },
        ConformanceCheck(
            "SRV-WIRE-007", .must, .wire, "Extend answers 200 ACTIVE with expires_at_ms = previous expiry + extend_by_ms",
            spec: "extendReservation 200; ReservationExtendResponse; §7 extend"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1000)
            let before = try context.requireInteger(reservation.exchange, "expires_at_ms")
            let answer = try await context.extend(tenant, reservation.id, byMs: 30_000)
            try context.expectStatus(answer, 200)
            try context.expectShape(answer, WireShapes.extendResponse)
            let after = try context.requireInteger(answer, "expires_at_ms")
            try context.expect(
                after == before + 30_000, "expires_at_ms went from \(before) to \(after)",
                expected: "\(before + 30_000) (relative to the current expiry, not to now)", exchange: answer)
        },
        ConformanceCheck(
            "SRV-WIRE-008", .must, .wire,
            "GET /v1/balances returns conformant Balance rows in which allocated = remaining + reserved + spent + debt",
            spec: "getBalances 200; Balance; §9"
        ) { context in
            let tenant = try await context.fixture(
                .budgets(BudgetPlan(allocated: 10_000), BudgetPlan("workspace:w1", allocated: 5_000))
            ).tenant
            let reservation = try await context.reserveActive(tenant, estimate: 700, below: "workspace:w1")
            _ = try await context.commit(tenant, reservation.id, actual: 300)
            _ = try await context.reserveActive(tenant, estimate: 200, below: "workspace:w1")
            let answer = try await context.balances(tenant)
            try context.expectStatus(answer, 200)
            try context.expectShape(answer, WireShapes.balanceResponse)
            for scope in tenant.budgetScopes {
                try await context.expectLedger(of: tenant, scope: scope, reserved: 200, spent: 300)
            }
        },
        ConformanceCheck(
            "SRV-WIRE-009", .must, .wire,
            "Error bodies carry error, message, request_id equal to X-Request-Id, and a 32-hex trace_id",
            spec: "ErrorResponse; §4 correlation"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 100)).tenant
            let answer = try await context.reserve(tenant, estimate: 1000)
            try context.expectError(answer, 409, .budgetExceeded)
            let requestID = answer.json?["request_id"]?.stringValue
            try context.expect(
                requestID != nil && requestID == answer.header(CyclesHeader.requestID),
                "request_id \(requestID ?? "-") vs X-Request-Id \(answer.header(CyclesHeader.requestID) ?? "absent")",
                expected: "request_id equals the X-Request-Id header", exchange: answer)
        },
        ConformanceCheck(
            "SRV-WIRE-010", .must, .wire,
            "Every response echoes X-Cycles-Trace-Id, equal to the error body's trace_id",
            spec: "§4 X-Cycles-Trace-Id on every response"
        ) { context in
            let tenant = try await context.fixture().tenant
            let success = try await context.reserve(tenant, estimate: 10)
            try context.expectStatus(success, 200)
            try context.expect(
                TraceContext.validTraceID(success.header(CyclesHeader.traceID)) != nil,
                "2xx X-Cycles-Trace-Id is \(success.header(CyclesHeader.traceID) ?? "absent")",
                expected: "32 lowercase hex digits", exchange: success)
            let failure = try await context.send(
                WireRequest(method: "GET", path: "/v1/reservations/conf-missing-\(RandomIdentifier.hex(byteCount: 4))",
                    headers: [WireHeader(CyclesHeader.apiKey, tenant.apiKey)]))
            try context.expectError(failure, 404, .notFound)
            try context.expect(
                failure.header(CyclesHeader.traceID) == failure.json?["trace_id"]?.stringValue,
                "header \(failure.header(CyclesHeader.traceID) ?? "absent") vs body \(failure.json?["trace_id"] ?? .null)",
                expected: "X-Cycles-Trace-Id equals trace_id", exchange: failure)
            let unauthorized = try await context.send(WireRequest(method: "GET", path: "/v1/balances?tenant=x"))
            try context.expect(
                TraceContext.validTraceID(unauthorized.header(CyclesHeader.traceID)) != nil,
                "401 has no valid X-Cycles-Trace-Id", expected: "the header on 4xx too", exchange: unauthorized)
        },
        ConformanceCheck(
            "SRV-WIRE-011", .must, .wire,
            "A valid traceparent wins over X-Cycles-Trace-Id; the flat header is used when traceparent is absent",
            spec: "§4 trace_id precedence"
        ) { context in
            let tenant = try await context.fixture().tenant
            let parentID = RandomIdentifier.hex(byteCount: 16)
            let flatID = RandomIdentifier.hex(byteCount: 16)
            let both = try await context.send(
                context.request("GET", "/v1/balances?tenant=\(tenant.tenantID)", tenant)
                    .adding(CyclesHeader.traceparent, "00-\(parentID)-\(RandomIdentifier.hex(byteCount: 8))-01")
                    .adding(CyclesHeader.traceID, flatID))
            try context.expect(
                both.header(CyclesHeader.traceID) == parentID,
                "echoed \(both.header(CyclesHeader.traceID) ?? "nothing")", expected: "the traceparent's trace id \(parentID)",
                exchange: both)
            let flat = try await context.send(
                context.request("GET", "/v1/balances?tenant=\(tenant.tenantID)", tenant)
                    .adding(CyclesHeader.traceID, flatID))
            try context.expect(
                flat.header(CyclesHeader.traceID) == flatID, "echoed \(flat.header(CyclesHeader.traceID) ?? "nothing")",
                expected: flatID, exchange: flat)
        },
        ConformanceCheck(
            "SRV-WIRE-012", .must, .wire,
            "A malformed traceparent is ignored, never rejected: 2xx with a freshly generated trace id",
            spec: "§4 malformed headers are treated as absent"
        ) { context in
            let tenant = try await context.fixture().tenant
            let answer = try await context.send(
                context.request("GET", "/v1/balances?tenant=\(tenant.tenantID)", tenant)
                    .adding(CyclesHeader.traceparent, "garbage-not-a-traceparent")
                    .adding(CyclesHeader.traceID, String(repeating: "0", count: 32)))
            try context.expectStatus(answer, 200)
            let echoed = answer.header(CyclesHeader.traceID)
            try context.expect(
                TraceContext.validTraceID(echoed) != nil, "X-Cycles-Trace-Id is \(echoed ?? "absent")",
                expected: "a generated, valid, non-zero trace id", exchange: answer)
        },
        ConformanceCheck(
            "SRV-WIRE-013", .should, .wire, "Live reserve reports remaining_ttl_ms equal to the granted TTL",
            spec: "ReservationCreateResponse.remaining_ttl_ms (SHOULD on live success)"
        ) { context in
            let tenant = try await context.fixture().tenant
            let answer = try await context.reserve(tenant, estimate: 10, extra: ["ttl_ms": 30_000])
            try context.expectStatus(answer, 200)
            let remaining = try context.requireInteger(answer, "remaining_ttl_ms")
            try context.expect(
                remaining > 25_000 && remaining <= 30_000, "remaining_ttl_ms is \(remaining)",
                expected: "≈ 30000 (the granted TTL)", exchange: answer)
        },
        ConformanceCheck(
            "SRV-WIRE-014", .should, .wire,
            "POST /v1/decide answers 200 ALLOW/DENY without reservation or caps, and never mutates balances",
            spec: "decide 200; DecisionResponse; §8 decide"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 5_000)).tenant
            let allow = try await context.decide(tenant, estimate: 1000)
            try context.expectStatus(allow, 200)
            try context.expectShape(allow, WireShapes.decisionResponse)
            try context.expect(
                allow.json?["decision"]?.stringValue == "ALLOW", "decision \(allow.json?["decision"] ?? .null)",
                expected: "ALLOW", exchange: allow)
            let deny = try await context.decide(tenant, estimate: 50_000)
            try context.expectStatus(deny, 200)
            try context.expect(
                deny.json?["decision"]?.stringValue == "DENY", "decision \(deny.json?["decision"] ?? .null)",
                expected: "DENY (decide never answers 409 for budget state)", exchange: deny)
            try await context.expectLedger(of: tenant, remaining: 5_000, reserved: 0)
        },
        ConformanceCheck(
            "SRV-WIRE-015", .should, .wire, "POST /v1/events answers 201 APPLIED with event_id and charges the budget",
            spec: "createEvent 201; EventCreateResponse; §8 events"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 5_000)).tenant
            let answer = try await context.event(tenant, actual: 1200)
            try context.expectStatus(answer, 201)
            try context.expectShape(answer, WireShapes.eventCreateResponse)
            try await context.expectLedger(of: tenant, remaining: 3_800, spent: 1_200)
        },
        ConformanceCheck(
            "SRV-WIRE-016", .should, .wire,
            "GET /v1/reservations/{id} returns a ReservationDetail whose status follows the lifecycle",
            spec: "getReservation 200; ReservationDetail"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 100)
            let active = try await context.getReservation(tenant, reservation.id)
            try context.expectStatus(active, 200)
            try context.expectShape(active, WireShapes.reservationDetail)
            try context.expect(
                active.json?["status"]?.stringValue == "ACTIVE", "status \(active.json?["status"] ?? .null)",
                expected: "ACTIVE", exchange: active)
            _ = try await context.commit(tenant, reservation.id, actual: 80)
            let committed = try await context.getReservation(tenant, reservation.id)
            try context.expectShape(committed, WireShapes.reservationDetail)
            try context.expect(
                committed.json?["status"]?.stringValue == "COMMITTED"
                    && committed.json?["committed"] == context.amount(80)
                    && committed.json?["finalized_at_ms"]?.integerValue != nil,
                "after commit: \(committed.body.prefix(300))",
                expected: "status COMMITTED, committed {TOKENS, 80}, finalized_at_ms set", exchange: committed)
        },
        ConformanceCheck(
            "SRV-WIRE-017", .should, .wire, "GET /v1/reservations returns ReservationSummary rows and filters by status",
            spec: "listReservations 200; ReservationListResponse; §10"
        ) { context in
            let tenant = try await context.fixture().tenant
            let first = try await context.reserveActive(tenant, estimate: 10)
            _ = try await context.reserveActive(tenant, estimate: 20)
            _ = try await context.commit(tenant, first.id, actual: 5)
            let all = try await context.send(context.request("GET", "/v1/reservations", tenant))
            try context.expectStatus(all, 200)
            try context.expectShape(all, WireShapes.reservationListResponse)
            try context.expect(
                all.json?["reservations"]?.arrayValue?.count == 2, "listed \(all.json?["reservations"]?.arrayValue?.count ?? 0) rows",
                expected: "2 rows for the fresh tenant", exchange: all)
            let committed = try await context.send(context.request("GET", "/v1/reservations?status=COMMITTED", tenant))
            let ids = committed.json?["reservations"]?.arrayValue?.compactMap { $0["reservation_id"]?.stringValue }
            try context.expect(
                ids == [first.id], "status=COMMITTED listed \(ids ?? [])", expected: "[\(first.id)]",
                exchange: committed)
        },
        ConformanceCheck(
            "SRV-WIRE-018", .may, .wire, "Successful responses carry X-Cycles-Tenant with the effective tenant",
            spec: "§4 X-Cycles-Tenant (optional in v0)"
        ) { context in
            let tenant = try await context.fixture().tenant
            let answer = try await context.reserve(tenant, estimate: 10)
            try context.expectStatus(answer, 200)
            try context.expect(
                answer.header(CyclesHeader.tenant) == tenant.tenantID,
                "X-Cycles-Tenant is \(answer.header(CyclesHeader.tenant) ?? "absent")", expected: tenant.tenantID,
                exchange: answer)
        },
    ]
}
