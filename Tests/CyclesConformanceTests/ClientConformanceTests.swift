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
    static func pythonInterpreter() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/python-sdk.sh").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PYTHON=") })
        else {
            throw DriverSetupError(message: "scripts/python-sdk.sh failed (exit \(process.terminationStatus)): \(text)")
        }
        return String(line.dropFirst("PYTHON=".count))
    }

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
        let runner = ClientConformanceRunner(host: host, driver: [try Self.swiftDriverPath()], driverName: "swift")
        let report = await runner.run(ClientScenarioCatalogue.all)
        await host.stop()
        #expect(report.checks.count == ClientScenarioCatalogue.all.count)
        #expect(report.summary.fail == 0, Comment(rawValue: Self.failures(report)))
        #expect(report.summary.pass == report.checks.count)
        try? ClientConformanceMatrix.store(report, sdk: "Swift (`Cycles`)", root: Self.root)
    }

    @Test("The Python runcycles driver passes every scenario or fails exactly the listed ones, each with a reason")
    func pythonDriverMatchesItsExpectedFailures() async throws {
        let python = try Self.pythonInterpreter()
        let listPath = Self.root.appendingPathComponent("Conformance/drivers/python/expected-failures.txt").path
        let expected = ExpectedFailures(parsing: try String(contentsOfFile: listPath, encoding: .utf8))
        #expect(expected.unknownIDs(in: ClientScenarioCatalogue.descriptors).isEmpty)
        #expect(expected.reasons.values.allSatisfy { !$0.isEmpty }, "every expected failure states its reason")
        let host = try await ClientConformanceHost.start()
        let runner = ClientConformanceRunner(
            host: host,
            driver: [python, Self.root.appendingPathComponent("Conformance/drivers/python/driver.py").path],
            driverName: "python", expectedFailures: expected)
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
        let python = try Self.pythonInterpreter()
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
