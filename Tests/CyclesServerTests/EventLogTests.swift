import CyclesProtocol
import Foundation
import GRDB
import NIOHTTP1
import Testing

@testable import CyclesServer

/// The protocol event stream: which ledger changes emit which events, with which payloads and correlation ids, and
/// that nothing is emitted for a change that did not happen.
struct EventLogTests {
    static func events(_ ledger: Ledger, _ type: EventType? = nil) async throws -> [ProtocolEvent] {
        try await ledger.listEvents(.init(eventType: type, sortDirection: "asc", limit: 100)).events
    }

    @Test("A dry-run DENY and a decide DENY emit reservation.denied with the request's subject, action and reason; a replay emits nothing")
    func denialEmitsOnce() async throws {
        let ledger = try await Fixture.ledger()
        let key = IdempotencyKey.random()
        let dryRun = Fixture.reserve(500_000, key: key, dryRun: true)
        #expect(try await ledger.reserveValue(dryRun).decision == .deny)
        _ = try await ledger.reserveValue(dryRun)  // replay
        var denied = try await Self.events(ledger, .reservationDenied)
        #expect(denied.count == 1)
        let event = try #require(denied.first)
        #expect(event.category == .reservation)
        #expect(event.tenantID == "acme")
        #expect(event.scope == "tenant:acme/agent:bot")
        #expect(event.actor?.type == "api_key")
        #expect(event.source == "cycles-server")
        #expect(event.timestamp == RFC3339.string(Fixture.start))
        #expect(event.traceID?.count == 32)
        #expect(event.requestID == nil)  // no HTTP request
        let payload = try event.payload(as: EventDataReservationDenied.self)
        #expect(payload.reasonCode == "BUDGET_EXCEEDED")
        #expect(payload.requestedAmount == 500_000)
        #expect(payload.unit == .usdMicrocents)
        #expect(payload.subject?["agent"] == "bot")
        #expect(payload.action?["kind"] == "llm.completion")

        let decide = DecisionRequest(
            idempotencyKey: .random(), subject: Subject(tenant: "acme", agent: "bot"),
            action: Action(kind: "llm.completion", name: "gpt"), estimate: Amount(unit: .usdMicrocents, amount: 500_000))
        #expect(try await ledger.decide(decide, as: Fixture.acme).value().decision == .deny)
        denied = try await Self.events(ledger, .reservationDenied)
        #expect(denied.count == 2)
    }

    @Test("A live reserve that crosses nothing emits nothing; crossing 80 % emits budget.threshold_crossed rising, a release falling")
    func thresholds() async throws {
        let ledger = try await Fixture.ledger()
        let small = try await ledger.reserveValue(Fixture.reserve(1_000))
        #expect(try await Self.events(ledger).isEmpty)
        let big = try await ledger.reserveValue(Fixture.reserve(84_000))
        let crossed = try await Self.events(ledger, .budgetThresholdCrossed)
        #expect(crossed.count == 1)
        let rising = try #require(crossed.first).payload(as: EventDataBudgetThreshold.self)
        #expect(rising.scope == "tenant:acme/agent:bot")
        #expect(rising.threshold == 0.80)
        #expect(rising.direction == "rising")
        #expect(rising.reserved == 85_000)
        #expect(rising.utilization == 0.85)
        _ = try await ledger.release(
            try #require(big.reservationID), ReleaseRequest(idempotencyKey: .random()), as: .tenant(Fixture.acme)
        ).value()
        let all = try await Self.events(ledger, .budgetThresholdCrossed)
        #expect(all.count == 2)
        #expect(try all[1].payload(as: EventDataBudgetThreshold.self).direction == "falling")
        _ = small
    }

    @Test("Reserving the rest emits budget.exhausted; a commit over the estimate emits reservation.commit_overage")
    func exhaustedAndOverage() async throws {
        let ledger = try await Fixture.ledger()
        let held = try await ledger.reserveValue(Fixture.reserve(60_000))
        let rest = try await ledger.reserveValue(Fixture.reserve(40_000))
        let exhausted = try await Self.events(ledger, .budgetExhausted)
        #expect(exhausted.map(\.scope) == ["tenant:acme/agent:bot"])
        #expect(try exhausted[0].payload(as: EventDataBudgetThreshold.self).remaining == 0)
        _ = try await ledger.release(
            try #require(rest.reservationID), ReleaseRequest(idempotencyKey: .random()), as: .tenant(Fixture.acme)
        ).value()
        _ = try await ledger.commit(
            try #require(held.reservationID),
            CommitRequest(idempotencyKey: .random(), actual: Amount(unit: .usdMicrocents, amount: 70_000)),
            as: Fixture.acme
        ).value()
        let overage = try #require(try await Self.events(ledger, .reservationCommitOverage).first)
        let payload = try overage.payload(as: EventDataCommitOverage.self)
        #expect(payload.reservationID == held.reservationID?.rawValue)
        #expect(payload.estimatedAmount == 60_000)
        #expect(payload.actualAmount == 70_000)
        #expect(payload.overage == 10_000)
        #expect(payload.overagePolicy == .allowIfAvailable)
        #expect(payload.debtIncurred == 0)
    }

    @Test("An overdraft commit emits budget.debt_incurred with the reservation, and budget.over_limit_entered when the flag flips")
    func debtIncurred() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed(agentAllocated: 10_000, agentOverdraft: 50_000))
        let reservation = try await ledger.reserveValue(Fixture.reserve(10_000, policy: .allowWithOverdraft))
        _ = try await ledger.commit(
            try #require(reservation.reservationID),
            CommitRequest(idempotencyKey: .random(), actual: Amount(unit: .usdMicrocents, amount: 30_000)),
            as: Fixture.acme
        ).value()
        let debt = try #require(try await Self.events(ledger, .budgetDebtIncurred).first)
        let payload = try debt.payload(as: EventDataBudgetDebtIncurred.self)
        #expect(payload.scope == "tenant:acme/agent:bot")
        #expect(payload.reservationID == reservation.reservationID?.rawValue)
        #expect(payload.debtIncurred == 20_000)
        #expect(payload.totalDebt == 20_000)
        #expect(payload.overdraftLimit == 50_000)
        #expect(payload.overagePolicy == .allowWithOverdraft)
        #expect(try await Self.events(ledger, .reservationCommitOverage).count == 1)
        // ALLOW_IF_AVAILABLE on a scope that cannot cover the overage flips is_over_limit.
        let other = try await Fixture.ledger(Fixture.seed(agentAllocated: 10_000))
        let hold = try await other.reserveValue(Fixture.reserve(5_000))
        _ = try await other.commit(
            try #require(hold.reservationID),
            CommitRequest(idempotencyKey: .random(), actual: Amount(unit: .usdMicrocents, amount: 20_000)),
            as: Fixture.acme
        ).value()
        let entered = try #require(try await Self.events(other, .budgetOverLimitEntered).first)
        #expect(try entered.payload(as: EventDataBudgetOverLimit.self).isOverLimit == true)
    }

    @Test("Expiry emits reservation.expired by the system, with the hold, TTL and instants")
    func expiry() async throws {
        let ledger = try await Fixture.ledger()
        let reservation = try await ledger.reserveValue(Fixture.reserve(1_000, ttl: 5_000, grace: 0))
        let expired = try await ledger.advanceClockReportingExpiries(namespace: "default", byMs: 6_000)
        #expect(expired.expired.count == 1)
        let event = try #require(try await Self.events(ledger, .reservationExpired).first)
        #expect(event.actor?.type == "system")
        #expect(event.requestID == nil)
        #expect(event.traceID?.count == 32)
        let payload = try event.payload(as: EventDataReservationExpired.self)
        #expect(payload.reservationID == reservation.reservationID?.rawValue)
        #expect(payload.estimatedAmount == 1_000)
        #expect(payload.ttlMs == 5_000)
        #expect(payload.extensionsUsed == 0)
        #expect(payload.createdAt == RFC3339.string(Fixture.start))
    }

    @Test("A rejected commit (REJECT policy, overage) and a rolled-back transaction emit nothing")
    func nothingForRejectedOrRolledBack() async throws {
        let ledger = try await Fixture.ledger()
        let reservation = try await ledger.reserveValue(Fixture.reserve(1_000, policy: .reject))
        await expectLedgerError(.budgetExceeded) {
            _ = try await ledger.commit(
                try #require(reservation.reservationID),
                CommitRequest(idempotencyKey: .random(), actual: Amount(unit: .usdMicrocents, amount: 2_000)),
                as: Fixture.acme
            ).value()
        }
        #expect(try await Self.events(ledger).isEmpty)
        // Any event appended inside a transaction that rolls back is gone with it.
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await ledger.write { db in
                try ledger.appendEvent(
                    db, .tenantUpdated, tenantID: "acme", actor: .admin, data: EventDataTenantLifecycle(tenantID: "acme"),
                    context: EventContext(requestID: "r", traceID: String(repeating: "a", count: 32)), now: 1)
                throw Boom()
            }
        }
        #expect(try await Self.events(ledger).isEmpty)
    }

    @Test("Over HTTP an event carries the request's X-Request-Id and the trace id of its traceparent")
    func correlationOverHTTP() async throws {
        try await HTTPTestClient.withServer { client, server in
            let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
            let body = #"{"idempotency_key":"dry-1","subject":{"tenant":"acme","agent":"bot"},"action":{"kind":"llm","name":"x"},"estimate":{"unit":"USD_MICROCENTS","amount":900000},"dry_run":true}"#
            let reply = try await client.send(
                .POST, "/v1/reservations", body: body,
                headers: [("traceparent", "00-\(traceID)-00f067aa0ba902b7-00")])
            #expect(reply.json["decision"] == "DENY")
            let event = try #require(try await Self.events(server.ledger, .reservationDenied).first)
            #expect(event.requestID == reply.header("X-Request-Id"))
            #expect(event.traceID == traceID)
            #expect(event.correlationID == event.requestID)
            let row = try await server.ledger.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT trace_flags, traceparent_inbound_valid FROM event_log")
            }
            #expect((row?["trace_flags"] as String?) == "00")
            #expect((row?["traceparent_inbound_valid"] as Bool?) == true)
        }
    }
}
