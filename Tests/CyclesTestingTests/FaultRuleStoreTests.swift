@testable import CyclesServer
import Testing

struct FaultRuleStoreTests {
    private func request(
        _ operation: RuntimeOperation = .commit, tenant: String? = "acme", namespace: String? = "default",
        reservationID: String? = "r1", key: String? = "k1"
    ) -> InterceptedRequest {
        InterceptedRequest(
            operation: operation, tenant: tenant, namespace: namespace,
            reservationID: reservationID, idempotencyKey: key)
    }

    @Test("A once rule fires exactly once, then stays listed as spent")
    func onceRule() throws {
        let store = FaultRuleStore()
        let rule = try store.add(.dropResponse(on: .commit))
        #expect(rule.id == "fault-1")
        #expect(store.consume(for: request())?.id == "fault-1")
        #expect(store.consume(for: request()) == nil)
        let listed = try #require(store.list().first)
        #expect(listed.applied == 1)
        #expect(listed.isSpent)
    }

    @Test("times N fires N times; always never runs out")
    func repetition() throws {
        let store = FaultRuleStore()
        try store.add(FaultRule(match: FaultMatch(operation: .reserve), effect: .dropConnection, times: .times(2)))
        try store.add(FaultRule(match: FaultMatch(operation: .commit), effect: .dropResponse, times: .always))
        #expect(store.consume(for: request(.reserve)) != nil)
        #expect(store.consume(for: request(.reserve)) != nil)
        #expect(store.consume(for: request(.reserve)) == nil)
        for _ in 0..<20 { #expect(store.consume(for: request(.commit))?.effect == .dropResponse) }
    }

    @Test("nth skips the first matching calls and counts only matching ones")
    func nthCall() throws {
        let store = FaultRuleStore()
        try store.add(FaultRule(match: FaultMatch(operation: .commit, nth: 3), effect: .dropResponse))
        #expect(store.consume(for: request(.commit)) == nil)
        #expect(store.consume(for: request(.reserve)) == nil)  // not matching: not counted
        #expect(store.consume(for: request(.commit)) == nil)
        #expect(store.consume(for: request(.commit)) != nil)
        #expect(store.list().first?.matched == 3)
    }

    @Test("Every match field narrows the rule")
    func matchFields() throws {
        let store = FaultRuleStore()
        try store.add(
            FaultRule(
                match: FaultMatch(tenant: "acme", namespace: "ns1", reservationID: "r9", idempotencyKey: "k9"),
                effect: .dropResponse, times: .always))
        #expect(store.consume(for: request(tenant: "other", namespace: "ns1", reservationID: "r9", key: "k9")) == nil)
        #expect(store.consume(for: request(namespace: "ns2", reservationID: "r9", key: "k9")) == nil)
        #expect(store.consume(for: request(namespace: "ns1", reservationID: "r1", key: "k9")) == nil)
        #expect(store.consume(for: request(namespace: "ns1", reservationID: "r9", key: "k1")) == nil)
        #expect(store.consume(for: request(namespace: "ns1", reservationID: "r9", key: "k9")) != nil)
    }

    @Test("Seeded probability is reproducible and roughly honoured")
    func seededProbability() throws {
        func pattern(seed: UInt64) throws -> [Bool] {
            let store = FaultRuleStore()
            try store.add(FaultRule(effect: .dropResponse, times: .always, probability: 0.3, seed: seed))
            return (0..<200).map { _ in store.consume(for: request()) != nil }
        }
        let first = try pattern(seed: 42)
        #expect(try pattern(seed: 42) == first)
        #expect(try pattern(seed: 43) != first)
        let hits = first.filter { $0 }.count
        #expect((30...90).contains(hits))
    }

    @Test("The first rule that fires wins; later rules still count the call")
    func firstRuleWins() throws {
        let store = FaultRuleStore()
        try store.add(.latency(10, on: .commit))
        try store.add(.dropResponse(on: .commit))
        #expect(store.consume(for: request())?.id == "fault-1")
        #expect(store.consume(for: request())?.id == "fault-2")
        #expect(store.list().map(\.matched) == [1, 2])
    }

    @Test("Rules are removed one by one, by namespace or all at once")
    func removal() throws {
        let store = FaultRuleStore()
        let first = try store.add(.dropResponse())
        try store.add(FaultRule(match: FaultMatch(namespace: "ns1"), effect: .dropResponse))
        try store.add(FaultRule(match: FaultMatch(namespace: "ns2"), effect: .dropResponse))
        #expect(store.remove(id: try #require(first.id)))
        #expect(!store.remove(id: "fault-99"))
        store.removeAll(namespace: "ns1")
        #expect(store.list().map(\.match.namespace) == ["ns2"])
        store.removeAll()
        #expect(store.list().isEmpty)
    }
}
