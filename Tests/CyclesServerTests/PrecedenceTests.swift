import CyclesProtocol
import CyclesServer
import Testing

/// Each precedence rule of protocol.md §11.2.
struct PrecedenceTests {
    func close(_ ledger: Ledger) async throws {
        try await ledger.applySeed(SeedDocument(tenants: [SeedTenant(tenantID: "acme", status: "CLOSED")]))
    }

    @Test("1. An idempotent replay beats TENANT_CLOSED and state errors")
    func replayBeatsEverything() async throws {
        let ledger = try await Fixture.ledger()
        let reserve = Fixture.reserve(1_000, key: "r")
        let id = try #require(try await ledger.reserveValue(reserve).reservationID)
        let commit = CommitRequest(idempotencyKey: "c", actual: .usdMicrocents(10))
        let first = try await ledger.commit(id, commit, as: Fixture.acme)
        try await close(ledger)
        #expect(try await ledger.commit(id, commit, as: Fixture.acme).body == first.body)
        #expect(try await ledger.reserve(reserve, as: Fixture.acme).replayed)
        try ledger.close()
    }

    @Test("2. TENANT_CLOSED beats RESERVATION_FINALIZED and RESERVATION_EXPIRED; dry run and decide DENY instead")
    func tenantClosed() async throws {
        let ledger = try await Fixture.ledger()
        let committed = try #require(try await ledger.reserveValue(Fixture.reserve(1_000)).reservationID)
        _ = try await ledger.commit(committed, CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        let expiring = try #require(try await ledger.reserveValue(Fixture.reserve(1_000, ttl: 1_000, grace: 0)).reservationID)
        try await ledger.advanceClock(namespace: "default", byMs: 5_000)
        try await close(ledger)
        await expectLedgerError(.tenantClosed) {
            _ = try await ledger.commit(committed, CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        }
        await expectLedgerError(.tenantClosed) {
            _ = try await ledger.release(expiring, ReleaseRequest(), as: .tenant(Fixture.acme))
        }
        await expectLedgerError(.tenantClosed) {
            _ = try await ledger.extend(expiring, ExtendRequest(extendByMs: 1_000), as: Fixture.acme)
        }
        await expectLedgerError(.tenantClosed) { _ = try await ledger.reserve(Fixture.reserve(1), as: Fixture.acme) }
        await expectLedgerError(.tenantClosed) {
            _ = try await ledger.createEvent(
                EventCreateRequest(subject: Subject(tenant: "acme"), action: Action(kind: "a", name: "b"), actual: .usdMicrocents(1)),
                as: Fixture.acme)
        }
        let dry = try await ledger.reserveValue(Fixture.reserve(1, dryRun: true))
        #expect(dry.decision == .deny && dry.reasonCode == .tenantClosed)
        let decision = try await ledger.decide(
            DecisionRequest(subject: Subject(tenant: "acme"), action: Action(kind: "a", name: "b"), estimate: .usdMicrocents(1)),
            as: Fixture.acme
        ).value()
        #expect(decision.reasonCode == .tenantClosed)
        // Reads stay available.
        #expect(try await ledger.reservation(committed, as: .tenant(Fixture.acme)).status == .committed)
        try ledger.close()
    }

    @Test("3. Over-limit (OVERDRAFT_LIMIT_EXCEEDED) beats DEBT_OUTSTANDING, even on different scopes, regardless of remaining")
    func overLimitBeatsDebt() async throws {
        var seed = Fixture.seed()
        seed.budgets[0].debt = 10  // tenant:acme: debt with no overdraft → DEBT_OUTSTANDING
        seed.budgets[1].isOverLimit = true  // tenant:acme/agent:bot over limit, plenty remaining
        let ledger = try await Fixture.ledger(seed)
        await expectLedgerError(.overdraftLimitExceeded) { _ = try await ledger.reserve(Fixture.reserve(1), as: Fixture.acme) }
        await expectLedgerError(.debtOutstanding) {
            _ = try await ledger.reserve(Fixture.reserve(1, agent: nil), as: Fixture.acme)
        }
        let decision = try await ledger.reserveValue(Fixture.reserve(1, dryRun: true))
        #expect(decision.reasonCode == .overdraftLimitExceeded)
        try ledger.close()
    }

    @Test("FROZEN beats over-limit; debt beats insufficient remaining; debt within an overdraft limit does not block")
    func budgetStateOrder() async throws {
        var seed = Fixture.seed(agentAllocated: 100)
        seed.budgets[0].status = "FROZEN"
        seed.budgets[1].isOverLimit = true
        let frozen = try await Fixture.ledger(seed)
        await expectLedgerError(.budgetFrozen) { _ = try await frozen.reserve(Fixture.reserve(1), as: Fixture.acme) }
        try frozen.close()

        var debtSeed = Fixture.seed(agentAllocated: 100)
        debtSeed.budgets[1].debt = 50
        let indebted = try await Fixture.ledger(debtSeed)
        await expectLedgerError(.debtOutstanding) { _ = try await indebted.reserve(Fixture.reserve(1_000), as: Fixture.acme) }
        try indebted.close()

        var allowedDebt = Fixture.seed(agentAllocated: 100, agentOverdraft: 100)
        allowedDebt.budgets[1].debt = 50
        let withinLimit = try await Fixture.ledger(allowedDebt)
        #expect(try await withinLimit.reserveValue(Fixture.reserve(10)).decision == .allow)
        await expectLedgerError(.budgetExceeded) { _ = try await withinLimit.reserve(Fixture.reserve(41), as: Fixture.acme) }
        try withinLimit.close()
    }

    @Test("4. UNIT_MISMATCH (400) only when a budget exists in another unit; otherwise 404")
    func unitMismatchVersusNotFound() async throws {
        let ledger = try await Fixture.ledger()
        var tokens = Fixture.reserve(1, agent: nil, unit: .usdMicrocents)
        tokens.subject = Subject(tenant: "acme", workspace: "tok")
        // tenant:acme has USD, so USD is enforced there and the TOKENS-only workspace is skipped.
        #expect(try await ledger.reserveValue(tokens).balances?.map(\.scopePath) == ["tenant:acme"])
        var onlyTokens = tokens
        onlyTokens.idempotencyKey = .random()
        onlyTokens.subject = Subject(workspace: "tok")
        await expectLedgerError(.notFound) { _ = try await ledger.reserve(onlyTokens, as: Fixture.acme) }
        await expectLedgerError(.unitMismatch) {
            _ = try await ledger.reserve(Fixture.reserve(1, unit: .riskPoints), as: Fixture.acme)
        }
        try ledger.close()
    }

    @Test("5. EXPIRED → 410, COMMITTED/RELEASED → 409, ACTIVE past the deadline → 410")
    func expiredVersusFinalized() async throws {
        let ledger = try await Fixture.ledger()
        let done = try #require(try await ledger.reserveValue(Fixture.reserve(10)).reservationID)
        _ = try await ledger.release(done, ReleaseRequest(), as: .tenant(Fixture.acme))
        let stale = try #require(try await ledger.reserveValue(Fixture.reserve(10, ttl: 1_000, grace: 0)).reservationID)
        let swept = try #require(try await ledger.reserveValue(Fixture.reserve(10, ttl: 1_000, grace: 0)).reservationID)
        try await ledger.advanceClock(namespace: "default", byMs: 1_001)  // sweeps both to EXPIRED
        await expectLedgerError(.reservationFinalized) {
            _ = try await ledger.commit(done, CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        }
        await expectLedgerError(.reservationExpired) {
            _ = try await ledger.commit(swept, CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        }
        await expectLedgerError(.reservationExpired) {
            _ = try await ledger.extend(stale, ExtendRequest(extendByMs: 1), as: Fixture.acme)
        }
        try ledger.close()
    }

    @Test("6. Never existed → 404; exists but owned by another tenant → 403 (before any body rule)")
    func notFoundVersusForbidden() async throws {
        let ledger = try await Fixture.ledger()
        let id = try #require(try await ledger.reserveValue(Fixture.reserve(10)).reservationID)
        await expectLedgerError(.notFound) {
            _ = try await ledger.commit("rsv_missing", CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        }
        await expectLedgerError(.forbidden) {
            _ = try await ledger.commit(id, CommitRequest(actual: .tokens(1)), as: Fixture.other)
        }
        await expectLedgerError(.forbidden) { _ = try await ledger.extend(id, ExtendRequest(extendByMs: 5), as: Fixture.other) }
        try ledger.close()
    }
}
