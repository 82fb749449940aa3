import CyclesProtocol
import Foundation
import GRDB
import Testing

@testable import CyclesServer

/// Policies at work on the runtime plane: which policy governs (pattern, priority, status, effective window), and
/// what it does at reserve, dry run, decide, extend and commit.
struct PolicyEvaluationTests {
    static func policy(
        _ name: String, _ pattern: String, priority: Int? = nil, caps: Caps? = nil, overage: CommitOveragePolicy? = nil,
        ttl: ReservationTTLOverride? = nil, limits: RateLimits? = nil, from: String? = nil, until: String? = nil
    ) -> PolicyCreateRequest {
        PolicyCreateRequest(
            name: name, scopePattern: pattern, priority: priority, caps: caps, commitOveragePolicy: overage,
            reservationTTLOverride: ttl, rateLimits: limits, effectiveFrom: from, effectiveUntil: until)
    }

    static func path(_ text: String) -> ScopePath { ScopePath(parsing: text)! }

    @Test("Scope patterns: exact, descendants, level wildcards and floating starts match as documented")
    func patterns() throws {
        let cases: [(String, String, Bool)] = [
            ("tenant:acme", "tenant:acme", true),
            ("tenant:acme", "tenant:acme/agent:bot", false),
            ("tenant:acme/*", "tenant:acme", false),
            ("tenant:acme/*", "tenant:acme/agent:bot", true),
            ("tenant:acme/*", "tenant:acme/workspace:w/agent:bot", true),
            ("tenant:acme/*", "tenant:other/agent:bot", false),
            ("agent:*", "tenant:acme/agent:bot", true),
            ("agent:*", "tenant:acme/workspace:w/agent:bot", true),
            ("agent:*", "tenant:acme/agent:bot/toolset:t", false),
            ("agent:*", "tenant:acme", false),
            ("*/agent:summarizer", "tenant:acme/agent:summarizer", true),
            ("*/agent:summarizer", "tenant:acme/agent:bot", false),
            ("tenant:acme/workspace:*/agent:bot", "tenant:acme/workspace:eng/agent:bot", true),
            ("tenant:acme/workspace:*/agent:bot", "tenant:acme/agent:bot", false),
            ("workspace:eng/*", "tenant:acme/workspace:eng/agent:bot", true),
            ("workspace:eng/*", "tenant:acme/workspace:eng", false),
            ("tenant:ACME/agent:Bot", "tenant:acme/agent:bot", true),
        ]
        for (pattern, path, expected) in cases {
            #expect(try ScopePattern(parsing: pattern).matches(Self.path(path)) == expected, "\(pattern) vs \(path)")
        }
        for bad in ["", "*", "bogus", "team:x", "agent:bot/tenant:acme", "tenant:acme/*/agent:b", "agent:b*", "agent:"] {
            #expect(throws: LedgerError.self, "\(bad)") { try ScopePattern(parsing: bad) }
        }
    }

    @Test("The highest-priority matching ACTIVE policy governs alone; a disabled or non-matching one never does")
    func priorityChoosesOnePolicy() async throws {
        let ledger = try await Fixture.ledger()
        _ = try await ledger.createPolicy(Self.policy("wide", "tenant:acme/*", priority: 1, caps: Caps(maxTokens: 100)), owner: "acme")
        let narrow = try await ledger.createPolicy(
            Self.policy("bots", "agent:bot", priority: 5, caps: Caps(maxStepsRemaining: 3)), owner: "acme")
        _ = try await ledger.createPolicy(
            Self.policy("elsewhere", "tenant:acme/workspace:x/*", priority: 99, caps: Caps(cooldownMs: 7)), owner: "acme")

        let first = try await ledger.reserveValue(Fixture.reserve(10))
        #expect(first.decision == .allowWithCaps)
        // Only the winner's rules apply: no max_tokens merged in from the lower policy.
        #expect(first.caps == Caps(maxStepsRemaining: 3))

        _ = try await ledger.updatePolicy(narrow.policyID, PolicyUpdateRequest(status: "DISABLED"), owner: "acme")
        #expect(try await ledger.reserveValue(Fixture.reserve(10)).caps == Caps(maxTokens: 100))

        // A tenant-level reservation is not below tenant:acme, so no policy governs it: plain ALLOW.
        let tenantLevel = try await ledger.reserveValue(Fixture.reserve(10, agent: nil))
        #expect(tenantLevel.decision == .allow)
        #expect(tenantLevel.caps == nil)
        try ledger.close()
    }

    @Test("Caps answer ALLOW_WITH_CAPS on a live reserve, a dry run and decide; a DENY stays a DENY")
    func capsEverywhere() async throws {
        let ledger = try await Fixture.ledger()
        let caps = Caps(maxTokens: 4096, toolDenylist: ["shell"])
        _ = try await ledger.createPolicy(Self.policy("caps", "tenant:acme/agent:bot", caps: caps), owner: "acme")
        let live = try await ledger.reserveValue(Fixture.reserve(10))
        #expect(live.decision == .allowWithCaps)
        #expect(live.caps == caps)
        let dry = try await ledger.reserveValue(Fixture.reserve(10, dryRun: true))
        #expect(dry.decision == .allowWithCaps)
        #expect(dry.caps == caps)
        #expect(dry.reservationID == nil)
        let decided = try await ledger.decide(
            DecisionRequest(subject: Subject(tenant: "acme", agent: "bot"), action: Action(kind: "llm", name: "x"),
                estimate: .usdMicrocents(10)), as: Fixture.acme
        ).value()
        #expect(decided.decision == .allowWithCaps)
        #expect(decided.caps == caps)
        let denied = try await ledger.reserveValue(Fixture.reserve(10_000_000, dryRun: true))
        #expect(denied.decision == .deny)
        #expect(denied.caps == nil)
        try ledger.close()
    }

    @Test("reservation_ttl_override sets the default TTL, caps longer requests and limits extensions, over the tenant's")
    func ttlOverride() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed { $0.maxReservationTTLMs = 80_000 })
        _ = try await ledger.createPolicy(
            Self.policy("ttl", "agent:bot", ttl: ReservationTTLOverride(defaultTTLMs: 15_000, maxTTLMs: 30_000, maxExtensions: 1)),
            owner: "acme")
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).expiresAtMs == Fixture.start + 15_000)
        #expect(try await ledger.reserveValue(Fixture.reserve(1, ttl: 50_000)).expiresAtMs == Fixture.start + 30_000)
        #expect(try await ledger.reserveValue(Fixture.reserve(1, ttl: 20_000)).expiresAtMs == Fixture.start + 20_000)
        let id = try #require(try await ledger.reserveValue(Fixture.reserve(1)).reservationID)
        _ = try await ledger.extend(id, ExtendRequest(extendByMs: 1_000), as: Fixture.acme)
        await expectLedgerError(.maxExtensionsExceeded) {
            _ = try await ledger.extend(id, ExtendRequest(extendByMs: 1_000), as: Fixture.acme)
        }
        // Outside the policy's scopes the tenant's own maximum still caps.
        #expect(try await ledger.reserveValue(Fixture.reserve(1, agent: nil, ttl: 90_000)).expiresAtMs == Fixture.start + 80_000)
        try ledger.close()
    }

    @Test("commit_overage_policy is frozen at reserve (request → policy → tenant) and applied at commit")
    func overagePolicyAtCommit() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed { $0.defaultCommitOveragePolicy = .allowWithOverdraft })
        _ = try await ledger.createPolicy(Self.policy("strict", "agent:bot", overage: .reject), owner: "acme")
        let strict = try #require(try await ledger.reserveValue(Fixture.reserve(100)).reservationID)
        await expectLedgerError(.budgetExceeded) {
            _ = try await ledger.commit(strict, CommitRequest(actual: .usdMicrocents(150)), as: Fixture.acme)
        }
        // The request's own policy wins over the policy's.
        let lenient = try #require(
            try await ledger.reserveValue(Fixture.reserve(100, policy: .allowIfAvailable)).reservationID)
        let committed = try await ledger.commit(lenient, CommitRequest(actual: .usdMicrocents(150)), as: Fixture.acme).value()
        #expect(committed.charged.amount == 150)
        // Outside the policy the tenant default applies.
        _ = try await ledger.reserveValue(Fixture.reserve(1, agent: nil))
        let rows = try await ledger.state(namespace: "default").reservations
        #expect(rows.filter { $0.scopePath == "tenant:acme" }.allSatisfy { $0.overagePolicy == .allowWithOverdraft })
        #expect(rows.filter { $0.reservationID == strict.rawValue }.allSatisfy { $0.overagePolicy == .reject })
        try ledger.close()
    }

    @Test("max_reservations_per_minute: the next reserve is 429 LIMIT_EXCEEDED with Retry-After until the minute ends")
    func reserveRateLimit() async throws {
        let ledger = try await Fixture.ledger()
        _ = try await ledger.createPolicy(
            Self.policy("slow", "agent:bot", limits: RateLimits(maxReservationsPerMinute: 2)), owner: "acme")
        _ = try await ledger.advanceClock(namespace: "default", byMs: 20_000)  // 20 s into a minute window
        for _ in 0..<2 { _ = try await ledger.reserveValue(Fixture.reserve(1)) }
        let error = await expectLedgerError(.limitExceeded) { _ = try await ledger.reserveValue(Fixture.reserve(1)) }
        #expect(error?.httpStatus == 429)
        #expect(error?.retryAfterSeconds == 40)
        // A dry run reports the throttle a live reserve would meet, and decide too; neither counts.
        await expectLedgerError(.limitExceeded) { _ = try await ledger.reserveValue(Fixture.reserve(1, dryRun: true)) }
        // Other scopes are not limited by it.
        #expect(try await ledger.reserveValue(Fixture.reserve(1, agent: "other-bot")).decision == .allow)
        _ = try await ledger.advanceClock(namespace: "default", byMs: 40_000)
        #expect(try await ledger.reserveValue(Fixture.reserve(1, dryRun: true)).decision == .allow)
        // The dry run did not use the new minute's allowance: two live reserves still pass.
        for _ in 0..<2 { _ = try await ledger.reserveValue(Fixture.reserve(1)) }
        await expectLedgerError(.limitExceeded) { _ = try await ledger.reserveValue(Fixture.reserve(1)) }
        try ledger.close()
    }

    @Test("max_commits_per_minute limits commits of the governed scope (429), replays excepted")
    func commitRateLimit() async throws {
        let ledger = try await Fixture.ledger()
        _ = try await ledger.createPolicy(
            Self.policy("commits", "agent:bot", limits: RateLimits(maxCommitsPerMinute: 1)), owner: "acme")
        let first = try #require(try await ledger.reserveValue(Fixture.reserve(10)).reservationID)
        let second = try #require(try await ledger.reserveValue(Fixture.reserve(10)).reservationID)
        let commit = CommitRequest(actual: .usdMicrocents(5))
        _ = try await ledger.commit(first, commit, as: Fixture.acme)
        #expect(try await ledger.commit(first, commit, as: Fixture.acme).replayed)
        await expectLedgerError(.limitExceeded) {
            _ = try await ledger.commit(second, CommitRequest(actual: .usdMicrocents(5)), as: Fixture.acme)
        }
        _ = try await ledger.advanceClock(namespace: "default", byMs: 60_000)
        _ = try await ledger.commit(second, CommitRequest(actual: .usdMicrocents(5)), as: Fixture.acme)
        #expect(try await ledger.checkInvariants(namespace: "default").isEmpty)
        try ledger.close()
    }

    @Test("effective_from / effective_until follow the namespace's virtual clock")
    func effectiveWindow() async throws {
        let ledger = try await Fixture.ledger()
        // Fixture.start is 2027-01-15T08:00:00Z; the policy applies from 08:01 until 08:02.
        _ = try await ledger.createPolicy(
            Self.policy("window", "agent:bot", caps: Caps(maxTokens: 1), from: "2027-01-15T08:01:00Z",
                until: "2027-01-15T08:02:00.000Z"),
            owner: "acme")
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).decision == .allow)
        _ = try await ledger.advanceClock(namespace: "default", byMs: 60_000)
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).decision == .allowWithCaps)
        _ = try await ledger.advanceClock(namespace: "default", byMs: 59_999)
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).decision == .allowWithCaps)
        _ = try await ledger.advanceClock(namespace: "default", byMs: 1)
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).decision == .allow)
        try ledger.close()
    }

    @Test("A tenant's policy never governs another tenant's requests, whatever its pattern")
    func evaluationIsolation() async throws {
        let ledger = try await Fixture.ledger()
        _ = try await ledger.createPolicy(
            Self.policy("everyone", "*/agent:bot", caps: Caps(maxTokens: 1), limits: RateLimits(maxReservationsPerMinute: 1)),
            owner: "acme")
        let request = { ReservationCreateRequest(
            subject: Subject(tenant: "other", agent: "bot"), action: Action(kind: "k", name: "n"), estimate: .usdMicrocents(1)) }
        for _ in 0..<3 {
            #expect(try await ledger.reserveValue(request(), as: Fixture.other).decision == .allow)
        }
        try ledger.close()
    }

    @Test("v6-policies migrates a v4 database: the policy table appears after v4, policies work, rows go with their tenant")
    func migration() async throws {
        let path = FileManager.default.temporaryDirectory.path + "/policies-v4-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let migrator = LedgerSchema.migrator()
        let names = migrator.migrations
        let v4 = try #require(names.firstIndex(of: "v4-tenant-lifecycle"))
        let v6 = try #require(names.firstIndex(of: "v6-policies"))
        #expect(v4 < v6)
        let old = try DatabasePool(path: path)
        try migrator.migrate(old, upTo: "v4-tenant-lifecycle")
        #expect(try await old.read { db in try db.tableExists("policy") } == false)
        try old.close()

        let ledger = try Ledger(databasePath: path)
        try await ledger.applySeed(Fixture.seed())
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start))
        #expect(try await ledger.pool.read { db in try migrator.appliedMigrations(db) }.contains("v6-policies"))
        _ = try await ledger.createPolicy(Self.policy("caps", "agent:bot", caps: Caps(maxTokens: 1)), owner: "acme")
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).decision == .allowWithCaps)
        try await ledger.pool.write { db in try db.execute(sql: "DELETE FROM tenant WHERE tenant_id = 'acme'") }
        #expect(try await ledger.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM policy") } == 0)
        try ledger.close()
    }

    @Test("Policies live in memory: a namespace reset drops them (rows cascade, cache reloads)")
    func cacheFollowsNamespaceReset() async throws {
        let ledger = try await Fixture.ledger()
        _ = try await ledger.createPolicy(Self.policy("caps", "agent:bot", caps: Caps(maxTokens: 1)), owner: "acme")
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).decision == .allowWithCaps)
        try await ledger.resetNamespace("default")
        try await ledger.applySeed(Fixture.seed())
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start))
        #expect(try await ledger.reserveValue(Fixture.reserve(1)).decision == .allow)
        #expect(try await ledger.listPolicies(Ledger.PolicyQuery(tenantID: "acme")).policies.isEmpty)
        try ledger.close()
    }
}
