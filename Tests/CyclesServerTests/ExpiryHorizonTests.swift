import CyclesProtocol
import GRDB
import Testing

@testable import CyclesServer

/// Lazy expiry skips its query while `ExpiryHorizon` shows nothing can be due; these cases would leave an overdue
/// reservation ACTIVE if the horizon ever erred high.
struct ExpiryHorizonTests {
    struct Boom: Error {}

    func status(_ ledger: Ledger, _ id: ReservationID) async throws -> ReservationStatus? {
        try await ledger.state(namespace: "default").reservations.first { $0.reservationID == id.rawValue }?.status
    }

    @Test("After later, longer reservations, the earliest deadline still expires lazily on the next reserve")
    func earliestDeadlineWins() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        let short = try #require(try await ledger.reserveValue(Fixture.reserve(10, ttl: 10_000, grace: 2_000)).reservationID)
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 5_000))
        _ = try await ledger.reserveValue(Fixture.reserve(10, ttl: 600_000))
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 12_000))
        _ = try await ledger.reserveValue(Fixture.reserve(10, ttl: 600_000))
        #expect(try await status(ledger, short) == .active)  // at the deadline itself: not yet due
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 12_001))
        _ = try await ledger.reserveValue(Fixture.reserve(10, ttl: 600_000))
        #expect(try await status(ledger, short) == .expired)
        #expect(try await ledger.checkInvariants().isEmpty)
    }

    @Test("An expiry rolled back with its transaction is redone by the next access")
    func rolledBackExpiryIsRedone() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        let id = try #require(try await ledger.reserveValue(Fixture.reserve(10, ttl: 10_000, grace: 0)).reservationID)
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 10_001))
        await #expect(throws: Boom.self) {
            try await ledger.write { db in
                let expired = try ledger.expireDue(db, namespace: "default", now: Fixture.start + 10_001)
                #expect(expired == [id])
                throw Boom()
            }
        }
        #expect(try await status(ledger, id) == .active)  // the expiry was rolled back
        _ = try await ledger.reserveValue(Fixture.reserve(10, ttl: 600_000))
        #expect(try await status(ledger, id) == .expired)
        #expect(try await ledger.budget("tenant:acme/agent:bot").reserved == 10)
    }

    @Test("The horizon errs low: unknown namespaces may be due, recorded ones until their earliest deadline")
    func horizonBookkeeping() {
        let horizon = ExpiryHorizon()
        #expect(horizon.mayHaveDue(namespace: "n", now: 0))
        horizon.record(namespace: "n", earliestDeadline: nil)
        #expect(!horizon.mayHaveDue(namespace: "n", now: .max))
        horizon.lower(namespace: "n", to: 100)
        #expect(!horizon.mayHaveDue(namespace: "n", now: 100))
        #expect(horizon.mayHaveDue(namespace: "n", now: 101))
        horizon.lower(namespace: "other", to: 5)  // unknown stays unknown
        #expect(horizon.mayHaveDue(namespace: "other", now: 0))
        horizon.invalidateAll()
        #expect(horizon.mayHaveDue(namespace: "n", now: 0))
    }
}
