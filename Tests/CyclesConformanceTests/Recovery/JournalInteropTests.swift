import Cycles
import CyclesProtocol
import CyclesServer
import CyclesTesting
import Foundation
import Testing

/// The journal is on-disk compatible with the upstream Python SDK (`runcycles==0.5.3`): each settles what the
/// other journaled, against the real server, charged once with the original idempotency key.
@Suite("Journal interoperability with the Python SDK", .serialized)
struct JournalInteropTests {
    static func temporaryRoot() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cycles-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    static func files(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test("a record the Swift client journaled is settled by the Python SDK's replay")
    func pythonSettlesSwiftRecord() async throws {
        let sdk = try await PythonSDK.install()
        let root = try Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            // The Swift client's only commit attempt fails: the record stays in the journal.
            try await server.inject(.error(503, on: .commit))
            let client = server.makeClient { config in
                config.retry = RetryPolicy(isEnabled: true, maxAttempts: 1)
                config.journal = .enabled(at: root)
            }
            let reservation = try await client.reserve(
                estimate: .usdMicrocents(50_000), action: Action(kind: "llm.completion", name: "gpt-4o"))
            let reservationID = reservation.id.rawValue
            do {
                try await reservation.commit(actual: .usdMicrocents(42_000))
                Issue.record("the faulted commit succeeded")
            } catch {
                #expect((error as? CyclesError)?.kind == .settlementUnresolved)
            }
            let journal = try #require(client.journalDirectory)
            #expect(Self.files(in: journal) == [JournalFileName.standard(for: reservationID)])
            let key = try #require(
                try PendingSettlement(decoding: Data(contentsOf: journal.appendingPathComponent(JournalFileName.standard(for: reservationID))))
                    .commitBody?["idempotency_key"]?.stringValue)

            // The Python SDK, configured for the same server, key, tenant and journal root, replays it.
            let output = try await sdk.run(
                """
                import os
                from runcycles import CyclesClient, CyclesConfig
                from runcycles.retry import CommitRetryEngine
                config = CyclesConfig(base_url=os.environ["BASE_URL"], api_key=os.environ["API_KEY"], tenant="acme",
                                      journal_dir=os.environ["JOURNAL"], retry_initial_delay=0.01)
                engine = CommitRetryEngine(config)
                engine.set_client(CyclesClient(config))
                engine.flush(30)
                print(sorted(os.listdir(os.environ["JOURNAL_DIR"])))
                """,
                environment: [
                    "BASE_URL": server.baseURL, "API_KEY": server.apiKey ?? "", "JOURNAL": root.path,
                    "JOURNAL_DIR": journal.path,
                ])
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
            let commits = try await server.journal(JournalQuery(operation: .commit, reservationID: reservationID))
            #expect(commits.map(\.status) == [503, 200])
            #expect(Set(commits.compactMap(\.idempotencyKey)) == [key])
            let budget = try #require(try await server.balances().first)
            #expect(budget.spent == 42_000)
            #expect(budget.reserved == 0)
            try await server.assertInvariants()
        }
    }

    @Test("a record the Python SDK journaled before its first commit is settled by the Swift client at start")
    func swiftSettlesPythonRecord() async throws {
        let sdk = try await PythonSDK.install()
        let root = try Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            // A low-level reservation: no guard that could release it when it goes out of scope.
            let created = try await server.client.createReservation(
                ReservationCreateRequest(
                    subject: Subject(tenant: "acme"), action: Action(kind: "llm.completion", name: "gpt-4o"),
                    estimate: .usdMicrocents(50_000)))
            let reservationID = try #require(created.reservationID?.rawValue)

            // The Python SDK journals the known actual the way its lifecycle does before the first commit.
            _ = try await sdk.run(
                """
                import os
                from runcycles import CyclesConfig
                from runcycles.retry import CommitRetryEngine
                config = CyclesConfig(base_url=os.environ["BASE_URL"], api_key=os.environ["API_KEY"], tenant="acme",
                                      journal_dir=os.environ["JOURNAL"])
                rid = os.environ["RESERVATION"]
                CommitRetryEngine(config).persist_pending(
                    rid,
                    {"idempotency_key": "py-key-1", "actual": {"unit": "USD_MICROCENTS", "amount": 37000}},
                    {"idempotency_key": "py-key-1", "subject": {"tenant": "acme"},
                     "action": {"kind": "llm.completion", "name": "gpt-4o"},
                     "actual": {"unit": "USD_MICROCENTS", "amount": 37000},
                     "metadata": {"recovered_reservation_id": rid, "recovery_reason": "commit_after_reservation_expired"}})
                """,
                environment: [
                    "BASE_URL": server.baseURL, "API_KEY": server.apiKey ?? "", "JOURNAL": root.path,
                    "RESERVATION": reservationID,
                ])

            // A Swift client for the same identity finds it under the same fingerprint and settles it.
            let client = server.makeClient { $0.journal = .enabled(at: root) }
            let journal = try #require(client.journalDirectory)
            #expect(journal.lastPathComponent == JournalIdentity.fingerprint(baseURL: server.baseURL, apiKey: "", tenant: "acme"))
            #expect(await client.flushPendingCommits(timeout: .seconds(30)))
            #expect(Self.files(in: journal).isEmpty)
            let commits = try await server.journal(JournalQuery(operation: .commit, reservationID: reservationID))
            #expect(commits.map(\.status) == [200])
            #expect(commits.first?.idempotencyKey == "py-key-1")
            let budget = try #require(try await server.balances().first)
            #expect(budget.spent == 37_000)
            #expect(budget.reserved == 0)
            try await server.assertInvariants()
        }
    }
}
