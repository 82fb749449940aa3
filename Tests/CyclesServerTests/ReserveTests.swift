import CyclesProtocol
import CyclesServer
import Testing

struct ReserveTests {
    @Test("A live reserve holds the estimate on every budgeted scope and answers ALLOW with a lease")
    func liveReserve() async throws {
        let ledger = try await Fixture.ledger()
        let response = try await ledger.reserveValue(Fixture.reserve(1_000, ttl: 30_000))
        #expect(response.decision == .allow)
        #expect(response.reservationID != nil)
        #expect(response.reserved == .usdMicrocents(1_000))
        #expect(response.expiresAtMs == Fixture.start + 30_000)
        #expect(response.remainingTTLMs == 30_000)
        #expect(response.scopePath == "tenant:acme/agent:bot")
        #expect(response.affectedScopes == ["tenant:acme", "tenant:acme/agent:bot"])
        #expect(response.balances?.map(\.scopePath) == ["tenant:acme", "tenant:acme/agent:bot"])
        #expect(try await ledger.budget("tenant:acme").reserved == 1_000)
        #expect(try await ledger.budget("tenant:acme/agent:bot").remaining == 99_000)
        #expect(try await ledger.checkInvariants(namespace: "default").isEmpty)
        try ledger.close()
    }

    @Test("Defaults: ttl 60 s, grace 5 s, overage ALLOW_IF_AVAILABLE")
    func defaults() async throws {
        let ledger = try await Fixture.ledger()
        let response = try await ledger.reserveValue(Fixture.reserve(10))
        #expect(response.expiresAtMs == Fixture.start + 60_000)
        let row = try #require(try await ledger.state(namespace: "default").reservations.first)
        #expect(row.gracePeriodMs == 5_000)
        #expect(row.overagePolicy == .allowIfAvailable)
        #expect(row.maxExtensions == 10)
        try ledger.close()
    }

    @Test("Tenant settings: default TTL, max TTL caps, default overage policy, extension limit")
    func tenantSettings() async throws {
        let ledger = try await Fixture.ledger(
            Fixture.seed { tenant in
                tenant.defaultReservationTTLMs = 20_000
                tenant.maxReservationTTLMs = 40_000
                tenant.defaultCommitOveragePolicy = .reject
                tenant.maxReservationExtensions = 2
            })
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).expiresAtMs == Fixture.start + 20_000)
        #expect(try await ledger.reserveValue(Fixture.reserve(1, ttl: 90_000)).expiresAtMs == Fixture.start + 40_000)
        let rows = try await ledger.state(namespace: "default").reservations
        #expect(rows.allSatisfy { $0.overagePolicy == .reject && $0.maxExtensions == 2 })
        try ledger.close()
    }

    @Test("Only derived scopes with a budget in the unit are enforced; gaps are skipped")
    func enforcementSet() async throws {
        let ledger = try await Fixture.ledger()
        // workspace:w has no budget; tenant:acme does, tenant:acme/workspace:w/agent:bot does not exist.
        let request = ReservationCreateRequest(
            subject: Subject(tenant: "acme", workspace: "w", agent: "bot"), action: Action(kind: "a", name: "b"),
            estimate: .usdMicrocents(500))
        let response = try await ledger.reserveValue(request)
        #expect(response.affectedScopes.count == 3)
        #expect(response.balances?.map(\.scopePath) == ["tenant:acme"])
        #expect(try await ledger.budget("tenant:acme/agent:bot").reserved == 0)
        try ledger.close()
    }

    @Test("No budget in any unit → 404 NOT_FOUND; budget only in another unit → 400 UNIT_MISMATCH with details")
    func notFoundVersusUnitMismatch() async throws {
        let ledger = try await Fixture.ledger()
        let missing = ReservationCreateRequest(
            subject: Subject(workspace: "nowhere"), action: Action(kind: "a", name: "b"), estimate: .usdMicrocents(1))
        await expectLedgerError(.notFound) { _ = try await ledger.reserve(missing, as: Fixture.acme) }
        let error = await expectLedgerError(.unitMismatch) {
            _ = try await ledger.reserve(Fixture.reserve(1, unit: .credits), as: Fixture.acme)
        }
        #expect(error?.httpStatus == 400)
        #expect(error?.details?["requested_unit"] == "CREDITS")
        #expect(error?.details?["expected_units"] == ["USD_MICROCENTS"])
        try ledger.close()
    }

    @Test("Insufficient remaining on any budgeted scope → 409 BUDGET_EXCEEDED and nothing is held")
    func budgetExceeded() async throws {
        let ledger = try await Fixture.ledger()
        await expectLedgerError(.budgetExceeded) { _ = try await ledger.reserve(Fixture.reserve(100_001), as: Fixture.acme) }
        #expect(try await ledger.budget("tenant:acme").reserved == 0)
        #expect(try await ledger.state(namespace: "default").reservations.isEmpty)
        try ledger.close()
    }

    @Test("subject.tenant other than the key's tenant → 403 FORBIDDEN")
    func tenantMismatch() async throws {
        let ledger = try await Fixture.ledger()
        await expectLedgerError(.forbidden) { _ = try await ledger.reserve(Fixture.reserve(1), as: Fixture.other) }
        try ledger.close()
    }

    @Test("Dry run evaluates without holding, returns no id or lease, and DENYs with a reason code")
    func dryRun() async throws {
        let ledger = try await Fixture.ledger()
        let allowed = try await ledger.reserveValue(Fixture.reserve(1_000, dryRun: true))
        #expect(allowed.decision == .allow)
        #expect(allowed.reservationID == nil && allowed.expiresAtMs == nil && allowed.remainingTTLMs == nil)
        #expect(allowed.reserved == .usdMicrocents(1_000))
        #expect(allowed.balances?.first?.reserved == .usdMicrocents(0))
        let denied = try await ledger.reserveValue(Fixture.reserve(200_000, dryRun: true))
        #expect(denied.decision == .deny)
        #expect(denied.reasonCode == .budgetExceeded)
        #expect(denied.affectedScopes == ["tenant:acme", "tenant:acme/agent:bot"])
        let none = ReservationCreateRequest(
            subject: Subject(workspace: "x"), action: Action(kind: "a", name: "b"), estimate: .usdMicrocents(1),
            dryRun: true)
        #expect(try await ledger.reserveValue(none).reasonCode == .budgetNotFound)
        await expectLedgerError(.unitMismatch) {
            _ = try await ledger.reserve(Fixture.reserve(1, dryRun: true, unit: .credits), as: Fixture.acme)
        }
        #expect(try await ledger.budget("tenant:acme").reserved == 0)
        #expect(try await ledger.state(namespace: "default").reservations.isEmpty)
        try ledger.close()
    }

    @Test("Decide answers ALLOW, DENY with reason codes, never 409, and never mutates")
    func decide() async throws {
        let ledger = try await Fixture.ledger()
        let subject = Subject(tenant: "acme", agent: "bot")
        let action = Action(kind: "llm", name: "x")
        let allow = try await ledger.decide(
            DecisionRequest(subject: subject, action: action, estimate: .usdMicrocents(5)), as: Fixture.acme
        ).value()
        #expect(allow.decision == .allow)
        #expect(allow.affectedScopes == ["tenant:acme", "tenant:acme/agent:bot"])
        let deny = try await ledger.decide(
            DecisionRequest(subject: subject, action: action, estimate: .usdMicrocents(500_000)), as: Fixture.acme
        ).value()
        #expect(deny.decision == .deny && deny.reasonCode == .budgetExceeded)
        let missing = try await ledger.decide(
            DecisionRequest(subject: Subject(app: "zzz"), action: action, estimate: .usdMicrocents(1)),
            as: Fixture.acme
        ).value()
        #expect(missing.reasonCode == .budgetNotFound)
        await expectLedgerError(.unitMismatch) {
            _ = try await ledger.decide(
                DecisionRequest(subject: subject, action: action, estimate: .credits(1)), as: Fixture.acme)
        }
        await expectLedgerError(.forbidden) {
            _ = try await ledger.decide(
                DecisionRequest(subject: subject, action: action, estimate: .usdMicrocents(1)), as: Fixture.other)
        }
        #expect(try await ledger.budget("tenant:acme").reserved == 0)
        try ledger.close()
    }

    @Test("ALLOW_WITH_CAPS when the deepest enforced budget carries caps")
    func caps() async throws {
        var seed = Fixture.seed()
        seed.budgets[1].caps = Caps(maxTokens: 256)
        let ledger = try await Fixture.ledger(seed)
        let response = try await ledger.reserveValue(Fixture.reserve(10))
        #expect(response.decision == .allowWithCaps)
        #expect(response.caps?.maxTokens == 256)
        let tenantOnly = try await ledger.reserveValue(Fixture.reserve(10, agent: nil))
        #expect(tenantOnly.decision == .allow && tenantOnly.caps == nil)
        try ledger.close()
    }

    @Test("Validation errors name the field")
    func validation() async throws {
        let ledger = try await Fixture.ledger()
        let cases: [(ReservationCreateRequest, String)] = [
            (Fixture.reserve(-1), "estimate.amount"),
            (Fixture.reserve(1, ttl: 999), "ttl_ms"),
            (Fixture.reserve(1, ttl: 86_400_001), "ttl_ms"),
            (Fixture.reserve(1, grace: 60_001), "grace_period_ms"),
            (Fixture.reserve(1, policy: "SOMETIMES"), "overage_policy"),
            (Fixture.reserve(1, key: ""), "idempotency_key"),
            (Fixture.reserve(1, agent: "a/b"), "subject.agent"),
            (
                ReservationCreateRequest(
                    subject: Subject(dimensions: ["run": "1"]), action: Action(kind: "a", name: "b"),
                    estimate: .usdMicrocents(1)), "subject"
            ),
        ]
        for (request, field) in cases {
            let error = await expectLedgerError(.invalidRequest) { _ = try await ledger.reserve(request, as: Fixture.acme) }
            #expect(error?.message.contains(field) == true, "message '\(error?.message ?? "")' should name \(field)")
        }
        try ledger.close()
    }
}
