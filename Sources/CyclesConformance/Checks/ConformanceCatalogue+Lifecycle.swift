import CyclesProtocol

/// TTL, grace, extend arithmetic, expiry and listing.
extension ConformanceCatalogue {
    static let lifecycle: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-LIFE-001", .must, .lifecycle, "A commit after expires_at but within the grace period succeeds",
            spec: "§7 TTL/grace: commit allowed until expires_at + grace", requires: [.fixtures, .clock]
        ) { context in
            let fixture = try await context.fixture()
            let tenant = fixture.tenant
            let driver = try await context.deadlineDriver(fixture)
            let reservation = try await context.reserveActive(
                tenant, estimate: 100, extra: ["ttl_ms": 1_000, "grace_period_ms": driver.isVirtual ? 5_000 : 4_000])
            try await driver.pass(milliseconds: driver.isVirtual ? 3_000 : 1_000)
            let answer = try await context.commit(tenant, reservation.id, actual: 60)
            try context.expectStatus(answer, 200)
        },
        ConformanceCheck(
            "SRV-LIFE-002", .must, .lifecycle,
            "A commit past expires_at + grace answers 410 RESERVATION_EXPIRED and the estimate returns to remaining",
            spec: "§7 expiry; §11.1 410", requires: [.fixtures, .clock]
        ) { context in
            let (tenant, reservationID) = try await ConformanceCatalogue.reservePastDeadline(
                context, .single(allocated: 10_000), estimate: 700)
            try context.expectError(
                try await context.commit(tenant, reservationID, actual: 100), 410, .reservationExpired)
            try await context.expectLedger(of: tenant, remaining: 10_000, reserved: 0, spent: 0)
        },
        ConformanceCheck(
            "SRV-LIFE-003", .must, .lifecycle, "A release past expires_at + grace answers 410 RESERVATION_EXPIRED",
            spec: "§7 release deadline; §11.1 410", requires: [.fixtures, .clock]
        ) { context in
            let (tenant, reservationID) = try await ConformanceCatalogue.reservePastDeadline(context, estimate: 100)
            try context.expectError(try await context.release(tenant, reservationID), 410, .reservationExpired)
        },
        ConformanceCheck(
            "SRV-LIFE-004", .must, .lifecycle,
            "An extend after expires_at answers 410 RESERVATION_EXPIRED even within the grace period",
            spec: "§7 extend only while now ≤ expires_at", requires: [.fixtures, .clock]
        ) { context in
            let fixture = try await context.fixture()
            let tenant = fixture.tenant
            let driver = try await context.deadlineDriver(fixture)
            let reservation = try await context.reserveActive(
                tenant, estimate: 100, extra: ["ttl_ms": 1_000, "grace_period_ms": 10_000])
            try await driver.pass(milliseconds: 1_500)
            try context.expectError(
                try await context.extend(tenant, reservation.id, byMs: 5_000), 410, .reservationExpired)
            try context.expectStatus(
                try await context.commit(tenant, reservation.id, actual: 10), 200,
                because: "committing within grace after the refused extend")
        },
        ConformanceCheck(
            "SRV-LIFE-005", .should, .lifecycle, "GET of an EXPIRED reservation answers 410 RESERVATION_EXPIRED",
            spec: "getReservation 410 (rev 2026-07-03)", requires: [.fixtures, .clock]
        ) { context in
            let (tenant, reservationID) = try await ConformanceCatalogue.reservePastDeadline(context, estimate: 100)
            // A commit attempt forces lazy expiry on servers whose sweeper has not run yet.
            _ = try await context.commit(tenant, reservationID, actual: 1)
            try context.expectError(try await context.getReservation(tenant, reservationID), 410, .reservationExpired)
        },
        ConformanceCheck(
            "SRV-LIFE-006", .should, .lifecycle,
            "Deadlines are inclusive: commit at exactly expires_at + grace and extend at exactly expires_at succeed",
            spec: "§7 (reference server boundaries are inclusive)", requires: [.fixtures, .clock]
        ) { context in
            let fixture = try await context.fixture()
            let tenant = fixture.tenant
            let driver = try await context.virtualClock(fixture)
            let extendable = try await context.reserveActive(
                tenant, estimate: 10, extra: ["ttl_ms": 2_000, "grace_period_ms": 1_000])
            let committable = try await context.reserveActive(
                tenant, estimate: 10, extra: ["ttl_ms": 2_000, "grace_period_ms": 1_000])
            try await driver.pass(milliseconds: 2_000)
            try context.expectStatus(try await context.extend(tenant, extendable.id, byMs: 1_000), 200)
            try await driver.pass(milliseconds: 1_000)
            try context.expectStatus(try await context.commit(tenant, committable.id, actual: 5), 200)
            try await driver.pass(milliseconds: 1)
            try context.expectError(
                try await context.commit(tenant, committable.id, actual: 5, key: FixtureNaming.idempotencyKey()),
                409, .reservationFinalized)
        },
        ConformanceCheck(
            "SRV-LIFE-007", .must, .lifecycle,
            "Extending moves only the expiry: reserved amount, scope_path and affected_scopes stay as they were",
            spec: "§7 extend MUST NOT change amount, unit, subject, action, scope"
        ) { context in
            let tenant = try await context.fixture(
                .budgets(BudgetPlan(allocated: 10_000), BudgetPlan("workspace:w1", allocated: 10_000))
            ).tenant
            let reservation = try await context.reserveActive(tenant, estimate: 250, below: "workspace:w1")
            try context.expectStatus(try await context.extend(tenant, reservation.id, byMs: 10_000), 200)
            for scope in tenant.budgetScopes {
                try await context.expectLedger(of: tenant, scope: scope, remaining: 9_750, reserved: 250)
            }
            let detail = try await context.getReservation(tenant, reservation.id)
            if detail.status == 200 {
                try context.expect(
                    detail.json?["reserved"] == context.amount(250)
                        && detail.json?["affected_scopes"] == reservation.exchange.json?["affected_scopes"],
                    "after extend: \(detail.body.prefix(300))", expected: "same reserved and affected_scopes",
                    exchange: detail)
            }
        },
        ConformanceCheck(
            "SRV-LIFE-008", .must, .lifecycle,
            "Reserve and commit are atomic across scopes: every budgeted scope is charged the same amount",
            spec: "§5 atomic across all budgeted scopes"
        ) { context in
            let tenant = try await context.fixture(
                .budgets(
                    BudgetPlan(allocated: 100_000), BudgetPlan("workspace:w1", allocated: 50_000),
                    BudgetPlan("workspace:w1/agent:a1", allocated: 10_000))
            ).tenant
            let reservation = try await context.reserveActive(tenant, estimate: 4_000, below: "workspace:w1/agent:a1")
            try context.expectStatus(try await context.commit(tenant, reservation.id, actual: 3_000), 200)
            for scope in tenant.budgetScopes {
                try await context.expectLedger(of: tenant, scope: scope, reserved: 0, spent: 3_000)
            }
        },
        ConformanceCheck(
            "SRV-LIFE-009", .should, .lifecycle,
            "Paging GET /v1/reservations with limit and cursor visits every reservation exactly once",
            spec: "§10 limit/cursor; ReservationListResponse.has_more"
        ) { context in
            let tenant = try await context.fixture().tenant
            var created: Set<String> = []
            for _ in 0..<5 { created.insert(try await context.reserveActive(tenant, estimate: 1).id) }
            var seen: [String] = []
            var cursor: String?
            for _ in 0..<10 {
                let query = "/v1/reservations?limit=2" + (cursor.map { "&cursor=\(FixtureNaming.queryEscape($0))" } ?? "")
                let page = try await context.send(context.request("GET", query, tenant))
                try context.expectStatus(page, 200)
                let rows = page.json?["reservations"]?.arrayValue ?? []
                try context.expect(rows.count <= 2, "page has \(rows.count) rows", expected: "at most limit=2", exchange: page)
                seen += rows.compactMap { $0["reservation_id"]?.stringValue }
                cursor = page.json?["next_cursor"]?.stringValue
                let hasMore = page.json?["has_more"]?.boolValue ?? false
                if cursor == nil || !hasMore { break }
            }
            try context.expect(
                seen.count == created.count && Set(seen) == created, "paging visited \(seen)",
                expected: "the 5 created ids, each once")
        },
        ConformanceCheck(
            "SRV-LIFE-010", .should, .lifecycle,
            "GET /v1/reservations?idempotency_key=K finds the one reservation created with K (lost-response recovery)",
            spec: "§6 recovery lookup"
        ) { context in
            let tenant = try await context.fixture().tenant
            let key = FixtureNaming.idempotencyKey("recover")
            let created = try await context.reserve(tenant, estimate: 10, key: key)
            try context.expectStatus(created, 200)
            _ = try await context.reserveActive(tenant, estimate: 10)
            let found = try await context.send(context.request("GET", "/v1/reservations?idempotency_key=\(key)", tenant))
            try context.expectStatus(found, 200)
            let ids = found.json?["reservations"]?.arrayValue?.compactMap { $0["reservation_id"]?.stringValue }
            try context.expect(
                ids == [created.json?["reservation_id"]?.stringValue ?? "?"], "found \(ids ?? [])",
                expected: "exactly the reservation created with the key", exchange: found)
        },
        ConformanceCheck(
            "SRV-LIFE-011", .must, .lifecycle,
            "An ALLOW_IF_AVAILABLE commit above the estimate caps the charge at what is available and never creates debt",
            spec: "§7 commit ALLOW_IF_AVAILABLE"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_200)).tenant
            let reservation = try await context.reserveActive(
                tenant, estimate: 1_000, extra: ["overage_policy": "ALLOW_IF_AVAILABLE"])
            let answer = try await context.commit(tenant, reservation.id, actual: 1_500)
            try context.expectStatus(answer, 200)
            try context.expect(
                answer.json?["charged"] == context.amount(1_200), "charged \(answer.json?["charged"] ?? .null)",
                expected: "{TOKENS, 1200} (estimate + the 200 available)", exchange: answer)
            let snapshot = try await context.expectLedger(
                of: tenant, remaining: 0, reserved: 0, spent: 1_200, debt: 0)
            try context.expect(snapshot.isOverLimit, "is_over_limit not set: \(snapshot)", expected: "is_over_limit true")
        },
    ]

    /// Provisions a fixture from `plan`, takes its deadline driver, reserves `estimate` with ttl_ms 1 000 and no
    /// grace, then lets 1 001 ms pass, so the reservation is past expires_at + grace. Returns its tenant and id.
    private static func reservePastDeadline(
        _ context: CheckContext, _ plan: FixturePlan = .single(), estimate: Int64
    ) async throws -> (tenant: ProvisionedTenant, reservationID: String) {
        let fixture = try await context.fixture(plan)
        let tenant = fixture.tenant
        let driver = try await context.deadlineDriver(fixture)
        let reservation = try await context.reserveActive(
            tenant, estimate: estimate, extra: ["ttl_ms": 1_000, "grace_period_ms": 0])
        try await driver.pass(milliseconds: 1_001)
        return (tenant, reservation.id)
    }
}
