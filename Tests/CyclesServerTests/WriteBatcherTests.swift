import CyclesProtocol
import GRDB
import Testing

@testable import CyclesServer

/// Group commit must behave exactly like one transaction per request: each job's outcome is its own.
struct WriteBatcherTests {
    struct Boom: Error {}

    enum Outcome: Sendable { case succeed, ledgerError, otherError }

    @Test("Concurrent jobs: successes and LedgerError jobs keep their writes, other errors roll back only their own")
    func isolatesEachJob() async throws {
        let ledger = try Ledger(databasePath: ":memory:")
        defer { try? ledger.close() }
        let jobs: [(Int, Outcome)] = (0..<300).map { ($0, [Outcome.succeed, .ledgerError, .otherError][$0 % 3]) }
        let results = await withTaskGroup(of: (Int, Outcome, Bool).self) { group in
            for (index, outcome) in jobs {
                group.addTask {
                    do {
                        try await ledger.write { db in
                            try db.execute(sql: "INSERT INTO namespace (name) VALUES (?)", arguments: ["job-\(index)"])
                            switch outcome {
                            case .succeed: return
                            case .ledgerError: throw LedgerError.invalid("job \(index) refused")
                            case .otherError: throw Boom()
                            }
                        }
                        return (index, outcome, true)
                    } catch {
                        let expected = outcome == .ledgerError ? error is LedgerError : error is Boom
                        #expect(expected, "job \(index): unexpected \(error)")
                        return (index, outcome, false)
                    }
                }
            }
            var collected: [(Int, Outcome, Bool)] = []
            for await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == jobs.count)
        for (index, outcome, succeeded) in results {
            #expect(succeeded == (outcome == .succeed), "job \(index)")
        }
        let names = Set(try await ledger.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM namespace") })
        for (index, outcome) in jobs {
            #expect(names.contains("job-\(index)") == (outcome != .otherError), "job \(index) (\(outcome))")
        }
    }

    @Test("A later job sees every earlier job's writes, inline or batched")
    func serializesJobs() async throws {
        let ledger = try Ledger(databasePath: ":memory:")
        defer { try? ledger.close() }
        try await ledger.write { db in try db.execute(sql: "CREATE TABLE counter (value INTEGER NOT NULL)") }
        try await ledger.write { db in try db.execute(sql: "INSERT INTO counter (value) VALUES (0)") }
        // A read-modify-write per job: a lost update would show up as a total below the number of jobs.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<500 {
                group.addTask {
                    try? await ledger.write { db in
                        let value = try Int.fetchOne(db, sql: "SELECT value FROM counter") ?? 0
                        try db.execute(sql: "UPDATE counter SET value = ?", arguments: [value + 1])
                    }
                }
            }
        }
        let total = try await ledger.pool.read { db in try Int.fetchOne(db, sql: "SELECT value FROM counter") }
        #expect(total == 500)
    }
}
