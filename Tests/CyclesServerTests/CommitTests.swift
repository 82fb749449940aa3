import CyclesProtocol
import CyclesServer
import Testing

struct CommitTests {
    func reserved(_ ledger: Ledger, _ amount: Int64, policy: CommitOveragePolicy? = nil) async throws -> ReservationID {
        try #require(try await ledger.reserveValue(Fixture.reserve(amount, policy: policy)).reservationID)
    }

    @Test("Commit below the estimate charges the actual and releases the difference")
    func commitBelowEstimate() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await reserved(ledger, 1_000)
        let response = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(600)), as: Fixture.acme).value()
        #expect(response.status == .committed)
        #expect(response.charged == .usdMicrocents(600))
        #expect(response.released == .usdMicrocents(400))
        let agent = try await ledger.budget("tenant:acme/agent:bot")
        #expect(agent.spent == 600 && agent.reserved == 0 && agent.remaining == 99_400)
        let detail = try await ledger.reservation(id, as: .tenant(Fixture.acme))
        #expect(detail.status == .committed && detail.committed == .usdMicrocents(600))
        #expect(detail.finalizedAtMs == Fixture.start)
        #expect(try await ledger.checkInvariants().isEmpty)
        try ledger.close()
    }

    @Test("Commit equal to the estimate omits released")
    func commitExact() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await reserved(ledger, 1_000)
        let response = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(1_000)), as: Fixture.acme).value()
        #expect(response.released == nil)
        try ledger.close()
    }

    @Test("REJECT: any overage → 409 BUDGET_EXCEEDED, nothing changes, the reservation stays ACTIVE")
    func rejectOverage() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await reserved(ledger, 1_000, policy: .reject)
        await expectLedgerError(.budgetExceeded) {
            _ = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(1_001)), as: Fixture.acme)
        }
        #expect(try await ledger.reservation(id, as: .admin).status == .active)
        #expect(try await ledger.budget("tenant:acme/agent:bot").reserved == 1_000)
        let fine = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(900)), as: Fixture.acme).value()
        #expect(fine.charged == .usdMicrocents(900))
        try ledger.close()
    }

    @Test("ALLOW_IF_AVAILABLE caps the overage at what is left and flags only the scopes that could not cover it")
    func allowIfAvailable() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed(tenantAllocated: 1_000_000, agentAllocated: 10_000))
        let id = try await reserved(ledger, 9_000)
        let response = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(15_000)), as: Fixture.acme).value()
        // agent remaining was 1 000 after the hold: capped delta = 1 000, charged = 10 000 < actual.
        #expect(response.charged == .usdMicrocents(10_000))
        let agent = try await ledger.budget("tenant:acme/agent:bot")
        #expect(agent.remaining == 0 && agent.spent == 10_000 && agent.isOverLimit && agent.debt == 0)
        let tenant = try await ledger.budget("tenant:acme")
        #expect(tenant.spent == 10_000 && !tenant.isOverLimit)
        #expect(try await ledger.checkInvariants().isEmpty)
        // The over-limit scope now blocks new reservations, even of zero.
        await expectLedgerError(.overdraftLimitExceeded) {
            _ = try await ledger.reserve(Fixture.reserve(0), as: Fixture.acme)
        }
        try ledger.close()
    }

    @Test("ALLOW_WITH_OVERDRAFT adds the whole delta to debt within the limit (the spec's formula)")
    func overdraftWithinLimit() async throws {
        let ledger = try await Fixture.ledger(
            Fixture.seed(tenantAllocated: 1_000_000, agentAllocated: 10_000, agentOverdraft: 5_000))
        let id = try await reserved(ledger, 9_000, policy: .allowWithOverdraft)
        let response = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(13_000)), as: Fixture.acme).value()
        #expect(response.charged == .usdMicrocents(13_000))
        let agent = try await ledger.budget("tenant:acme/agent:bot")
        // delta 4 000 > remaining 1 000, so debt += delta (not the unfunded 3 000); spent keeps the held 9 000.
        #expect(agent.debt == 4_000 && agent.remaining == -3_000 && agent.spent == 9_000 && !agent.isOverLimit)
        #expect(try await ledger.budget("tenant:acme").spent == 13_000)
        #expect(try await ledger.checkInvariants().isEmpty)
        try ledger.close()
    }

    @Test("ALLOW_WITH_OVERDRAFT beyond the limit → 409 OVERDRAFT_LIMIT_EXCEEDED with no change")
    func overdraftBeyondLimit() async throws {
        let ledger = try await Fixture.ledger(
            Fixture.seed(tenantAllocated: 1_000_000, agentAllocated: 10_000, agentOverdraft: 2_000))
        let id = try await reserved(ledger, 9_000, policy: .allowWithOverdraft)
        await expectLedgerError(.overdraftLimitExceeded) {
            _ = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(13_000)), as: Fixture.acme)
        }
        let agent = try await ledger.budget("tenant:acme/agent:bot")
        #expect(agent.debt == 0 && agent.reserved == 9_000)
        #expect(try await ledger.reservation(id, as: .admin).status == .active)
        try ledger.close()
    }

    @Test("ALLOW_WITH_OVERDRAFT: (current_debt + delta) > overdraft_limit → 409 even when the unfunded part fits")
    func overdraftCountsTheWholeDelta() async throws {
        // The example: budget 1 000, overdraft_limit 300, reserve 900, commit 1 250. The deficit model
        // (unfunded 250 ≤ 300) would accept it; the spec (delta 350 > 300) refuses it.
        let ledger = try await Fixture.ledger(
            Fixture.seed(tenantAllocated: 1_000_000, agentAllocated: 1_000, agentOverdraft: 300))
        let id = try await reserved(ledger, 900, policy: .allowWithOverdraft)
        let error = await expectLedgerError(.overdraftLimitExceeded) {
            _ = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(1_250)), as: Fixture.acme)
        }
        #expect(error?.httpStatus == 409)
        let agent = try await ledger.budget("tenant:acme/agent:bot")
        #expect(agent.debt == 0 && agent.reserved == 900 && agent.remaining == 100)
        // delta 300 is exactly the limit: accepted, debt 300.
        _ = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(1_200)), as: Fixture.acme).value()
        let after = try await ledger.budget("tenant:acme/agent:bot")
        #expect(after.debt == 300 && after.remaining == -200 && after.spent == 900)
        #expect(try await ledger.checkInvariants().isEmpty)
        try ledger.close()
    }

    @Test("Events under ALLOW_WITH_OVERDRAFT check (current_debt + actual) against the limit")
    func eventOverdraftUsesActual() async throws {
        let ledger = try await Fixture.ledger(
            Fixture.seed(tenantAllocated: 1_000_000, agentAllocated: 1_000, agentOverdraft: 300))
        _ = try await ledger.reserveValue(Fixture.reserve(900))
        func event(_ amount: Int64) -> EventCreateRequest {
            EventCreateRequest(
                subject: Subject(tenant: "acme", agent: "bot"), action: Action(kind: "llm.completion", name: "gpt"),
                actual: .usdMicrocents(amount), overagePolicy: .allowWithOverdraft)
        }
        // remaining 100 < 250 and debt 0 + 250 ≤ 300 → debt 250 (the deficit model would say 150).
        _ = try await ledger.createEvent(event(250), as: Fixture.acme).value()
        var agent = try await ledger.budget("tenant:acme/agent:bot")
        #expect(agent.debt == 250 && agent.remaining == -150)
        await expectLedgerError(.overdraftLimitExceeded) {
            _ = try await ledger.createEvent(event(60), as: Fixture.acme)
        }
        agent = try await ledger.budget("tenant:acme/agent:bot")
        #expect(agent.debt == 250)
        #expect(try await ledger.checkInvariants().isEmpty)
        try ledger.close()
    }

    @Test("ALLOW_WITH_OVERDRAFT on a scope without a limit behaves as ALLOW_IF_AVAILABLE")
    func overdraftWithoutLimit() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed(tenantAllocated: 1_000_000, agentAllocated: 10_000))
        let id = try await reserved(ledger, 9_000, policy: .allowWithOverdraft)
        let response = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(13_000)), as: Fixture.acme).value()
        #expect(response.charged == .usdMicrocents(10_000))
        #expect(try await ledger.budget("tenant:acme/agent:bot").isOverLimit)
        try ledger.close()
    }

    @Test("Commit with a unit other than the reservation's → 400 UNIT_MISMATCH")
    func commitUnitMismatch() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await reserved(ledger, 1_000)
        let error = await expectLedgerError(.unitMismatch) {
            _ = try await ledger.commit(id, CommitRequest(actual: .tokens(5)), as: Fixture.acme)
        }
        #expect(error?.httpStatus == 400)
        try ledger.close()
    }

    @Test("Release returns the whole hold; a second fresh settle → 409 RESERVATION_FINALIZED")
    func releaseThenFinalized() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await reserved(ledger, 1_000)
        let response = try await ledger.release(id, ReleaseRequest(reason: "done"), as: .tenant(Fixture.acme)).value()
        #expect(response.status == .released && response.released == .usdMicrocents(1_000))
        #expect(try await ledger.budget("tenant:acme").remaining == 1_000_000)
        await expectLedgerError(.reservationFinalized) {
            _ = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        }
        await expectLedgerError(.reservationFinalized) {
            _ = try await ledger.release(id, ReleaseRequest(), as: .tenant(Fixture.acme))
        }
        await expectLedgerError(.reservationFinalized) {
            _ = try await ledger.extend(id, ExtendRequest(extendByMs: 1_000), as: Fixture.acme)
        }
        try ledger.close()
    }

    @Test("The admin key may release (and get) on behalf of the owner; another tenant's key gets 403")
    func adminRelease() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await reserved(ledger, 1_000)
        await expectLedgerError(.forbidden) { _ = try await ledger.release(id, ReleaseRequest(), as: .tenant(Fixture.other)) }
        await expectLedgerError(.forbidden) { _ = try await ledger.reservation(id, as: .tenant(Fixture.other)) }
        await expectLedgerError(.notFound) { _ = try await ledger.reservation("rsv_nope", as: .tenant(Fixture.other)) }
        let reply = try await ledger.release(id, ReleaseRequest(reason: "[INCIDENT_FORCE_RELEASE]"), as: .admin)
        #expect(reply.tenant == "acme")
        #expect(try await ledger.reservation(id, as: .admin).status == .released)
        try ledger.close()
    }

    @Test("Events charge directly (201), cap under ALLOW_IF_AVAILABLE, and respect REJECT and FROZEN")
    func events() async throws {
        var seed = Fixture.seed(agentAllocated: 1_000)
        seed.budgets.append(
            SeedBudget(tenantID: "acme", scope: "tenant:acme/app:frozen", unit: .usdMicrocents, allocated: 10, status: "FROZEN"))
        let ledger = try await Fixture.ledger(seed)
        let subject = Subject(tenant: "acme", agent: "bot")
        let action = Action(kind: "tool.search", name: "web")
        let applied = try await ledger.createEvent(
            EventCreateRequest(subject: subject, action: action, actual: .usdMicrocents(400)), as: Fixture.acme)
        #expect(applied.status == 201)
        let value = try applied.value()
        #expect(value.status == "APPLIED" && value.eventID.rawValue.hasPrefix("evt_") && value.charged == nil)
        let capped = try await ledger.createEvent(
            EventCreateRequest(subject: subject, action: action, actual: .usdMicrocents(1_000)), as: Fixture.acme
        ).value()
        #expect(capped.charged == .usdMicrocents(600))
        #expect(try await ledger.budget("tenant:acme/agent:bot").isOverLimit)
        await expectLedgerError(.budgetExceeded) {
            _ = try await ledger.createEvent(
                EventCreateRequest(
                    subject: Subject(tenant: "acme"), action: action, actual: .usdMicrocents(2_000_000),
                    overagePolicy: .reject), as: Fixture.acme)
        }
        await expectLedgerError(.budgetFrozen) {
            _ = try await ledger.createEvent(
                EventCreateRequest(subject: Subject(tenant: "acme", app: "frozen"), action: action, actual: .usdMicrocents(1)),
                as: Fixture.acme)
        }
        await expectLedgerError(.notFound) {
            _ = try await ledger.createEvent(
                EventCreateRequest(subject: Subject(app: "none"), action: action, actual: .usdMicrocents(1)), as: Fixture.acme)
        }
        await expectLedgerError(.unitMismatch) {
            _ = try await ledger.createEvent(
                EventCreateRequest(subject: subject, action: action, actual: .credits(1)), as: Fixture.acme)
        }
        #expect(try await ledger.checkInvariants().isEmpty)
        try ledger.close()
    }

    @Test("Multi-scope atomicity: a reserve that fails on one scope changes no scope")
    func multiScopeAtomicity() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed(tenantAllocated: 50_000, agentAllocated: 100_000))
        // The agent scope could cover 60 000 but the tenant scope cannot: nothing may be held anywhere.
        await expectLedgerError(.budgetExceeded) { _ = try await ledger.reserve(Fixture.reserve(60_000), as: Fixture.acme) }
        #expect(try await ledger.budget("tenant:acme").reserved == 0)
        #expect(try await ledger.budget("tenant:acme/agent:bot").reserved == 0)
        _ = try await ledger.reserveValue(Fixture.reserve(50_000))
        #expect(try await ledger.budget("tenant:acme").remaining == 0)
        #expect(try await ledger.budget("tenant:acme/agent:bot").remaining == 50_000)
        try ledger.close()
    }
}
