import Cycles
import CyclesProtocol
import Foundation
import Synchronization
import Testing

/// The SDK recovery profile's durable scenarios (`scenarios.yaml`, CR-DURABLE-001 … 007), one named test each.
///
/// Restarts and concurrent replays happen in real operating-system processes (`cycles-recovery-harness`): the
/// process that dies is SIGKILLed, and the one that replays builds a new client from the `CYCLES_*` environment
/// and the journal directory alone, so nothing but durable state crosses the boundary.
@Suite("SDK recovery profile: durable", .serialized)
struct DurableRecoveryTests {
    /// Snapshot of the journal taken when a request arrives, before the server answers it.
    final class ArrivalSnapshots: Sendable {
        let taken = Mutex<[(path: String, files: [String], record: PendingSettlement?)]>([])
        func take(_ request: RecordedRequest, _ sandbox: JournalSandbox, _ reservationID: String) {
            let files = sandbox.files()
            let record = sandbox.record(reservationID)
            taken.withLock { $0.append((request.path, files, record)) }
        }
        func first(_ suffix: String) -> (path: String, files: [String], record: PendingSettlement?)? {
            taken.withLock { $0.first { $0.path.hasSuffix(suffix) } }
        }
    }

    @Test("CR-DURABLE-001 first commit is journaled before it leaves the process, and a new process replays it")
    func crDurable001JournalPrecedesFirstCommitAndSurvivesRestart() async throws {
        let server = try await ScriptedServer.start()
        defer { Task { await server.stop() } }
        let sandbox = try JournalSandbox(baseURL: server.baseURL)
        defer { sandbox.remove() }
        let snapshots = ArrivalSnapshots()
        server.observeArrivals { snapshots.take($0, sandbox, "rsv_d1") }
        server.on("POST", "/v1/reservations", .json(200, Bodies.reservation(id: "rsv_d1")))
        // The first commit is held in flight until the replayed one arrives; the first process dies meanwhile.
        server.on(
            "POST", "/commit", .awaitRequests(2, "/commit", .json(200, Bodies.committed)), otherwise: .json(200, Bodies.committed))

        let first = try RecoveryWorker(["settle", "5000", "4000"], environment: sandbox.environment())
        let inFlight = try await awaitRequests(server, 1, "/commit")
        let firstKey = try #require(inFlight.first?.bodyKey)
        // journal_write_precedes_first_settlement_request: the record was on disk when the commit arrived.
        let atArrival = try #require(snapshots.first("/commit"))
        #expect(atArrival.files == [JournalFileName.standard(for: "rsv_d1")])
        #expect(atArrival.record?.mode == .commit)
        #expect(atArrival.record?.commitBody?["idempotency_key"]?.stringValue == firstKey)
        #expect(atArrival.record?.commitBody?["actual"]?["amount"] == 4_000)

        first.kill()
        let killed = await first.finish()
        #expect(killed.status != 0)
        // unresolved_record_survives_restart
        #expect(sandbox.record("rsv_d1")?.commitBody?["idempotency_key"]?.stringValue == firstKey)

        let restarted = await (try RecoveryWorker(["replay"], environment: sandbox.environment())).finish()
        #expect(restarted.status == 0)
        #expect(restarted.json["settled"] == ["rsv_d1"])
        let commits = server.requests("/commit")
        // Two, or more when a loaded machine made an attempt time out: every one carries the original key.
        #expect(commits.count >= 2)
        // settlement_occurs_at_most_once: the replay reuses the original key (body and header).
        #expect(commits.allSatisfy { $0.bodyKey == firstKey && $0.idempotencyHeader == firstKey })
        #expect(server.requests("/v1/events").isEmpty)
        #expect(server.requests("/release").isEmpty)
        // successful_replay_removes_record
        #expect(sandbox.files().isEmpty)
    }

    @Test("CR-DURABLE-002 a replayed expired commit switches durably to event mode before the event is sent")
    func crDurable002ExpiredReplaySwitchesDurablyToEventMode() async throws {
        let server = try await ScriptedServer.start()
        defer { Task { await server.stop() } }
        let sandbox = try JournalSandbox(baseURL: server.baseURL)
        defer { sandbox.remove() }
        try sandbox.seedCommit("rsv_d2", key: "key-d2")
        let snapshots = ArrivalSnapshots()
        server.observeArrivals { snapshots.take($0, sandbox, "rsv_d2") }
        server.on("POST", "/commit", .error(410, "RESERVATION_EXPIRED"), otherwise: .error(410, "RESERVATION_EXPIRED"))
        server.on(
            "POST", "/v1/events", .awaitRequests(2, "/v1/events", .json(201, Bodies.eventApplied)),
            otherwise: .json(201, Bodies.eventApplied))

        let second = try RecoveryWorker(["replay"], environment: sandbox.environment())
        _ = try await awaitRequests(server, 1, "/v1/events")
        // event_mode_is_persisted_before_event_attempt
        #expect(snapshots.first("/v1/events")?.record?.mode == .event)
        second.kill()  // process_terminated_after_mode_switch
        _ = await second.finish()
        let commitsBeforeThird = server.requests("/commit").count
        #expect(sandbox.record("rsv_d2")?.mode == .event)

        let third = await (try RecoveryWorker(["replay"], environment: sandbox.environment())).finish()
        #expect(third.json["settled"] == ["rsv_d2"])
        let commits = server.requests("/commit")
        let events = server.requests("/v1/events")
        // The third process resumes in event mode: no further commit.
        #expect(commits.count == commitsBeforeThird)
        #expect(commits.allSatisfy { $0.bodyKey == "key-d2" })
        #expect(events.count >= 2)
        #expect(events.allSatisfy { $0.bodyKey == "key-d2" && $0.idempotencyHeader == "key-d2" })
        #expect(events.last?.json?["actual"] == ["unit": "USD_MICROCENTS", "amount": 4_000])
        #expect(events.last?.json?["subject"] == ["tenant": "acme"])
        // successful_event_removes_record
        #expect(sandbox.files().isEmpty)
    }

    @Test("CR-DURABLE-003 the 429 Retry-After floor is persisted as an absolute time and survives a restart")
    func crDurable003RateLimitFloorSurvivesRestart() async throws {
        let server = try await ScriptedServer.start()
        defer { Task { await server.stop() } }
        let sandbox = try JournalSandbox(baseURL: server.baseURL)
        defer { sandbox.remove() }
        server.on("POST", "/v1/reservations", .json(200, Bodies.reservation(id: "rsv_d3")))
        server.on(
            // Ten seconds, so that on a loaded runner the first process's exit still comes before the floor passes.
            "POST", "/commit", .error(429, "LIMIT_EXCEEDED", headers: ["Retry-After": "10"]),
            otherwise: .json(200, Bodies.committed))

        // One attempt only: the first process gives up right after journaling the floor, and exits.
        let first = await (try RecoveryWorker(
            ["settle", "5000", "4000"], environment: sandbox.environment(["CYCLES_RETRY_MAX_ATTEMPTS": "1"]))).finish()
        #expect(first.json["outcome"] == "error")
        let firstCommit = try #require(server.requests("/commit").first)
        let record = try #require(sandbox.record("rsv_d3"))
        let notBefore = try #require(record.notBeforeMs)
        #expect(notBefore >= firstCommit.receivedAtMs + 9_000)
        #expect(notBefore <= PendingSettlement.nowMs() + 10_500)

        let restartedAt = PendingSettlement.nowMs()
        #expect(restartedAt < notBefore)  // process_restarted_before_retry_after
        let second = await (try RecoveryWorker(["replay"], environment: sandbox.environment())).finish()
        #expect(second.json["settled"] == ["rsv_d3"])
        let commits = server.requests("/commit")
        #expect(commits.count >= 2)
        // no_retry_before_persisted_not_before
        #expect(commits[1].receivedAtMs >= notBefore)
        #expect(commits[1].bodyKey == firstCommit.bodyKey)
        #expect(commits[1].idempotencyHeader == firstCommit.bodyKey)
        // successful_replay_removes_record
        #expect(sandbox.files().isEmpty)
    }

    @Test("CR-DURABLE-004 a tenant's journal survives API-key rotation and never stores the key")
    func crDurable004TenantJournalSurvivesKeyRotation() async throws {
        let server = try await ScriptedServer.start()
        defer { Task { await server.stop() } }
        var sandbox = try JournalSandbox(baseURL: server.baseURL)
        defer { sandbox.remove() }
        sandbox.apiKey = "key-old-7f3a"
        server.on("POST", "/v1/reservations", .json(200, Bodies.reservation(id: "rsv_d4")))
        server.on("POST", "/commit", .error(503, "INTERNAL_ERROR"), otherwise: .json(200, Bodies.committed))
        let first = await (try RecoveryWorker(
            ["settle", "5000", "4000"], environment: sandbox.environment(["CYCLES_RETRY_MAX_ATTEMPTS": "1"]))).finish()
        #expect(first.json["outcome"] == "error")
        let oldDirectory = sandbox.journal.directory
        #expect(sandbox.files().count == 1)

        sandbox.apiKey = "key-new-91c2"  // api_key_rotated
        #expect(sandbox.journal.directory == oldDirectory)
        let second = await (try RecoveryWorker(["replay"], environment: sandbox.environment())).finish()
        // new_tenant_credential_finds_record
        #expect(second.json["settled"] == ["rsv_d4"])
        let commits = server.requests("/commit")
        #expect(commits.count >= 2)
        #expect(commits.last?.headers["x-cycles-api-key"] == "key-new-91c2")
        #expect(commits.allSatisfy { $0.bodyKey == commits[0].bodyKey })
        // old_api_key_is_not_stored: neither in a file nor in a path of the journal.
        let enumerator = FileManager.default.enumerator(atPath: sandbox.root.path)
        var paths: [String] = []
        while let path = enumerator?.nextObject() as? String { paths.append(path) }
        #expect(!paths.isEmpty)
        #expect(!paths.contains { $0.contains("key-old") })
        #expect(oldDirectory.lastPathComponent != JournalIdentity.fingerprint(baseURL: server.baseURL, apiKey: "key-old-7f3a", tenant: nil))
    }

    @Test("CR-DURABLE-005 corrupt and unsupported records are quarantined and reported; valid ones still replay")
    func crDurable005CorruptAndUnsupportedRecordsAreQuarantined() async throws {
        let server = try await ScriptedServer.start()
        defer { Task { await server.stop() } }
        let sandbox = try JournalSandbox(baseURL: server.baseURL)
        defer { sandbox.remove() }
        try sandbox.seedCommit("rsv_ok", key: "key-ok")
        let directory = sandbox.journal.directory
        let corrupt = JournalFileName.standard(for: "rsv_corrupt")
        let unsupported = JournalFileName.standard(for: "rsv_v9")
        try Data(#"{"version": 1, "reservation_id": "rsv_corrupt", "#.utf8).write(to: directory.appendingPathComponent(corrupt))
        try Data(#"{"version": 9, "reservation_id": "rsv_v9", "mode": "commit", "commit_body": {}}"#.utf8)
            .write(to: directory.appendingPathComponent(unsupported))
        server.on("POST", "/commit", .json(200, Bodies.committed), otherwise: .json(200, Bodies.committed))

        let replay = await (try RecoveryWorker(["replay"], environment: sandbox.environment())).finish()
        // other_valid_records_still_replay
        #expect(replay.json["settled"] == ["rsv_ok"])
        #expect(!server.requests("/commit").isEmpty)
        #expect(server.requests("/commit").allSatisfy { $0.path == "/v1/reservations/rsv_ok/commit" })
        // corrupt_record_is_quarantined, unsupported_record_version_is_quarantined
        let quarantinedFiles = Set(sandbox.files())
        #expect(quarantinedFiles == [
            corrupt.replacingOccurrences(of: ".json", with: ".corrupt"),
            unsupported.replacingOccurrences(of: ".json", with: ".corrupt"),
        ])
        // corruption_is_reported: to the caller and in the operator log.
        let reported = replay.json["quarantined"]?.arrayValue ?? []
        #expect(reported.count == 2)
        #expect(reported.contains { $0["reason"]?.stringValue?.contains("unsupported journal version") == true })
        #expect(replay.stderr.contains("quarantined"))
    }

    @Test("CR-DURABLE-006 two processes replaying the same record concurrently reuse one key and remove it")
    func crDurable006ConcurrentReplayIsExactlyOnce() async throws {
        let server = try await ScriptedServer.start()
        defer { Task { await server.stop() } }
        let sandbox = try JournalSandbox(baseURL: server.baseURL)
        defer { sandbox.remove() }
        try sandbox.seedCommit("rsv_d6", key: "key-d6")
        // Neither commit is answered until both are in flight.
        let held = ScriptedReply.awaitRequests(2, "/commit", .json(200, Bodies.committed))
        server.on("POST", "/commit", held, held, otherwise: .json(200, Bodies.committed))

        let workerA = try RecoveryWorker(["replay"], environment: sandbox.environment())
        let workerB = try RecoveryWorker(["replay"], environment: sandbox.environment())
        let (a, b) = await (workerA.finish(), workerB.finish())
        let commits = server.requests("/commit")
        // concurrent_commit_same_key: both in flight together, one key → the server settles once.
        #expect(commits.count >= 2)
        #expect(commits.allSatisfy { $0.bodyKey == "key-d6" && $0.idempotencyHeader == "key-d6" })
        #expect(a.json["settled"] == ["rsv_d6"])
        #expect(b.json["settled"] == ["rsv_d6"])
        #expect(server.requests("/v1/events").isEmpty)
        // terminal_record_is_removed
        #expect(sandbox.files().isEmpty)
    }

    @Test("CR-DURABLE-007 file names are the sha256 of the exact id; a colliding legacy record is never deleted")
    func crDurable007FileNamesAreDistinctAndLegacyMigratesSafely() async throws {
        let sandbox = try JournalSandbox(baseURL: "http://127.0.0.1:9")
        defer { sandbox.remove() }
        // standard_filename_is_sha256_of_exact_utf8_identifier (vector shared by the other SDKs)
        #expect(JournalFileName.standard(for: "rsv/a") == "v2-e3edb9ca022de3c9c90c5667d47fa66448cee1f254e488a761313faee34141d7.json")
        // distinct_identifiers_never_share_a_journal_file, though their legacy names collide
        #expect(JournalFileName.legacy(for: "rsv/a") == "rsv_a.json")
        #expect(JournalFileName.legacy(for: "rsv_a") == "rsv_a.json")
        #expect(JournalFileName.standard(for: "rsv/a") != JournalFileName.standard(for: "rsv_a"))
        #expect(JournalFileName.standard(for: "résa") != JournalFileName.standard(for: "re\u{301}sa"))

        try sandbox.seedCommit("rsv/a", key: "key-slash")
        let journal = sandbox.journal
        // A legacy file written by an older SDK for the *other* id, rsv_a.
        let legacy = PendingSettlement(
            reservationID: "rsv_a", baseURL: sandbox.baseURL,
            commitBody: ["idempotency_key": "key-underscore", "actual": ["unit": "USD_MICROCENTS", "amount": 1]],
            eventFallbackBody: nil)
        try legacy.encoded().write(to: journal.directory.appendingPathComponent("rsv_a.json"))

        // Settling rsv/a removes its own record but not the colliding legacy file.
        try journal.discard("rsv/a")
        #expect(sandbox.files() == ["rsv_a.json"])

        // matching_legacy_record_migrates_without_deleting_collision
        let scan = journal.scan(baseURL: sandbox.baseURL)
        #expect(scan.migrated == ["rsv_a.json"])
        #expect(scan.pending.map(\.reservationID) == ["rsv_a"])
        #expect(sandbox.files() == [JournalFileName.standard(for: "rsv_a")])
        #expect(sandbox.record("rsv_a")?.commitBody?["idempotency_key"] == "key-underscore")
    }
}
