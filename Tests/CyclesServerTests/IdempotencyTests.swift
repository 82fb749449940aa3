import Foundation
import CyclesProtocol
import CyclesServer
import Testing

struct IdempotencyTests {
    @Test("A replayed reserve returns the original body byte for byte except a recomputed remaining_ttl_ms")
    func reserveReplay() async throws {
        let ledger = try await Fixture.ledger()
        let request = Fixture.reserve(1_000, key: "reserve-1", ttl: 30_000)
        let first = try await ledger.reserve(request, as: Fixture.acme)
        try await ledger.advanceClock(namespace: "default", byMs: 10_000)
        let second = try await ledger.reserve(request, as: Fixture.acme)
        #expect(second.replayed && !first.replayed)
        let a = try first.value()
        let b = try second.value()
        #expect(a.reservationID == b.reservationID)
        #expect(b.remainingTTLMs == 20_000)
        var patched = b
        patched.remainingTTLMs = a.remainingTTLMs
        #expect(patched == a)
        let original = String(decoding: first.body, as: UTF8.self)
        let replayed = String(decoding: second.body, as: UTF8.self)
        #expect(replayed == original.replacingOccurrences(of: "\"remaining_ttl_ms\":30000", with: "\"remaining_ttl_ms\":20000"))
        #expect(try await ledger.budget("tenant:acme").reserved == 1_000)  // applied once
        try ledger.close()
    }

    @Test("Same key, different payload → 409 IDEMPOTENCY_MISMATCH; flipping dry_run is a mismatch too")
    func mismatch() async throws {
        let ledger = try await Fixture.ledger()
        _ = try await ledger.reserve(Fixture.reserve(1_000, key: "k"), as: Fixture.acme)
        await expectLedgerError(.idempotencyMismatch) {
            _ = try await ledger.reserve(Fixture.reserve(1_001, key: "k"), as: Fixture.acme)
        }
        await expectLedgerError(.idempotencyMismatch) {
            _ = try await ledger.reserve(Fixture.reserve(1_000, key: "k", dryRun: true), as: Fixture.acme)
        }
        // Explicit defaults hash the same as omitted ones.
        let replay = try await ledger.reserve(
            Fixture.reserve(1_000, key: "k", ttl: 60_000, grace: 5_000, policy: .allowIfAvailable, dryRun: false),
            as: Fixture.acme)
        #expect(replay.replayed)
        // Keys are per tenant: the other tenant's identical key is independent.
        var otherRequest = Fixture.reserve(1, key: "k", agent: nil)
        otherRequest.subject = Subject(tenant: "other")
        #expect(try await ledger.reserve(otherRequest, as: Fixture.other).replayed == false)
        try ledger.close()
    }

    @Test("A replayed commit wins over the finalized state; a new key on it → 409 RESERVATION_FINALIZED")
    func commitReplay() async throws {
        let ledger = try await Fixture.ledger()
        let id = try #require(try await ledger.reserveValue(Fixture.reserve(1_000)).reservationID)
        let commit = CommitRequest(idempotencyKey: "c1", actual: .usdMicrocents(700))
        let first = try await ledger.commit(id, commit, as: Fixture.acme)
        let again = try await ledger.commit(id, commit, as: Fixture.acme)
        #expect(again.replayed && again.body == first.body)
        #expect(try await ledger.budget("tenant:acme").spent == 700)
        await expectLedgerError(.idempotencyMismatch) {
            _ = try await ledger.commit(id, CommitRequest(idempotencyKey: "c1", actual: .usdMicrocents(1)), as: Fixture.acme)
        }
        await expectLedgerError(.reservationFinalized) {
            _ = try await ledger.commit(id, CommitRequest(idempotencyKey: "c2", actual: .usdMicrocents(700)), as: Fixture.acme)
        }
        // Even after the grace window, the original key still replays.
        try await ledger.advanceClock(namespace: "default", byMs: 10 * 60_000)
        #expect(try await ledger.commit(id, commit, as: Fixture.acme).body == first.body)
        try ledger.close()
    }

    @Test("A replayed extend recomputes remaining_ttl_ms from its own expiry")
    func extendReplay() async throws {
        let ledger = try await Fixture.ledger()
        let id = try #require(try await ledger.reserveValue(Fixture.reserve(1_000, ttl: 10_000)).reservationID)
        let request = ExtendRequest(idempotencyKey: "e1", extendByMs: 10_000)
        let first = try await ledger.extend(id, request, as: Fixture.acme).value()
        try await ledger.advanceClock(namespace: "default", byMs: 4_000)
        let replay = try await ledger.extend(id, request, as: Fixture.acme).value()
        #expect(first.expiresAtMs == replay.expiresAtMs)
        #expect(replay.remainingTTLMs == 16_000)
        #expect(try await ledger.reservation(id, as: .admin).expiresAtMs == Fixture.start + 20_000)  // applied once
        _ = try await ledger.commit(id, CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        #expect(try await ledger.extend(id, request, as: Fixture.acme).value().remainingTTLMs == 0)
        try ledger.close()
    }

    @Test("Event replay keeps status 201 and the original event_id")
    func eventReplay() async throws {
        let ledger = try await Fixture.ledger()
        let request = EventCreateRequest(
            idempotencyKey: "ev", subject: Subject(tenant: "acme"), action: Action(kind: "a", name: "b"),
            actual: .usdMicrocents(5))
        let first = try await ledger.createEvent(request, as: Fixture.acme)
        let second = try await ledger.createEvent(request, as: Fixture.acme)
        #expect(second.status == 201 && second.body == first.body)
        #expect(try await ledger.budget("tenant:acme").spent == 5)
        try ledger.close()
    }

    @Test("Concurrent requests with one key execute once and all get the same answer")
    func concurrentSameKey() async throws {
        let ledger = try await Fixture.ledger()
        let request = Fixture.reserve(1_000, key: "same")
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask { String(decoding: try await ledger.reserve(request, as: Fixture.acme).body, as: UTF8.self) }
            }
            var all: [String] = []
            for try await body in group { all.append(body) }
            return all
        }
        #expect(Set(bodies).count == 1)
        #expect(try await ledger.state(namespace: "default").reservations.count == 1)
        #expect(try await ledger.budget("tenant:acme").reserved == 1_000)
        try ledger.close()
    }

    @Test("A failed request does not claim its key: a retry after the budget is funded succeeds")
    func failuresAreNotStored() async throws {
        let ledger = try await Fixture.ledger()
        await expectLedgerError(.budgetExceeded) {
            _ = try await ledger.reserve(Fixture.reserve(200_000, key: "retry"), as: Fixture.acme)
        }
        #expect(try await ledger.state(namespace: "default").idempotency.isEmpty)
        try ledger.close()
    }
}
