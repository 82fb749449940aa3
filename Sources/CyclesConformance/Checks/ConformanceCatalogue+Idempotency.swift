import CyclesProtocol

/// Replay identity, mismatch and concurrent duplicates (§6).
extension ConformanceCatalogue {
    static let idempotency: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-IDEM-001", .must, .idempotency,
            "A replayed reserve returns the original body (only remaining_ttl_ms may differ) and locks the estimate once",
            spec: "§6 replay"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let key = FixtureNaming.idempotencyKey("replay")
            try await ConformanceCatalogue.expectReplayed(context, status: 200, ignoring: ["remaining_ttl_ms"]) {
                try await context.reserve(tenant, estimate: 1_000, key: key)
            }
            try await context.expectLedger(of: tenant, remaining: 9_000, reserved: 1_000)
        },
        ConformanceCheck(
            "SRV-IDEM-002", .must, .idempotency,
            "A replayed commit returns the original 200 body and charges once, even after the reservation is COMMITTED",
            spec: "§6 replay; §11.2 rule 1 (replay beats RESERVATION_FINALIZED)"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1_000)
            let key = FixtureNaming.idempotencyKey("commit")
            try await ConformanceCatalogue.expectReplayed(context, status: 200, replaySpec: "§11.2 rule 1") {
                try await context.commit(tenant, reservation.id, actual: 800, key: key)
            }
            try await context.expectLedger(of: tenant, remaining: 9_200, reserved: 0, spent: 800)
        },
        ConformanceCheck(
            "SRV-IDEM-003", .must, .idempotency, "A replayed release returns the original 200 body and releases once",
            spec: "§6 replay"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1_000)
            let key = FixtureNaming.idempotencyKey("release")
            try await ConformanceCatalogue.expectReplayed(context, status: 200) {
                try await context.release(tenant, reservation.id, key: key, reason: "done")
            }
            try await context.expectLedger(of: tenant, remaining: 10_000, reserved: 0)
        },
        ConformanceCheck(
            "SRV-IDEM-004", .must, .idempotency,
            "A replayed extend returns the same expires_at_ms and extends only once",
            spec: "§6 replay (remaining_ttl_ms recomputed)"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 10)
            let original = try context.requireInteger(reservation.exchange, "expires_at_ms")
            let key = FixtureNaming.idempotencyKey("extend")
            try await ConformanceCatalogue.expectReplayed(context, status: 200, ignoring: ["remaining_ttl_ms"]) {
                try await context.extend(tenant, reservation.id, byMs: 5_000, key: key)
            }
            let third = try await context.extend(tenant, reservation.id, byMs: 1_000)
            try context.expectStatus(third, 200)
            try context.expect(
                third.json?["expires_at_ms"]?.integerValue == original + 6_000,
                "a fresh extend after the replay reached \(third.json?["expires_at_ms"] ?? .null)",
                expected: "\(original + 6_000): the replay must not have extended a second time", exchange: third)
        },
        ConformanceCheck(
            "SRV-IDEM-005", .should, .idempotency, "A replayed event answers 201 with the same event_id and charges once",
            spec: "§6 replay (same status, e.g. 201)"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let key = FixtureNaming.idempotencyKey("event")
            try await ConformanceCatalogue.expectReplayed(context, status: 201) {
                try await context.event(tenant, actual: 300, key: key)
            }
            try await context.expectLedger(of: tenant, remaining: 9_700, spent: 300)
        },
        ConformanceCheck(
            "SRV-IDEM-006", .must, .idempotency,
            "The same reserve key with a different payload answers 409 IDEMPOTENCY_MISMATCH and locks nothing more",
            spec: "§6 mismatch"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let key = FixtureNaming.idempotencyKey("mismatch")
            try context.expectStatus(try await context.reserve(tenant, estimate: 1_000, key: key), 200)
            try context.expectError(
                try await context.reserve(tenant, estimate: 2_000, key: key), 409, .idempotencyMismatch)
            try await context.expectLedger(of: tenant, remaining: 9_000, reserved: 1_000)
        },
        ConformanceCheck(
            "SRV-IDEM-007", .must, .idempotency,
            "The same commit key with a different actual answers 409 IDEMPOTENCY_MISMATCH",
            spec: "§6 mismatch"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1_000)
            let key = FixtureNaming.idempotencyKey("commit")
            try context.expectStatus(try await context.commit(tenant, reservation.id, actual: 300, key: key), 200)
            try context.expectError(
                try await context.commit(tenant, reservation.id, actual: 100, key: key), 409, .idempotencyMismatch)
        },
        ConformanceCheck(
            "SRV-IDEM-008", .must, .idempotency,
            "The same release key with a different reason answers 409 IDEMPOTENCY_MISMATCH",
            spec: "§6 mismatch"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1_000)
            let key = FixtureNaming.idempotencyKey("release")
            try context.expectStatus(try await context.release(tenant, reservation.id, key: key, reason: "a"), 200)
            try context.expectError(
                try await context.release(tenant, reservation.id, key: key, reason: "b"), 409, .idempotencyMismatch)
        },
        ConformanceCheck(
            "SRV-IDEM-009", .must, .idempotency,
            "The same extend key with a different extend_by_ms answers 409 IDEMPOTENCY_MISMATCH",
            spec: "§6 mismatch"
        ) { context in
            let tenant = try await context.fixture().tenant
            let reservation = try await context.reserveActive(tenant, estimate: 10)
            let key = FixtureNaming.idempotencyKey("extend")
            try context.expectStatus(try await context.extend(tenant, reservation.id, byMs: 30_000, key: key), 200)
            try context.expectError(
                try await context.extend(tenant, reservation.id, byMs: 60_000, key: key), 409, .idempotencyMismatch)
        },
        ConformanceCheck(
            "SRV-IDEM-010", .should, .idempotency,
            "Decide and event keys are idempotent too: a changed payload answers 409 IDEMPOTENCY_MISMATCH",
            spec: "§6 mismatch (decide, event)"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let decideKey = FixtureNaming.idempotencyKey("decide")
            try context.expectStatus(try await context.decide(tenant, estimate: 1_000, key: decideKey), 200)
            try context.expectError(
                try await context.decide(tenant, estimate: 5_000, key: decideKey), 409, .idempotencyMismatch)
            let eventKey = FixtureNaming.idempotencyKey("event")
            try context.expectStatus(try await context.event(tenant, actual: 500, key: eventKey), 201)
            try context.expectError(
                try await context.event(tenant, actual: 999, key: eventKey), 409, .idempotencyMismatch)
        },
        ConformanceCheck(
            "SRV-IDEM-011", .should, .idempotency,
            "Dry-run and live reserve share one key space: flipping dry_run under the same key is a 409 mismatch",
            spec: "§6 scope (live and dry-run share the endpoint)"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 10_000)).tenant
            let key = FixtureNaming.idempotencyKey("dry")
            try context.expectStatus(
                try await context.reserve(tenant, estimate: 1_000, key: key, extra: ["dry_run": true]), 200)
            try context.expectError(
                try await context.reserve(tenant, estimate: 1_000, key: key), 409, .idempotencyMismatch)
            try await context.expectLedger(of: tenant, remaining: 10_000, reserved: 0)
        },
        ConformanceCheck(
            "SRV-IDEM-012", .must, .idempotency,
            "Twenty concurrent reserves with one key create one reservation; every success carries the same id",
            spec: "§6 concurrent duplicates execute once", runsAlone: true
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 100_000)).tenant
            let body = context.reserveBody(tenant, estimate: 1_000, key: FixtureNaming.idempotencyKey("herd"))
            let request = context.request("POST", "/v1/reservations", tenant, json: body)
            let answers = try await context.concurrently(20) { _ in try await context.send(request) }
            let successes = answers.filter { $0.status == 200 }
            let ids = Set(successes.compactMap { $0.json?["reservation_id"]?.stringValue })
            await context.note("statuses: \(answers.map(\.status).sorted())")
            try context.expect(!successes.isEmpty, "no request succeeded", expected: "at least one 200")
            try context.expect(ids.count == 1, "successes carry \(ids.count) distinct ids: \(ids.sorted())",
                expected: "one reservation_id")
            for answer in answers where answer.status != 200 {
                // Spec leaves in-flight duplicates open; the reference server answers 500 "still being prepared".
                try context.expect(
                    answer.status == 500 || answer.status == 409, "\(answer.summary)",
                    expected: "200 replay, or a retryable 500/409 while the first is in flight", exchange: answer)
            }
            try await context.expectLedger(of: tenant, remaining: 99_000, reserved: 1_000)
        },
        ConformanceCheck(
            "SRV-IDEM-013", .must, .idempotency,
            "Twenty concurrent commits with one key charge once and all successes return the same body",
            spec: "§6 replay; CONFORMANCE: never settle twice", runsAlone: true
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 100_000)).tenant
            let reservation = try await context.reserveActive(tenant, estimate: 1_000)
            let key = FixtureNaming.idempotencyKey("commit")
            let answers = try await context.concurrently(20) { _ in
                try await context.commit(tenant, reservation.id, actual: 700, key: key)
            }
            let successes = answers.filter { $0.status == 200 }
            await context.note("statuses: \(answers.map(\.status).sorted())")
            try context.expect(!successes.isEmpty, "no commit succeeded", expected: "at least one 200")
            for answer in successes.dropFirst() { try ConformanceCatalogue.expectReplay(context, successes[0], answer) }
            for answer in answers where answer.status != 200 {
                try context.expect(
                    answer.status == 500, "\(answer.summary)",
                    expected: "200 replay (or a retryable 500 while in flight), never RESERVATION_FINALIZED for the same key",
                    exchange: answer)
            }
            try await context.expectLedger(of: tenant, remaining: 99_300, reserved: 0, spent: 700)
        },
    ]

    /// Sends `send` twice (same key, same payload), expects `status` both times (the replay's failure citing
    /// `replaySpec` when given) and that the replay repeats the original, apart from the `ignoring` fields.
    private static func expectReplayed(
        _ context: CheckContext, status: Int, replaySpec: String? = nil, ignoring: Set<String> = [],
        _ send: () async throws -> WireExchange
    ) async throws {
        let first = try await send()
        try context.expectStatus(first, status)
        let second = try await send()
        try context.expectStatus(second, status, spec: replaySpec)
        try expectReplay(context, first, second, ignoring: ignoring)
    }

    /// Fails unless `replay` has the status and body of `original`, apart from the `ignoring` fields.
    static func expectReplay(
        _ context: CheckContext, _ original: WireExchange, _ replay: WireExchange, ignoring: Set<String> = []
    ) throws {
        try context.expect(
            original.status == replay.status, "replay status \(replay.status) vs original \(original.status)",
            expected: "the original status", spec: "§6 replay", exchange: replay)
        guard case .object(var first)? = original.json, case .object(var second)? = replay.json else {
            try context.expect(
                original.body == replay.body, "replay body differs", expected: original.body, spec: "§6 replay",
                exchange: replay)
            return
        }
        for field in ignoring {
            first[field] = nil
            second[field] = nil
        }
        let differing = Set(first.keys).union(second.keys).filter { first[$0] != second[$0] }.sorted()
        try context.expect(
            differing.isEmpty, "replay differs in \(differing.joined(separator: ", "))",
            expected: "the original body: \(original.body.prefix(300))", spec: "§6 replay", exchange: replay)
    }
}
