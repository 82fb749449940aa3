import Cycles
import CyclesProtocol
import Foundation
import Logging
import Testing

/// The journal's own rules: identity fingerprints, file safety, which outcomes keep or remove a record, start-up
/// replay and the bounded flush.
@Suite("Settlement journal")
struct SettlementJournalTests {
    /// A scripted fixture whose client journals into a fresh folder.
    static func fixture(retry: RetryPolicy = RetryPolicy(jitter: 0)) async throws -> (ScriptedFixture, JournalSandbox, CyclesClient) {
        let fixture = try await ScriptedFixture.make(retry: retry)
        var sandbox = try JournalSandbox(baseURL: fixture.client.config.baseURL)
        sandbox.tenant = "acme"
        var config = fixture.client.config
        config.journal = .enabled(at: sandbox.root)
        return (fixture, sandbox, CyclesClient(config: config))
    }

    @Test("identity fingerprints match the vectors the Python, TypeScript and Rust SDKs pin")
    func fingerprintVectors() {
        #expect(JournalIdentity.fingerprint(baseURL: "http://localhost", apiKey: "test-key", tenant: nil) == "68c905017df7dbfc")
        #expect(JournalIdentity.fingerprint(baseURL: "http://localhost", apiKey: "any", tenant: "acme") == "8baba538fb970da4")
        #expect(JournalIdentity.fingerprint(baseURL: "http://localhost", apiKey: "other", tenant: "acme") == "8baba538fb970da4")
        #expect(JournalIdentity.fingerprint(baseURL: "http://localhost", apiKey: "test-key", tenant: "  ") == "68c905017df7dbfc")
    }

    @Test("a record is written atomically with owner-only permissions and read back unchanged")
    func recordRoundTripAndPermissions() throws {
        let sandbox = try JournalSandbox(baseURL: "http://127.0.0.1:1")
        defer { sandbox.remove() }
        let record = PendingSettlement(
            reservationID: "rsv/π", baseURL: sandbox.baseURL, mode: .event, commitBody: nil,
            eventFallbackBody: ["idempotency_key": "k"], recordedAtMs: 12, notBeforeMs: 34)
        try sandbox.journal.write(record)
        #expect(sandbox.record("rsv/π") == record)
        #expect(sandbox.files() == [JournalFileName.standard(for: "rsv/π")])  // no temporary file left
        let fileMode = try FileManager.default.attributesOfItem(atPath: sandbox.journal.url(for: "rsv/π").path)[.posixPermissions] as? Int
        let directoryMode = try FileManager.default.attributesOfItem(atPath: sandbox.journal.directory.path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(directoryMode == 0o700)
        #expect(throws: PendingSettlement.Malformed.self) { try PendingSettlement(decoding: Data(#"{"version":true,"reservation_id":"x","commit_body":{}}"#.utf8)) }
        #expect(throws: PendingSettlement.Malformed.self) { try PendingSettlement(decoding: Data(#"{"version":1,"reservation_id":"x","mode":"event"}"#.utf8)) }
    }

    @Test("records are kept across retry exhaustion, auth failure and unclassifiable 4xx; removed on success and understood rejection")
    func retentionRules() async throws {
        let cases: [(reply: ScriptedReply, kept: Bool)] = [
            (.error(503, "INTERNAL_ERROR"), true),  // exhaustion (fallback repeats the 503)
            (.error(401, "UNAUTHORIZED"), true),
            (.error(403, "FORBIDDEN"), true),
            (.error(422, "SOMETHING_NEW"), true),  // unknown code
            (.raw(status: 400, body: "<html>proxy</html>"), true),  // codeless
            (.error(409, "RESERVATION_FINALIZED"), false),
            (.error(400, "INVALID_REQUEST"), false),
            (.json(200, Bodies.committed), false),
        ]
        for (index, item) in cases.enumerated() {
            let (fixture, sandbox, client) = try await Self.fixture(retry: RetryPolicy(maxAttempts: 2, jitter: 0))
            defer { sandbox.remove() }
            let id = "rsv_keep_\(index)"
            fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation(id: id)))
            fixture.server.on("POST", "/commit", item.reply, otherwise: item.reply)
            let reservation = try await client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
            _ = try? await reservation.commit(actual: .usdMicrocents(4_000))
            let record = sandbox.record(id)
            #expect((record != nil) == item.kept, "case \(index): \(item.reply)")
            if let record {
                #expect(record.commitBody?["idempotency_key"]?.stringValue == fixture.server.requests("/commit").first?.bodyKey)
            }
            #expect(fixture.server.requests("/release").isEmpty)
            await fixture.server.stop()
        }
    }

    @Test("a journal that cannot be written is reported and the commit is still attempted")
    func unwritableJournalIsSurfacedAndSettlementProceeds() async throws {
        let fixture = try await ScriptedFixture.make()
        defer { Task { await fixture.server.stop() } }
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("cycles-journal-file-\(UUID().uuidString)")
        try Data("not a directory".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        var config = fixture.client.config
        config.journal = .enabled(at: blocker)
        let client = CyclesClient(config: config)
        fixture.server.on("POST", "/v1/reservations", .json(200, Bodies.reservation()))
        fixture.server.on("POST", "/commit", .json(200, Bodies.committed))
        let reservation = try await client.reserve(estimate: .usdMicrocents(5_000), action: llmAction)
        let receipt = try await reservation.commit(actual: .usdMicrocents(4_000))
        #expect(receipt.path == .commit)
        #expect(fixture.logs.all.contains { $0.level == .error && $0.message.contains("WITHOUT durability") })
    }

    @Test("a new client replays its identity's records at start; flush waits for them, bounded")
    func startupReplayAndBoundedFlush() async throws {
        // A fixture without a journal client, so this test's client is the first for the directory (replay runs
        // once per directory per process).
        let fixture = try await ScriptedFixture.make()
        let sandbox = try JournalSandbox(baseURL: fixture.client.config.baseURL)
        defer { sandbox.remove() }
        defer { Task { await fixture.server.stop() } }
        try sandbox.seedCommit("rsv_start", key: "key-start")
        try sandbox.seedCommit("rsv_slow", key: "key-slow")
        fixture.server.on("POST", "/rsv_start/commit", .json(200, Bodies.committed))
        fixture.server.on(
            "POST", "/rsv_slow/commit", .delayed(.milliseconds(800), .json(200, Bodies.committed)),
            otherwise: .json(200, Bodies.committed))
        var config = fixture.client.config
        config.journal = .enabled(at: sandbox.root)
        let client = CyclesClient(config: config)

        // The slow record outlasts a short flush: false, and its record stays intact.
        let flushed = await client.flushPendingCommits(timeout: .milliseconds(300))
        #expect(!flushed)
        #expect(sandbox.record("rsv_slow")?.commitBody?["idempotency_key"] == "key-slow")
        // A long enough flush sees both settle and both records go.
        #expect(await client.flushPendingCommits(timeout: .seconds(30)))
        #expect(sandbox.files().isEmpty)
        #expect(fixture.server.requests("/rsv_start/commit").first?.bodyKey == "key-start")
    }

    @Test("CYCLES_JOURNAL_ENABLED and CYCLES_JOURNAL_DIR configure the journal; it is off by default")
    func environmentConfiguresJournal() throws {
        let base = ["CYCLES_BASE_URL": "http://127.0.0.1:1", "CYCLES_API_KEY": "k"]
        #expect(try CyclesConfig.fromEnvironment(base).journal.isEnabled == false)
        let config = try CyclesConfig.fromEnvironment(base.merging(["CYCLES_JOURNAL_ENABLED": "true", "CYCLES_JOURNAL_DIR": "/tmp/j"]) { $1 })
        #expect(config.journal.isEnabled)
        #expect(config.journal.directory.path == "/tmp/j")
        #expect(throws: CyclesConfigurationError.self) {
            try CyclesConfig.fromEnvironment(base.merging(["CYCLES_JOURNAL_ENABLED": "maybe"]) { $1 })
        }
    }
}
