import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// This package's adapter for the SDK recovery profile's process contract (`scripts/recovery-conformance-adapter`
/// runs it): it reads the scenario from stdin, runs exactly the Swift tests bound to the scenario from the
/// already-built test bundle, confirms from the bundle's xUnit report that every bound test ran once and passed
/// (a filter that matches nothing exits 0, so the exit code alone proves nothing), and prints one JSON result.
///
/// It runs the built bundle directly instead of `swift test`, so it never takes SwiftPM's build lock: it works
/// from a shell after `swift build --build-tests` and from inside a running `swift test` alike.
enum RecoveryAdapter {
    /// One bound test: its Swift Testing suite (module-qualified type) and function.
    struct BoundTest: Hashable {
        let suite: String
        let function: String
        /// The test's identifier, as `--filter` and the xUnit report name it.
        var identifier: String { "\(suite)/\(function)" }
    }

    private static func tests(_ suite: String, _ functions: String...) -> [BoundTest] {
        functions.map { BoundTest(suite: suite, function: $0) }
    }

    private static let scripted = "CyclesClientTests.RecoveryScenarioTests"
    private static let realServer = "CyclesTestingTests.ClientRecoveryTests"
    private static let realServerLease = "CyclesTestingTests.HeartbeatAndBoundaryRecoveryTests"
    private static let durable = "CyclesClientTests.DurableRecoveryTests"

    /// Scenario id → the native tests that together assert its choreography and assertions (README's table).
    static let bindings: [String: [BoundTest]] = [
        "CR-CORE-001": tests(scripted, "crCore001LostCommitResponseReusesTheSameKey()")
            + tests(realServer, "lostCommitResponse()"),
        "CR-CORE-002": tests(scripted, "crCore002ExpiredCommitFallsBackToAnEvent()")
            + tests(realServer, "expiredCommitFallsBackToEvent()"),
        "CR-CORE-003": tests(scripted, "crCore003HeartbeatTransportFailureIsObservableAndNonFatal()")
            + tests(realServerLease, "heartbeatTransportFailureIsNonFatal()"),
        "CR-CORE-004": tests(scripted, "crCore004ProtocolInvalidSettlementSuccessRemainsAmbiguous()")
            + tests(realServer, "nonConformantCommitIsRetried()"),
        "CR-DURABLE-001": tests(durable, "crDurable001JournalPrecedesFirstCommitAndSurvivesRestart()"),
        "CR-DURABLE-002": tests(durable, "crDurable002ExpiredReplaySwitchesDurablyToEventMode()"),
        "CR-DURABLE-003": tests(durable, "crDurable003RateLimitFloorSurvivesRestart()"),
        "CR-DURABLE-004": tests(durable, "crDurable004TenantJournalSurvivesKeyRotation()"),
        "CR-DURABLE-005": tests(durable, "crDurable005CorruptAndUnsupportedRecordsAreQuarantined()"),
        "CR-DURABLE-006": tests(durable, "crDurable006ConcurrentReplayIsExactlyOnce()"),
        "CR-DURABLE-007": tests(durable, "crDurable007FileNamesAreDistinctAndLegacyMigratesSafely()"),
        "CR-BOUNDARY-001": tests(scripted, "crBoundary001ActualUnknownNoSettlementAndFailureSurfaced()")
            + tests(realServerLease, "missingActualIsSurfacedWithoutSettlement()"),
    ]

    static func main(_ arguments: [String]) async -> Int32 {
        guard arguments.count == 1, let scenarioID = arguments.first else {
            return fail("expected exactly one scenario ID argument")
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let scenario = (try? JSONSerialization.jsonObject(with: input)) as? [String: Any] else {
            return fail("stdin must be one JSON object")
        }
        guard scenario["id"] as? String == scenarioID, let bound = bindings[scenarioID] else {
            return fail("unknown or mismatched scenario ID \(scenarioID)")
        }
        guard scenario["expected_requests"] == nil, scenario["assertions"] == nil else {
            return fail("the runner disclosed the conformance oracle (expected_requests/assertions)")
        }
        guard let bundle = testBundle() else {
            return fail("no built test bundle; run `swift build --build-tests` or set CYCLES_RECOVERY_TEST_BUNDLE")
        }
        let outcome = await run(bound, bundle: bundle)
        let result: [String: Any] = [
            "scenario_id": scenarioID,
            "passed": outcome.passed,
            "native_tests": bound.map(\.identifier),
            "tests_run": outcome.ran,
            "diagnostic": outcome.diagnostic,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        FileHandle.standardOutput.write(data + Data("\n".utf8))
        return 0
    }

    /// The built test bundle: `CYCLES_RECOVERY_TEST_BUNDLE`, else the one next to this executable.
    static func testBundle() -> URL? {
        if let path = ProcessInfo.processInfo.environment["CYCLES_RECOVERY_TEST_BUNDLE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: binDirectory.path)) ?? []
        return candidates.first { $0.hasSuffix("PackageTests.xctest") }.map { binDirectory.appendingPathComponent($0) }
    }

    /// Runs the bound tests with exact, anchored filters and reads the xUnit report.
    static func run(_ bound: [BoundTest], bundle: URL) async -> (passed: Bool, ran: Int, diagnostic: String) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("cycles-recovery-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: report) }
        var arguments = ["--testing-library", "swift-testing", "--xunit-output", report.path]
        // Anchored at the start; the ID may continue with "/<file>:<line>" (a Swift Testing ID carries its source location).
        for test in bound { arguments += ["--filter", "^" + NSRegularExpression.escapedPattern(for: test.identifier) + "(/|$)"] }
        // swift-subprocess, not Foundation's `Process` (whose `run()` crashes now and then on Linux). The bundle's own
        // output is diagnostics: it goes to stderr, never to the one-JSON stdout.
        let status: Int32
        do {
            let result = try await Subprocess.run(
                .path(FilePath(bundle.path)), arguments: Arguments(arguments), input: .none,
                output: .currentStandardError, error: .currentStandardError)
            switch result.terminationStatus {
            case .exited(let code): status = code
            case .signaled(let signal): status = 128 + signal
            }
        } catch {
            return (false, 0, "could not start \(bundle.path): \(error)")
        }
        guard let xml = try? String(contentsOf: report, encoding: .utf8) else {
            return (false, 0, "test bundle exited \(status) without an xUnit report")
        }
        let cases = testCases(in: xml)
        var problems: [String] = []
        for test in bound {
            let runs = cases.filter { $0.identifier == test.identifier }
            if runs.isEmpty { problems.append("\(test.identifier) did not run") }
            if runs.count > 1 { problems.append("\(test.identifier) ran \(runs.count) times") }
            if runs.contains(where: \.failed) { problems.append("\(test.identifier) failed") }
        }
        let unexpected = cases.filter { ran in !bound.contains { $0.identifier == ran.identifier } }
        if !unexpected.isEmpty { problems.append("unbound tests ran: \(unexpected.map(\.identifier))") }
        if status != 0 { problems.append("test bundle exited \(status)") }
        let summary = "swift-testing ran \(cases.count) of \(bound.count) bound tests, exit \(status)"
        return (problems.isEmpty, cases.count, problems.isEmpty ? summary : summary + ": " + problems.joined(separator: "; "))
    }

    /// The `<testcase>` elements of an xUnit report: identifier and whether it holds a failure or error.
    static func testCases(in xml: String) -> [(identifier: String, failed: Bool)] {
        xml.components(separatedBy: "<testcase ").dropFirst().map { chunk in
            let head = chunk.prefix { $0 != ">" }
            let suite = attribute("classname", in: String(head)) ?? ""
            let name = attribute("name", in: String(head)) ?? ""
            let body = chunk.components(separatedBy: "</testcase>").first ?? chunk
            return ("\(suite)/\(name)", body.contains("<failure") || body.contains("<error"))
        }
    }

    private static func attribute(_ name: String, in tag: String) -> String? {
        guard let start = tag.range(of: " \(name)=\"") ?? tag.range(of: "\(name)=\"") else { return nil }
        let rest = tag[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("recovery-conformance-adapter: \(message)\n".utf8))
        return 2
    }
}
