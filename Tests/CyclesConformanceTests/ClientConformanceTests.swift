import CyclesConformance
import Foundation
import Testing

/// `cycles conformance client`: every scenario against our Swift driver and the upstream Python SDK's driver,
/// and a deliberately defective driver to prove the kit can fail.
@Suite("Client conformance kit", .serialized)
struct ClientConformanceTests {
    /// The package root (this file is Tests/CyclesConformanceTests/ClientConformanceTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Where SwiftPM put the Swift driver (a dependency of this test target, so it is built before tests run).
    static func swiftDriverPath() throws -> String {
        let candidates = [".build/debug/CyclesSwiftDriver", ".build/release/CyclesSwiftDriver"]
            .map { root.appendingPathComponent($0).path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw DriverSetupError(message: "CyclesSwiftDriver is not built at \(candidates)")
        }
        return found
    }

    /// Makes (once) the pinned venv with `runcycles` and returns its interpreter; fails loudly if it cannot.
    static func pythonInterpreter() async throws -> String {
        // The script may take minutes the first time (pip).
        let outcome = try await ChildProcess(["/bin/bash", root.appendingPathComponent("scripts/python-sdk.sh").path]).run()
        guard outcome.exitCode == 0,
            let line = outcome.output.split(separator: "\n").first(where: { $0.hasPrefix("PYTHON=") })
        else {
            throw DriverSetupError(
                message: "scripts/python-sdk.sh failed (exit \(outcome.exitCode)): \(outcome.output)\(outcome.errorOutput)")
        }
        return String(line.dropFirst("PYTHON=".count))
    }

    /// Two scenarios at a time: `swift test` runs the other suites' in-process servers at the same moment, and four
    /// Python interpreters starting together starve them on a two-core machine.
    static let parallelism = 2

    static func failures(_ report: ConformanceReport) -> String {
        report.checks.filter { $0.status == .fail }.map { ConsoleReport.failureDetail($0) + "\n" + $0.id }
            .joined(separator: "\n\n")
    }

    @Test("The catalogue has at least 30 scenarios with unique IDs, a level and a spec reference each")
    func catalogueShape() {
        let scenarios = ClientScenarioCatalogue.all
        #expect(scenarios.count >= 30)
        #expect(Set(scenarios.map(\.id)).count == scenarios.count)
        #expect(scenarios.allSatisfy { $0.id.hasPrefix("SDK-") && !$0.descriptor.spec.isEmpty })
    }

    @Test("Every client scenario passes against the Swift driver")
    func swiftDriverPassesEverything() async throws {
        let host = try await ClientConformanceHost.start()
        // Generous request timeouts (ms): `swift test` runs other suites at once on a small machine, and a starved
        // in-process server must look slow, not absent. No scenario is judged by a client-side timeout.
        let runner = ClientConformanceRunner(
            host: host, driver: [try Self.swiftDriverPath()], driverName: "swift", parallelism: Self.parallelism,
            extraEnvironment: ["CYCLES_CONNECT_TIMEOUT": "10000", "CYCLES_READ_TIMEOUT": "30000"])
        let report = await runner.run(ClientScenarioCatalogue.all)
        await host.stop()
        #expect(report.checks.count == ClientScenarioCatalogue.all.count)
        #expect(report.summary.fail == 0, Comment(rawValue: Self.failures(report)))
        #expect(report.summary.pass == report.checks.count)
        try? ClientConformanceMatrix.store(report, sdk: "Swift (`Cycles`)", root: Self.root)
    }

    @Test("The Python runcycles driver passes every scenario or fails exactly the listed ones, each with a reason")
    func pythonDriverMatchesItsExpectedFailures() async throws {
        let python = try await Self.pythonInterpreter()
        let listPath = Self.root.appendingPathComponent("Conformance/drivers/python/expected-failures.txt").path
        let expected = ExpectedFailures(parsing: try String(contentsOfFile: listPath, encoding: .utf8))
        #expect(expected.unknownIDs(in: ClientScenarioCatalogue.descriptors).isEmpty)
        #expect(expected.reasons.values.allSatisfy { !$0.isEmpty }, "every expected failure states its reason")
        let host = try await ClientConformanceHost.start()
        let runner = ClientConformanceRunner(
            host: host,
            driver: [python, Self.root.appendingPathComponent("Conformance/drivers/python/driver.py").path],
            driverName: "python", expectedFailures: expected, parallelism: Self.parallelism,
            // The same generous timeouts as the Swift run; runcycles reads them in seconds.
            extraEnvironment: ["CYCLES_CONNECT_TIMEOUT": "10", "CYCLES_READ_TIMEOUT": "30"])
        let report = await runner.run(ClientScenarioCatalogue.all)
        await host.stop()
        #expect(report.summary.fail == 0, Comment(rawValue: Self.failures(report)))
        let expectedFailed = Set(report.checks.filter { $0.status == .expectedFail }.map(\.id))
        // A listed scenario that passes means the list is stale: it must shrink.
        #expect(expectedFailed == Set(expected.reasons.keys), "listed but passing: \(Set(expected.reasons.keys).subtracting(expectedFailed).sorted())")
        try? ClientConformanceMatrix.store(report, sdk: "Python (`runcycles` 0.5.3)", root: Self.root)
    }

    @Test("A driver that releases after a failed commit and retries with a new key fails the recovery scenarios")
    func defectiveDriverIsCaught() async throws {
        let python = try await Self.pythonInterpreter()
        let host = try await ClientConformanceHost.start()
        let runner = ClientConformanceRunner(
            host: host,
            driver: [python, Self.root.appendingPathComponent("Conformance/drivers/defective/new_key_retry.py").path],
            driverName: "defective")
        let report = await runner.run(
            ClientScenarioCatalogue.select(only: ["SDK-LIFE-001", "SDK-REC-001", "SDK-REC-002", "SDK-REC-004"]))
        await host.stop()
        let status = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0.status) })
        // The happy path is right, so the kit does not fail it: only the recovery defects are caught.
        #expect(status["SDK-LIFE-001"] == .pass, Comment(rawValue: Self.failures(report)))
        #expect(status["SDK-REC-001"] == .fail)
        #expect(status["SDK-REC-002"] == .fail)
        #expect(status["SDK-REC-004"] == .fail)
        #expect(report.hasMustFailures)
        // The failure carries the transcript of what was sent, with the differing keys.
        let lostCommit = report.checks.first { $0.id == "SDK-REC-001" }
        #expect(lostCommit?.evidence.notes.contains { $0.contains("/commit") && $0.contains("key=") } == true)
        #expect(lostCommit?.evidence.notes.contains { $0.contains("X-Idempotency-Key") } == true)
    }
}

/// The test cannot find or make a driver.
struct DriverSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

@Suite("Client conformance reports")
struct ClientConformanceReportTests {
    @Test("The SDK × scenario table shows pass, the failure message, and an expected failure's written reason")
    func matrixShowsReasons() throws {
        let scenarios = ClientScenarioCatalogue.select(only: ["SDK-LIFE-001", "SDK-LIFE-002", "SDK-HDR-004"])
        let results = [
            CheckResult(descriptor: scenarios[0].descriptor, status: .pass, durationMs: 1, evidence: CheckEvidence()),
            CheckResult(
                descriptor: scenarios[1].descriptor, status: .fail, durationMs: 1,
                evidence: CheckEvidence(message: "2 commit request(s) arrived")),
            CheckResult(
                descriptor: scenarios[2].descriptor, status: .expectedFail, durationMs: 1,
                evidence: CheckEvidence(message: "trace ids sent: none", notes: ["expected failure: sends no trace | id"])),
        ]
        let report = ConformanceReport(
            target: "t", profile: .all, provisioner: "in-process mock", seed: 0, startedAtMs: 0, durationMs: 3,
            checks: results)
        let table = ClientConformanceMatrix.markdown([(sdk: "Example SDK", report: report)])
        let rows = table.split(separator: "\n").map(String.init)
        #expect(rows[0].hasSuffix("| Example SDK |"))
        #expect(rows.contains { $0.hasPrefix("| SDK-LIFE-001 |") && $0.hasSuffix("| pass |") })
        #expect(rows.contains { $0.hasPrefix("| SDK-LIFE-002 |") && $0.contains("**FAIL**: 2 commit request(s) arrived") })
        // The reason comes from the expected-failures comment, with Markdown's cell separator escaped.
        #expect(rows.contains { $0.hasPrefix("| SDK-HDR-004 |") && $0.contains("expected fail: sends no trace \\| id") })
        // Scenarios the report did not run are shown as not run.
        #expect(rows.contains { $0.hasPrefix("| SDK-REC-001 |") && $0.hasSuffix("| — |") })
    }
}
