import CyclesConformance
import Foundation
import Testing

/// The upstream Python SDK (`runcycles==0.5.3`, its test dependencies and its unpacked sdist), installed by
/// `scripts/python-sdk.sh` into a virtual environment under the build folder. A test that needs it fails loudly
/// when it cannot be had (no python3, no venv module, PyPI out of reach); it never passes silently.
struct PythonSDK: Sendable {
    /// The virtual environment's interpreter.
    let python: String
    /// The unpacked sdist (tests and `scripts/recovery_conformance_adapter.py`).
    let sdist: String

    /// The repository root (this file is `Tests/CyclesConformanceTests/Recovery/PythonSDK.swift`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `scripts/python-sdk.sh` (once per machine; later calls find the stamp).
    static func install() async throws -> PythonSDK {
        let result = try await ProcessRun.run(
            ["bash", repositoryRoot.appendingPathComponent("scripts/python-sdk.sh").path], timeout: 900)
        guard result.status == 0 else {
            throw Unavailable(description: "scripts/python-sdk.sh failed (\(result.status)); Python SDK tests cannot run: \(result.stderr)")
        }
        var values: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let python = values["PYTHON"], let sdist = values["SDIST"] else {
            throw Unavailable(description: "scripts/python-sdk.sh printed no PYTHON/SDIST: \(result.stdout)")
        }
        return PythonSDK(python: python, sdist: sdist)
    }

    /// Runs a Python program with the SDK importable; fails the test with its stderr when it exits non-zero.
    func run(_ program: String, environment: [String: String] = [:]) async throws -> String {
        let python = self.python
        let result = try await ProcessRun.run([python, "-c", program], environment: environment, timeout: 120)
        if result.status != 0 {
            Issue.record("python exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }
}

/// A child process run to completion with captured output.
enum ProcessRun {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `command` (looked up on PATH) with our environment plus `environment`, in `directory`; kills it after
    /// `timeout` seconds.
    static func run(
        _ command: [String], environment: [String: String] = [:], directory: URL? = nil, timeout: Double
    ) async throws -> Result {
        let outcome = try await ChildProcess(
            command, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            workingDirectory: directory?.path
        ).run(timeout: .seconds(timeout))
        return Result(status: outcome.exitCode, stdout: outcome.output, stderr: outcome.errorOutput)
    }
}
