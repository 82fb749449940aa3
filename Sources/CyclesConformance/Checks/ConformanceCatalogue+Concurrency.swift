import CyclesProtocol

/// Races judged by an invariant oracle rather than a predicted order.
extension ConformanceCatalogue {
    static let concurrency: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-CONC-001", .must, .concurrency,
            "Stampede: 40 concurrent reserves against a budget that fits 7 → exactly 7 succeed and reserved = 7 × estimate",
            spec: "CONFORMANCE: no oversubscription under concurrency; §5", runsAlone: true
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 7_999)).tenant
            let answers = try await context.concurrently(40) { _ in try await context.reserve(tenant, estimate: 1_000) }
            let successes = answers.filter { $0.status == 200 }
            await context.note("statuses: \(answers.map(\.status).sorted())")
            try context.expect(
                successes.count == 7, "\(successes.count) of 40 reserves succeeded", expected: "exactly 7")
            for answer in answers where answer.status != 200 {
                try context.expectError(answer, 409, .budgetExceeded)
            }
            try await context.expectLedger(of: tenant, remaining: 999, reserved: 7_000)
        },
        ConformanceCheck(
            "SRV-CONC-002", .must, .concurrency,
            "Multi-scope atomicity: a reserve refused by one scope locks nothing anywhere, and a shared ancestor is never oversubscribed",
            spec: "§5 atomic across budgeted scopes", runsAlone: true
        ) { context in
            let tenant = try await context.fixture(
                .budgets(
                    BudgetPlan(allocated: 5_000), BudgetPlan("workspace:w1", allocated: 3_000),
                    BudgetPlan("workspace:w2", allocated: 100_000))
            ).tenant
            let (root, w1, w2) = (tenant.budgetScopes[0], tenant.budgetScopes[1], tenant.budgetScopes[2])
            try context.expectError(
                try await context.reserve(tenant, estimate: 3_500, below: "workspace:w1"), 409, .budgetExceeded)
            try await context.expectLedger(of: tenant, scope: root, remaining: 5_000, reserved: 0)
            let answers = try await context.concurrently(30) { index in
                try await context.reserve(tenant, estimate: 1_000, below: index.isMultiple(of: 2) ? "workspace:w1" : "workspace:w2")
            }
            let w1Wins = answers.enumerated().filter { $0.offset.isMultiple(of: 2) && $0.element.status == 200 }.count
            let w2Wins = answers.enumerated().filter { !$0.offset.isMultiple(of: 2) && $0.element.status == 200 }.count
            await context.note("w1 successes \(w1Wins), w2 successes \(w2Wins)")
            try context.expect(
                w1Wins + w2Wins == 5 && w1Wins <= 3, "w1 \(w1Wins) + w2 \(w2Wins) reserves succeeded",
                expected: "exactly 5 in total (the tenant cap) and at most 3 on w1")
            try await context.expectLedger(of: tenant, scope: root, reserved: Int64(w1Wins + w2Wins) * 1_000)
            try await context.expectLedger(of: tenant, scope: w1, reserved: Int64(w1Wins) * 1_000)
            try await context.expectLedger(of: tenant, scope: w2, reserved: Int64(w2Wins) * 1_000)
        },
        ConformanceCheck(
            "SRV-CONC-003", .must, .concurrency,
            "Concurrent commits of one reservation with different keys: exactly one 200, the rest 409 RESERVATION_FINALIZED, one charge",
            spec: "CONFORMANCE: never settle twice; §11.1 RESERVATION_FINALIZED", runsAlone: true
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 100_000)).tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1_000)
            let answers = try await context.concurrently(20) { _ in
                try await context.commit(tenant, reservation.id, actual: 600)
            }
            let winners = answers.filter { $0.status == 200 }
            try context.expect(winners.count == 1, "\(winners.count) commits succeeded", expected: "exactly one")
            for answer in answers where answer.status != 200 {
                try context.expectError(answer, 409, .reservationFinalized)
            }
            try await context.expectLedger(of: tenant, remaining: 99_400, reserved: 0, spent: 600)
        },
        ConformanceCheck(
            "SRV-CONC-004", .must, .concurrency,
            "Commit racing release: exactly one wins each time, the loser gets 409 RESERVATION_FINALIZED",
            spec: "§7 terminal states; CONFORMANCE: never settle twice", runsAlone: true
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 100_000)).tenant
            var spent: Int64 = 0
            for _ in 0..<10 {
                let reservation = try await context.reserveActive(tenant, estimate: 1_000)
                let answers = try await context.concurrently(2) { index in
                    index == 0
                        ? try await context.commit(tenant, reservation.id, actual: 400)
                        : try await context.release(tenant, reservation.id)
                }
                let winners = answers.filter { $0.status == 200 }
                try context.expect(
                    winners.count == 1, "commit \(answers[0].status), release \(answers[1].status)",
                    expected: "exactly one 200")
                for answer in answers where answer.status != 200 {
                    try context.expectError(answer, 409, .reservationFinalized)
                }
                if answers[0].status == 200 { spent += 400 }
            }
            try await context.expectLedger(of: tenant, remaining: 100_000 - spent, reserved: 0, spent: spent)
        },
        ConformanceCheck(
            "SRV-CONC-005", .must, .concurrency,
            "Commit racing expiry at the deadline: each reservation ends either COMMITTED (200) or EXPIRED (410), never both or neither",
            spec: "§7 expiry vs commit; CONFORMANCE", requires: [.fixtures, .clock], runsAlone: true
        ) { context in
            let fixture = try await context.fixture(.single(allocated: 100_000))
            let tenant = fixture.tenant
            let driver = try await context.deadlineDriver(fixture)
            var ids: [String] = []
            for _ in 0..<6 {
                ids.append(
                    try await context.reserveActive(tenant, estimate: 1_000, extra: ["ttl_ms": 1_000, "grace_period_ms": 0]).id)
            }
            let reservationIDs = ids
            let commits = try await context.concurrently(reservationIDs.count + 1) { index -> WireExchange? in
                if index == reservationIDs.count {
                    if driver.isVirtual { try await driver.pass(milliseconds: 1_001) }
                    return nil
                }
                if !driver.isVirtual { try await Task.sleep(for: .milliseconds(850 + 60 * index)) }
                return try await context.commit(tenant, reservationIDs[index], actual: 500)
            }
            if !driver.isVirtual { try await driver.pass(milliseconds: 1_000) }
            var spent: Int64 = 0
            for (index, answer) in commits.prefix(ids.count).enumerated() {
                guard let answer else { continue }
                let detail = try await context.getReservation(tenant, ids[index])
                let finalStatus = detail.status == 410 ? "EXPIRED" : (detail.json?["status"]?.stringValue ?? "?")
                switch answer.status {
                case 200:
                    spent += 500
                    try context.expect(
                        finalStatus == "COMMITTED", "commit answered 200 but the reservation is \(finalStatus)",
                        expected: "COMMITTED", exchange: detail)
                case 410:
                    try context.expectError(answer, 410, .reservationExpired)
                    try context.expect(
                        finalStatus == "EXPIRED", "commit answered 410 but the reservation is \(finalStatus)",
                        expected: "EXPIRED", exchange: detail)
                default:
                    throw CheckFailure(
                        "\(answer.summary)", expected: "200 COMMITTED or 410 RESERVATION_EXPIRED", exchange: answer)
                }
            }
            try await context.expectLedger(of: tenant, remaining: 100_000 - spent, reserved: 0, spent: spent)
        },
        ConformanceCheck(
            "SRV-CONC-006", .must, .concurrency,
            "Concurrent extends with different keys are all applied: expires_at_ms grows by their sum",
            spec: "§7 extend MUST be concurrency-safe", runsAlone: true
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 10)
            let original = try context.requireInteger(reservation.exchange, "expires_at_ms")
            let answers = try await context.concurrently(5) { _ in
                try await context.extend(tenant, reservation.id, byMs: 1_000)
            }
            for answer in answers { try context.expectStatus(answer, 200) }
            let latest = answers.compactMap { $0.json?["expires_at_ms"]?.integerValue }.max() ?? 0
            try context.expect(
                latest == original + 5_000, "latest expires_at_ms \(latest)",
                expected: "\(original + 5_000) (no lost extension)")
        },
        ConformanceCheck(
            "SRV-CONC-007", .must, .concurrency,
            "Seeded randomized mixed workload: ledger identity on every scope, reserved = Σ ACTIVE, spent = Σ charged, legal state sequences",
            spec: "§2.7 ledger identity; §5; §7 lifecycle", runsAlone: true
        ) { context in
            try await MixedWorkload(seed: context.options.seed).run(context)
        },
    ]
}
