import CyclesConformance
import CyclesProtocol
import Foundation
import Synchronization
import Testing

/// `cycles conformance recovery`: the runner's contract against scripted adapters, then real certifications of
/// this package's client and of the upstream Python SDK.
// Serialized: the two certifications start many processes (test bundles, pytest); one at a time keeps the
// machine responsive for the timing-sensitive suites that run alongside.
@Suite("Recovery conformance runner", .serialized)
struct RecoveryRunnerTests {
    /// A throwaway adapter: a shell script in a temporary folder.
    static func scriptAdapter(_ body: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-adapter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = folder.appendingPathComponent("adapter")
        try Data("#!/usr/bin/env bash\n\(body)\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }

    /// Collects the runner's console lines.
    final class Console: Sendable {
        let out = Mutex<[String]>([])
        let err = Mutex<[String]>([])
    }

    /// Runs the runner, collecting what it prints.
    static func run(_ options: RecoveryConformanceRun.Options) async throws -> (RecoveryConformanceRun.Outcome, Console) {
        let console = Console()
        let outcome = await RecoveryConformanceRun(options: options).run(
            standardOutput: { line in console.out.withLock { $0.append(line) } },
            standardError: { line in console.err.withLock { $0.append(line) } })
        return (outcome, console)
    }

    @Test("the embedded catalogue is byte-identical to the pinned one: digest, 12 scenarios, claims of 5 and 12")
    func catalogueIsPinned() throws {
        #expect(RecoveryCatalogue.digest(of: RecoveryCatalogue.text) == RecoveryCatalogue.pinnedDigest)
        #expect(RecoveryCatalogue.digest(of: RecoveryCatalogue.text.replacingOccurrences(of: "\n", with: "\r\n"))
            == RecoveryCatalogue.pinnedDigest)
        let scenarios = try RecoveryCatalogue.scenarios()
        #expect(scenarios.count == 12)
        #expect(scenarios.filter { RecoveryClaim.core.levels.contains($0.level) }.count == 5)
        #expect(scenarios.first { $0.id == "CR-DURABLE-006" }?.expectedRequests == ["concurrent_commit_same_key"])
        // The adapter sees exactly what the official runner writes (Python json.dumps bytes), and no oracle.
        #expect(scenarios.first { $0.id == "CR-CORE-003" }?.adapterInput
            == #"{"id": "CR-CORE-003", "level": "core", "name": "heartbeat transport failure is observable and non-fatal", "precondition": "action_running", "faults": ["extend_transport_error"]}"#)
    }

    @Test("adapter results are validated as the official runner validates them, with its messages and exit codes")
    func validationMatchesTheOfficialRunner() async throws {
        let seen = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-stdin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: seen) }
        let adapter = try Self.scriptAdapter(#"""
            input="$(cat)"; echo "$input" > "\#(seen.path)-$1"
            case "$1" in
              CR-CORE-001) echo '{"scenario_id": "CR-CORE-001", "passed": true, "native_tests": ["t1"], "tests_run": 1}' ;;
              CR-CORE-002) echo '{"scenario_id": "CR-CORE-999", "passed": true, "native_tests": ["t"]}' ;;
              CR-CORE-003) echo 'log line'; echo '{"scenario_id": "CR-CORE-003", "passed": true, "native_tests": ["t"]}' ;;
              CR-CORE-004) echo '{"scenario_id": "CR-CORE-004", "passed": true, "native_tests": ["t", "t"]}' ;;
              CR-BOUNDARY-001) echo 'broken' >&2; exit 3 ;;
            esac
            """#)
        var options = RecoveryConformanceRun.Options(claim: .core, adapter: [adapter.path])
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-report-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        options.reportURL = report
        options.implementation = "example/sdk"
        options.implementationCommit = "abc123"
        let (outcome, console) = try await Self.run(options)

        #expect(outcome.exitCode == 1)
        #expect(console.out.withLock { $0 } == ["PASS CR-CORE-001: lost commit response reuses the same key"])
        #expect(console.err.withLock { $0 } == [
            "FAIL CR-CORE-002: adapter returned the wrong scenario_id",
            "FAIL CR-CORE-003: adapter stdout must be one JSON result; send diagnostic logs to stderr",
            "FAIL CR-CORE-004: native_tests must not contain duplicates",
            "FAIL CR-BOUNDARY-001: adapter exited 3: broken",
            "4 of 5 recovery scenarios failed.",
        ])
        // The adapter got the scenario inputs only.
        let input = try String(contentsOf: URL(fileURLWithPath: seen.path + "-CR-CORE-001"), encoding: .utf8)
        #expect(input.contains(#""faults": ["commit_response_lost"]"#))
        #expect(!input.contains("expected_requests") && !input.contains("assertions"))
        // The report keeps failures (empty native_tests, the diagnostic) and is valid but failed.
        let check = RecoveryReportCheck(url: report)
        #expect(check.verdict == .failed)
        #expect(check.findings.contains { $0.hasPrefix("CR-CORE-002 failed") })
        let document = try CyclesJSON.decode(JSONValue.self, from: Data(contentsOf: report))
        #expect(document["summary"] == ["total": 5, "passed": 1, "failed": 4])
        #expect(document["implementation"] == ["id": "example/sdk", "commit": "abc123"])
        #expect(document["scenarios"]?.arrayValue?[1]["native_tests"] == [])
    }

    @Test("hygiene fails an adapter whose bound tests did not run; a timeout and an out-of-claim scenario fail cleanly")
    func hygieneTimeoutAndSelection() async throws {
        let adapter = try Self.scriptAdapter(#"""
            cat >/dev/null
            case "$1" in
              CR-CORE-001) echo '✔ Test run with 0 tests in 0 suites passed after 0.001 seconds.' >&2
                           echo '{"scenario_id": "CR-CORE-001", "passed": true, "native_tests": ["Suite/renamed()"]}' ;;
              CR-CORE-002) echo '1 passed in 0.10s' >&2
                           echo '{"scenario_id": "CR-CORE-002", "passed": true, "native_tests": ["a", "b"]}' ;;
              CR-CORE-003) sleep 30 ;;
            esac
            """#)
        var options = RecoveryConformanceRun.Options(claim: .core, adapter: [adapter.path])
        // The hygiene cases get a generous timeout (a loaded machine can take seconds to start a shell); only the
        // timeout case runs against a short one.
        options.scenarioIDs = ["CR-CORE-001", "CR-CORE-002"]
        options.timeout = 60
        let (outcome, console) = try await Self.run(options)
        #expect(outcome.exitCode == 1)
        let errors = console.err.withLock { $0 }
        #expect(errors.contains("FAIL CR-CORE-001: hygiene: the bound tests did not run (the test runner's summary says 0 tests ran)"))
        #expect(errors.contains("FAIL CR-CORE-002: hygiene: 2 native tests are named but the test runner's summary says only 1 ran"))
        options.scenarioIDs = ["CR-CORE-003"]
        options.timeout = 0.5
        let (timedOut, timeoutConsole) = try await Self.run(options)
        #expect(timedOut.exitCode == 1)
        #expect(timeoutConsole.err.withLock { $0 }.contains("FAIL CR-CORE-003: adapter exceeded 0.5s"))
        options.timeout = 60

        // Without hygiene, the verdict is the official runner's: the vacuous pass passes.
        options.hygiene = false
        options.scenarioIDs = ["CR-CORE-001"]
        #expect(try await Self.run(options).0.exitCode == 0)

        options.scenarioIDs = ["CR-DURABLE-001", "CR-NOPE-1"]
        let (outOfClaim, selection) = try await Self.run(options)
        #expect(outOfClaim.exitCode == 1)
        #expect(selection.err.withLock { $0 } == ["FAIL selected scenarios are outside the core claim or unknown: CR-DURABLE-001, CR-NOPE-1"])
    }

    @Test("--check-report tells passing, stale and invalid reports apart")
    func reportCheckVerdicts() async throws {
        let adapter = try Self.scriptAdapter(#"""
            cat >/dev/null; echo "{\"scenario_id\": \"$1\", \"passed\": true, \"native_tests\": [\"t-$1\"]}"
            """#)
        var options = RecoveryConformanceRun.Options(claim: .core, adapter: [adapter.path])
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-report-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        options.reportURL = report
        options.evidenceURL = "https://ci.example/runs/1"
        #expect(try await Self.run(options).0.exitCode == 0)
        let document = try CyclesJSON.decode(JSONValue.self, from: Data(contentsOf: report))
        #expect(RecoveryReportCheck(document: document).verdict == .passing)

        guard case .object(var fields) = document, case .object(var profile)? = fields["profile"] else {
            Issue.record("report is not an object")
            return
        }
        profile["catalog_sha256"] = .string(String(repeating: "0", count: 64))
        fields["profile"] = .object(profile)
        let stale = RecoveryReportCheck(document: .object(fields))
        #expect(stale.verdict == .stale)
        #expect(stale.findings.first?.contains("catalogue digest") == true)

        fields["extra"] = 1
        fields["claim"] = "sometimes"
        let invalid = RecoveryReportCheck(document: .object(fields))
        #expect(invalid.verdict == .invalid)
        #expect(invalid.findings.contains("schema: $: unexpected property extra"))
        #expect(invalid.findings.contains { $0.hasPrefix("schema: $.claim: must be one of") })
        #expect(RecoveryReportCheck(url: report.appendingPathExtension("missing")).verdict == .missing)
    }

    /// The folder holding this test bundle and the other built products (`cycles-recovery-harness`).
    static var binDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    @Test("our runner certifies this package's client at durable through scripts/recovery-conformance-adapter")
    func certifiesThisClientAtDurable() async throws {
        var options = RecoveryConformanceRun.Options(
            claim: .durable, adapter: [PythonSDK.repositoryRoot.appendingPathComponent("scripts/recovery-conformance-adapter").path])
        // The adapter runs the bound tests from this very build, never `swift test` (no build lock).
        options.adapterEnvironment = ["CYCLES_RECOVERY_BIN_DIR": Self.binDirectory.path]
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-ours-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        options.reportURL = report
        let (outcome, console) = try await Self.run(options)
        #expect(outcome.exitCode == 0, "\(console.err.withLock { $0 })")
        #expect(outcome.results.count == 12)
        #expect(outcome.results.allSatisfy { $0.passed && !$0.nativeTests.isEmpty })
        #expect(outcome.results.first { $0.scenarioID == "CR-DURABLE-006" }?.nativeTests
            == ["CyclesClientTests.DurableRecoveryTests/crDurable006ConcurrentReplayIsExactlyOnce()"])
        #expect(console.out.withLock { $0.last } == "Passed 12 durable recovery scenarios.")
        #expect(RecoveryReportCheck(url: report).verdict == .passing)
    }

    @Test("our runner certifies the upstream Python SDK 0.5.3 through its own adapter, with the official runner's verdict")
    func certifiesThePythonSDK() async throws {
        let sdk = try await PythonSDK.install()
        var options = RecoveryConformanceRun.Options(
            claim: .durable, adapter: [sdk.python, sdk.sdist + "/scripts/recovery_conformance_adapter.py"])
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-python-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        options.reportURL = report
        options.implementation = "runcycles/cycles-client-python"
        options.implementationVersion = "0.5.3"
        let (outcome, console) = try await Self.run(options)
        #expect(outcome.exitCode == 0, "\(console.err.withLock { $0 })")

        // The official runner's verdict on the same adapter, recorded by running it (Conformance/README.md shows
        // the command and output): every durable scenario passes, with these native tests.
        let official = try CyclesJSON.decode(
            JSONValue.self,
            from: Data(contentsOf: PythonSDK.repositoryRoot.appendingPathComponent("Conformance/recovery/official-runner-python-sdk-0.5.3.json")))
        let officialVerdicts = (official["scenarios"]?.arrayValue ?? []).map {
            RecoveryScenarioResult(
                scenarioID: $0["id"]?.stringValue ?? "", passed: $0["passed"] == .bool(true),
                nativeTests: ($0["native_tests"]?.arrayValue ?? []).compactMap(\.stringValue),
                diagnostic: $0["diagnostic"]?.stringValue)
        }
        #expect(officialVerdicts.count == 12)
        #expect(outcome.results == officialVerdicts)

        // The report validates against report.schema.json with Python's jsonschema too, not only our validator.
        let validation = try await sdk.run(
            """
            import json, os, jsonschema
            schema = json.loads(os.environ["SCHEMA"])
            report = json.load(open(os.environ["REPORT"]))
            jsonschema.validate(report, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            print("valid", report["summary"]["passed"])
            """, environment: ["SCHEMA": RecoveryCatalogue.reportSchemaText, "REPORT": report.path])
        #expect(validation.trimmingCharacters(in: .whitespacesAndNewlines) == "valid 12")
    }
}
