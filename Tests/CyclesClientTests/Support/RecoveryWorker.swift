import Cycles
import CyclesConformance
import CyclesProtocol
import Foundation
import Testing

/// Starts `cycles-recovery-harness` (built next to this test bundle) as a separate operating-system process:
/// a restarted or concurrent client that shares nothing with the test but the journal directory.
struct RecoveryWorker: Sendable {
    /// The build folder holding the test bundle and the harness.
    static var binDirectory: URL {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let path = FileManager.default.fileExists(atPath: bundle.path) ? bundle : URL(fileURLWithPath: CommandLine.arguments[0])
        return path.deletingLastPathComponent()
    }

    static var executable: URL { binDirectory.appendingPathComponent("cycles-recovery-harness") }

    /// What a finished worker printed.
    struct Outcome: Sendable {
        var status: Int32
        var json: [String: JSONValue]
        var stderr: String
    }

    private let running: ChildProcess.Running

    /// Starts `cycles-recovery-harness ARGUMENTS` with the `CYCLES_*` environment of `identity`.
    init(_ arguments: [String], environment: [String: String]) throws {
        let executable = Self.executable
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw HarnessMissing(path: executable.path)
        }
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        env.merge(environment) { $1 }
        running = ChildProcess([executable.path], environment: env).start(arguments)
    }

    struct HarnessMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is not built; run `swift build --build-tests`" }
    }

    /// Kills the process at once (SIGKILL): no flush, no clean-up, as if the machine lost power.
    func kill() {
        running.kill()
    }

    /// Waits for the process to end and reads what it printed.
    func finish() async -> Outcome {
        do {
            let outcome = try await running.finish()
            let line = outcome.output.split(separator: "\n").last.map(String.init) ?? ""
            let json = (try? CyclesJSON.decode(JSONValue.self, from: Data(line.utf8)))?.objectValue ?? [:]
            return Outcome(status: outcome.exitCode, json: json, stderr: outcome.errorOutput)
        } catch {
            return Outcome(status: -1, json: [:], stderr: "could not start \(Self.executable.path): \(error)")
        }
    }
}

/// A journal root in a fresh temporary folder plus the client identity the workers use.
struct JournalSandbox: Sendable {
    let root: URL
    let baseURL: String
    var apiKey = "test-key"
    var tenant: String? = "acme"

    init(baseURL: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cycles-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        self.baseURL = baseURL
    }

    var journal: SettlementJournal { SettlementJournal(root: root, baseURL: baseURL, apiKey: apiKey, tenant: tenant) }

    /// The `CYCLES_*` variables of a worker for this identity (fast retries; a read timeout generous enough for a
    /// loaded machine).
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "CYCLES_BASE_URL": baseURL, "CYCLES_API_KEY": apiKey, "CYCLES_JOURNAL_ENABLED": "true",
            "CYCLES_JOURNAL_DIR": root.path, "CYCLES_RETRY_INITIAL_DELAY": "10", "CYCLES_RETRY_MAX_DELAY": "50",
            "CYCLES_READ_TIMEOUT": "10000",
        ]
        if let tenant { env["CYCLES_TENANT"] = tenant }
        env.merge(extra) { $1 }
        return env
    }

    /// The files in the identity directory, sorted.
    func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: journal.directory.path)) ?? []).sorted()
    }

    /// The record stored for `reservationID`, if any.
    func record(_ reservationID: String) -> PendingSettlement? {
        FileManager.default.contents(atPath: journal.url(for: reservationID).path).flatMap { try? PendingSettlement(decoding: $0) }
    }

    /// Writes a commit-mode record for `reservationID` with idempotency key `key`, as the first process would
    /// have before its first commit.
    func seedCommit(_ reservationID: String, key: String, actual: Int64 = 4_000) throws {
        let commit: [String: JSONValue] = [
            "idempotency_key": .string(key), "actual": ["unit": "USD_MICROCENTS", "amount": .integer(actual)],
        ]
        let event: [String: JSONValue] = [
            "idempotency_key": .string(key), "subject": ["tenant": "acme"],
            "action": ["kind": "llm.completion", "name": "recovery-harness"],
            "actual": ["unit": "USD_MICROCENTS", "amount": .integer(actual)],
            "metadata": ["recovered_reservation_id": .string(reservationID), "recovery_reason": "commit_after_reservation_expired"],
        ]
        try journal.write(
            PendingSettlement(reservationID: reservationID, baseURL: baseURL, commitBody: commit, eventFallbackBody: event))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// Waits (bounded, 60 s) until `server` has seen `count` requests ending with `suffix`; records an issue otherwise.
func awaitRequests(_ server: ScriptedServer, _ count: Int, _ suffix: String) async throws -> [RecordedRequest] {
    for _ in 0..<6000 {
        let seen = server.requests(suffix)
        if seen.count >= count { return seen }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting for \(count) requests to \(suffix)")
    return server.requests(suffix)
}
