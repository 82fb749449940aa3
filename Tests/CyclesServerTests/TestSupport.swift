import CyclesProtocol
import CyclesServer
import Testing

/// Shared fixtures: a frozen-clock ledger seeded with two tenants and a small scope tree.
enum Fixture {
    static let acmeKey = "cyc_test_acme_0123456789abcdef"
    static let otherKey = "cyc_test_other_0123456789abcdef"
    static let adminKey = "admin-0123456789abcdef"
    static let start: Int64 = 1_800_000_000_000
    static let acme = TenantIdentity(tenantID: "acme", namespace: "default")
    static let other = TenantIdentity(tenantID: "other", namespace: "default")

    static func seed(
        tenantAllocated: Int64 = 1_000_000, agentAllocated: Int64 = 100_000, agentOverdraft: Int64 = 0,
        tenantSettings: (inout SeedTenant) -> Void = { _ in }
    ) -> SeedDocument {
        var acme = SeedTenant(tenantID: "acme", name: "Acme", apiKeys: [SeedAPIKey(key: acmeKey)])
        tenantSettings(&acme)
        return SeedDocument(
            tenants: [acme, SeedTenant(tenantID: "other", apiKeys: [SeedAPIKey(key: otherKey)])],
            budgets: [
                SeedBudget(tenantID: "acme", scope: "tenant:acme", unit: .usdMicrocents, allocated: tenantAllocated),
                SeedBudget(
                    tenantID: "acme", scope: "tenant:acme/agent:bot", unit: .usdMicrocents, allocated: agentAllocated,
                    overdraftLimit: agentOverdraft),
                SeedBudget(tenantID: "acme", scope: "tenant:acme/workspace:tok", unit: .tokens, allocated: 5_000),
                SeedBudget(tenantID: "other", scope: "tenant:other", unit: .usdMicrocents, allocated: 1_000_000),
            ],
            adminKey: adminKey)
    }

    /// A ledger on a throw-away database with the clock frozen at `start`.
    static func ledger(_ seed: SeedDocument = Fixture.seed()) async throws -> Ledger {
        let ledger = try Ledger(databasePath: ":memory:")
        try await ledger.applySeed(seed)
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: start))
        return ledger
    }

    static func reserve(
        _ amount: Int64, key: IdempotencyKey = .random(), agent: String? = "bot", ttl: Int64? = nil,
        grace: Int64? = nil, policy: CommitOveragePolicy? = nil, dryRun: Bool? = nil, unit: BudgetUnit = .usdMicrocents
    ) -> ReservationCreateRequest {
        ReservationCreateRequest(
            idempotencyKey: key, subject: Subject(tenant: "acme", agent: agent),
            action: Action(kind: "llm.completion", name: "gpt"), estimate: Amount(unit: unit, amount: amount),
            ttlMs: ttl, gracePeriodMs: grace, overagePolicy: policy, dryRun: dryRun)
    }
}

extension Ledger {
    /// Reserves and returns the decoded response.
    func reserveValue(_ request: ReservationCreateRequest, as identity: TenantIdentity = Fixture.acme) async throws
        -> ReservationCreateResponse
    {
        try await reserve(request, as: identity).value()
    }

    /// The state row of one budget.
    func budget(_ scope: String, unit: BudgetUnit = .usdMicrocents, namespace: String = "default") async throws
        -> LedgerState.Budget
    {
        let state = try await state(namespace: namespace)
        return try #require(state.budgets.first { $0.scopePath == scope && $0.unit == unit })
    }
}

/// Asserts that `body` throws a `LedgerError` with `code` (and returns it for further checks).
@discardableResult
func expectLedgerError(
    _ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> LedgerError? {
    do {
        try await body()
        Issue.record("expected \(code.rawValue), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as LedgerError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected LedgerError \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
