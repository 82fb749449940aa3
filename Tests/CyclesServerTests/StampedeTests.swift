import CyclesProtocol
import CyclesServer
import Testing

struct StampedeTests {
    @Test("200 concurrent reserves against a budget that fits 37: exactly 37 succeed and the ledger identity holds")
    func stampede() async throws {
        let ledger = try await Fixture.ledger(Fixture.seed(tenantAllocated: 37_000, agentAllocated: 1_000_000))
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    do {
                        _ = try await ledger.reserve(Fixture.reserve(1_000), as: Fixture.acme)
                        return true
                    } catch let error as LedgerError where error.code == .budgetExceeded {
                        return false
                    }
                }
            }
            var results: [Bool] = []
            for try await outcome in group { results.append(outcome) }
            return results
        }
        #expect(outcomes.filter { $0 }.count == 37)
        let tenant = try await ledger.budget("tenant:acme")
        #expect(tenant.reserved == 37_000 && tenant.remaining == 0)
        #expect(try await ledger.state(namespace: "default").reservations.count == 37)
        #expect(try await ledger.checkInvariants().isEmpty)
        try ledger.close()
    }
}
