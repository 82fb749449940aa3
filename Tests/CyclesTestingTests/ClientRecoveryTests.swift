import Cycles
import CyclesProtocol
import CyclesServer
import CyclesTesting
import Testing

/// The client recovery profile (scenarios.yaml) against the real server with injected faults, instead of a
/// scripted responder: whatever the client does, the ledger must end up charged exactly once.
struct ClientRecoveryTests {
    private let action = Action(kind: "llm.completion", name: "gpt-4o")

    @Test("CR-CORE-001: an agent whose commit answer is lost retries with the same key and is charged once")
    func lostCommitResponse() async throws {
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            // The next commit lands in the ledger, but the connection closes before the answer is sent.
            try await server.inject(.dropResponse(on: .commit))

            // The agent: reserve an estimate, "call the model", commit the actual cost.
            let reservation = try await server.client.reserve(estimate: .usdMicrocents(50_000), action: action)
            let reservationID = reservation.id
            let receipt = try await reservation.commit(actual: .usdMicrocents(42_000))

            // The client retried once, with the original idempotency key, and the server replayed the success.
            #expect(receipt.path == .commit)
            #expect(receipt.attempts == 2)
            let commits = try await server.journal(JournalQuery(operation: .commit, reservationID: reservationID.rawValue))
            #expect(commits.map(\.responded) == [false, true])
            #expect(commits.map(\.status) == [200, 200])
            #expect(Set(commits.compactMap(\.idempotencyKey)) == [receipt.idempotencyKey.rawValue])

            // Charged exactly once; the ledger is consistent.
            let budget = try #require(try await server.balances().first)
            #expect(budget.spent == 42_000)
            #expect(budget.reserved == 0)
            #expect(budget.remaining == 958_000)
            try await server.assertInvariants()
        }
    }

    @Test("CR-CORE-002: a commit that meets an expired reservation settles once through an event with the same key")
    func expiredCommitFallsBackToEvent() async throws {
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            try await server.inject(.expireReservation(on: .commit))
            let reservation = try await server.client.reserve(estimate: .usdMicrocents(50_000), action: action)
            let receipt = try await reservation.commit(actual: .usdMicrocents(30_000))
            #expect(receipt.path == .eventFallback)
            #expect(receipt.eventID != nil)
            let key = receipt.idempotencyKey.rawValue
            let calls = try await server.journal(JournalQuery(idempotencyKey: key))
            #expect(calls.map(\.operation) == [.commit, .event])
            #expect(calls.map(\.status) == [410, 201])
            let budget = try #require(try await server.balances().first)
            #expect(budget.spent == 30_000)
            #expect(budget.reserved == 0)
            try await server.assertInvariants()
        }
    }

    @Test("CR-CORE-004: a non-conformant 2xx to a commit stays ambiguous and is retried with the same key")
    func nonConformantCommitIsRetried() async throws {
        for variant in FaultEffect.NonConformance.allCases {
            try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
                try await server.inject(.nonConformant(variant, on: .commit))
                let reservation = try await server.client.reserve(estimate: .usdMicrocents(10_000), action: action)
                let receipt = try await reservation.commit(actual: .usdMicrocents(9_000))
                #expect(receipt.attempts == 2, "\(variant)")
                let commits = try await server.journal(JournalQuery(operation: .commit))
                #expect(commits.count == 2, "\(variant)")
                #expect(Set(commits.compactMap(\.idempotencyKey)).count == 1, "\(variant)")
                #expect(try await server.balances().first?.spent == 9_000, "\(variant)")
                try await server.assertInvariants()
            }
        }
    }

    @Test("A 503 then a 429 with Retry-After on commit are retried with the same key")
    func transientCommitErrors() async throws {
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            try await server.inject(.error(503, on: .commit))
            try await server.inject(FaultRule(
                match: FaultMatch(operation: .commit, nth: 2),
                effect: .error(status: 429, code: .limitExceeded, message: nil, retryAfterSeconds: 0)))
            let reservation = try await server.client.reserve(estimate: .usdMicrocents(10_000), action: action)
            let receipt = try await reservation.commit(actual: .usdMicrocents(10_000))
            #expect(receipt.attempts == 3)
            let commits = try await server.journal(JournalQuery(operation: .commit))
            #expect(commits.map(\.status) == [503, 429, 200])
            #expect(try await server.balances().first?.spent == 10_000)
        }
    }

    @Test("A lost reserve answer is recovered with GET /v1/reservations?idempotency_key=")
    func lostReserveResponseRecovered() async throws {
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            try await server.inject(.dropResponse(on: .reserve))
            let key = IdempotencyKey("reserve-lost-1")
            let request = ReservationCreateRequest(
                idempotencyKey: key, subject: Subject(tenant: "acme"), action: action, estimate: .usdMicrocents(25_000))
            await #expect(throws: CyclesError.self) { _ = try await server.client.createReservation(request) }
            // The hold exists even though the client never heard about it …
            #expect(try await server.balances().first?.reserved == 25_000)
            // … and the key finds it.
            let found = try await server.client.listReservations(ReservationListQuery(idempotencyKey: key, tenant: "acme"))
            #expect(found.body.reservations.count == 1)
            let recovered = try #require(found.body.reservations.first)
            let journaled = try await server.journal(JournalQuery(operation: .reserve, idempotencyKey: key.rawValue))
            #expect(journaled.first?.reservationID == recovered.reservationID.rawValue)
            #expect(journaled.first?.responded == false)
            // Replaying the create with the same key also answers with the same reservation.
            let replay = try await server.client.createReservation(request)
            #expect(replay.body.reservationID == recovered.reservationID)
            try await server.assertInvariants()
        }
    }

    @Test("Commit racing expiry under a frozen clock: at the grace deadline it lands, one millisecond later it is 410")
    func commitRacingExpiry() async throws {
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            try await server.freezeClock(at: 1_700_000_000_000)
            // Low-level calls on purpose: a guard's heartbeat would extend the lease in real time.
            func reserve() async throws -> ReservationID {
                let request = ReservationCreateRequest(
                    subject: Subject(tenant: "acme"), action: action, estimate: .usdMicrocents(1_000), ttlMs: 1_000,
                    gracePeriodMs: 500)
                return try #require(try await server.client.createReservation(request).body.reservationID)
            }
            let onTime = try await reserve()
            let late = try await reserve()
            try await server.advanceClock(by: .milliseconds(1_500))  // exactly expires_at + grace
            let landed = try await server.client.commitReservation(
                onTime, CommitRequest(actual: .usdMicrocents(800)))
            #expect(landed.body.status == .committed)
            let advance = try await server.advanceClock(by: .milliseconds(1))
            #expect(advance.expired == [late.rawValue])
            await #expect(throws: CyclesError.self) {
                _ = try await server.client.commitReservation(late, CommitRequest(actual: .usdMicrocents(800)))
            }
            #expect(try await server.journal(JournalQuery(operation: .commit)).map(\.status) == [200, 410])
            #expect(try await server.balances().first?.spent == 800)
            try await server.assertInvariants()
        }
    }
}
