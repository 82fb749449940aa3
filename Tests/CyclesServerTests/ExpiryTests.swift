import CyclesProtocol
import CyclesServer
import Testing

/// Deadlines driven by the namespace clock: commit/release until expires_at + grace (inclusive), extend until
/// expires_at (inclusive), and 410 just past each.
struct ExpiryTests {
    /// A reservation with ttl 10 s and grace 2 s created at `Fixture.start`.
    func leased(_ ledger: Ledger) async throws -> ReservationID {
        try #require(try await ledger.reserveValue(Fixture.reserve(1_000, ttl: 10_000, grace: 2_000)).reservationID)
    }

    @Test("Commit at exactly expires_at + grace succeeds")
    func commitAtGraceDeadline() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await leased(ledger)
        try await ledger.advanceClock(namespace: "default", byMs: 12_000)
        #expect(try await ledger.reservation(id, as: .admin).status == .active)  // still ACTIVE in grace
        let response = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(10)), as: Fixture.acme).value()
        #expect(response.status == .committed)
        try ledger.close()
    }

    @Test("Commit 1 ms past expires_at + grace → 410, the hold is returned and the row is EXPIRED")
    func commitPastGrace() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await leased(ledger)
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 12_001))
        await expectLedgerError(.reservationExpired) {
            _ = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(10)), as: Fixture.acme)
        }
        #expect(try await ledger.budget("tenant:acme").reserved == 0)
        #expect(try await ledger.state(namespace: "default").reservations.first?.status == .expired)
        await expectLedgerError(.reservationExpired) { _ = try await ledger.reservation(id, as: .admin) }
        #expect(try await ledger.checkInvariants().isEmpty)
        try ledger.close()
    }

    @Test("Lazy expiry: an unswept reservation past its deadline expires on first access (release → 410)")
    func lazyExpiryOnRelease() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await leased(ledger)
        // Frozen clock moved without advanceClock's sweep: only the access path can expire it.
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 50_000))
        #expect(try await ledger.state(namespace: "default").reservations.first?.status == .active)
        await expectLedgerError(.reservationExpired) {
            _ = try await ledger.release(id, ReleaseRequest(), as: .tenant(Fixture.acme))
        }
        #expect(try await ledger.state(namespace: "default").reservations.first?.status == .expired)
        #expect(try await ledger.budget("tenant:acme").reserved == 0)
        try ledger.close()
    }

    @Test("Release during grace succeeds")
    func releaseInGrace() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await leased(ledger)
        try await ledger.advanceClock(namespace: "default", byMs: 11_000)
        let response = try await ledger.release(id, ReleaseRequest(), as: .tenant(Fixture.acme)).value()
        #expect(response.status == .released)
        try ledger.close()
    }

    @Test("Extend at exactly expires_at adds to the current expiry; 1 ms later → 410 (grace does not count)")
    func extendDeadline() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await leased(ledger)
        try await ledger.advanceClock(namespace: "default", byMs: 10_000)
        let extended = try await ledger.extend(id, ExtendRequest(extendByMs: 5_000), as: Fixture.acme).value()
        #expect(extended.status == .active)
        #expect(extended.expiresAtMs == Fixture.start + 15_000)
        #expect(extended.remainingTTLMs == 5_000)
        try await ledger.advanceClock(namespace: "default", byMs: 5_001)
        await expectLedgerError(.reservationExpired) {
            _ = try await ledger.extend(id, ExtendRequest(extendByMs: 5_000), as: Fixture.acme)
        }
        // Still inside grace: commit works even though extend no longer does.
        let committed = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme).value()
        #expect(committed.status == .committed)
        try ledger.close()
    }

    @Test("The extension limit → 409 MAX_EXTENSIONS_EXCEEDED")
    func maxExtensions() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed { $0.maxReservationExtensions = 2 })
        let id = try await leased(ledger)
        for _ in 0..<2 { _ = try await ledger.extend(id, ExtendRequest(extendByMs: 1_000), as: Fixture.acme) }
        await expectLedgerError(.maxExtensionsExceeded) {
            _ = try await ledger.extend(id, ExtendRequest(extendByMs: 1_000), as: Fixture.acme)
        }
        #expect(try await ledger.reservation(id, as: .admin).expiresAtMs == Fixture.start + 12_000)
        try ledger.close()
    }

    @Test("Advancing the clock runs due expiries and reports them; the hold returns to every scope")
    func advanceRunsSweep() async throws {
        let ledger = try await Fixture.ledger()
        let id = try await leased(ledger)
        let early = try await ledger.advanceClockReportingExpiries(namespace: "default", byMs: 12_000)
        #expect(early.expired.isEmpty)
        let late = try await ledger.advanceClockReportingExpiries(namespace: "default", byMs: 1)
        #expect(late.expired == [id])
        #expect(late.nowMs == Fixture.start + 12_001)
        #expect(try await ledger.budget("tenant:acme/agent:bot").remaining == 100_000)
        let listed = try await ledger.listReservations(.init(status: .expired), as: .tenant(Fixture.acme))
        #expect(listed.reservations.map(\.reservationID) == [id])
        #expect(listed.reservations.first?.finalizedAtMs == nil)
        #expect(try await ledger.checkInvariants().isEmpty)
        try ledger.close()
    }

    @Test("Clocks are per namespace: advancing one leaves another untouched")
    func namespaceClocks() async throws {
        let ledger = try await Fixture.ledger()
        try await ledger.createNamespace("ns1")
        try await ledger.setClock(namespace: "ns1", mode: .frozen(atMs: 5_000))
        try await ledger.advanceClock(namespace: "ns1", byMs: 1_000)
        #expect(ledger.now(namespace: "ns1") == 6_000)
        #expect(ledger.now(namespace: "default") == Fixture.start)
        try await ledger.setClock(namespace: "ns1", mode: .offset(ms: -1_000))
        #expect(ledger.clock(namespace: "ns1").mode == .offset(ms: -1_000))
        try ledger.close()
    }
}
