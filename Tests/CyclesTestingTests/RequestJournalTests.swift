import CyclesServer
import Testing

struct RequestJournalTests {
    private func entry(_ operation: RuntimeOperation, namespace: String = "default", key: String? = nil,
        reservation: String? = nil, tenant: String? = "acme") -> JournalEntry
    {
        JournalEntry(
            sequence: 0, receivedAtMs: 0, method: "POST", path: "/v1/x", operation: operation, tenant: tenant,
            namespace: namespace, idempotencyKey: key, reservationID: reservation, status: 200)
    }

    @Test("Entries get increasing sequence numbers and keep arrival order")
    func sequencing() {
        let journal = RequestJournal()
        journal.record(entry(.reserve))
        journal.record(entry(.commit))
        #expect(journal.entries().map(\.sequence) == [1, 2])
        #expect(journal.entries().map(\.operation) == [.reserve, .commit])
    }

    @Test("The journal is bounded: the oldest entries go first")
    func bounded() {
        let journal = RequestJournal(capacity: 50)
        for _ in 0..<500 { journal.record(entry(.balances)) }
        let entries = journal.entries()
        #expect(entries.count <= 50)
        #expect(entries.last?.sequence == 500)
    }

    @Test("Filters combine, and limit keeps the most recent")
    func filters() {
        let journal = RequestJournal()
        journal.record(entry(.commit, key: "k1", reservation: "r1"))
        journal.record(entry(.commit, namespace: "ns1", key: "k1", reservation: "r1"))
        journal.record(entry(.commit, key: "k2", reservation: "r2", tenant: "beta"))
        journal.record(entry(.release, key: "k1", reservation: "r1"))
        #expect(journal.entries(matching: JournalQuery(operation: .commit)).count == 3)
        #expect(journal.entries(matching: JournalQuery(namespace: "default", operation: .commit, idempotencyKey: "k1")).count == 1)
        #expect(journal.entries(matching: JournalQuery(reservationID: "r1")).count == 3)
        #expect(journal.entries(matching: JournalQuery(tenant: "beta")).map(\.reservationID) == ["r2"])
        #expect(journal.entries(matching: JournalQuery(limit: 2)).map(\.sequence) == [3, 4])
        journal.clear(namespace: "ns1")
        #expect(journal.entries().count == 3)
        journal.clear()
        #expect(journal.entries().isEmpty)
    }
}
