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
        try await offPool { try installBlocking() }
    }

    private static func installBlocking() throws -> PythonSDK {
        let result = try ProcessRun.run(
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
        let result = try await offPool { try ProcessRun.run([python, "-c", program], environment: environment, timeout: 120) }
        if result.status != 0 {
            Issue.record("python exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }
}

/// Runs blocking work (child processes, pipes) on a dispatch thread, never on Swift concurrency's small
/// cooperative pool: blocking a pool thread would starve every other test of the run.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// A child process run to completion with captured output.
enum ProcessRun {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(
        _ command: [String], environment: [String: String] = [:], directory: URL? = nil, timeout: Double
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        let readers = DispatchGroup()
        DispatchQueue.global().async(group: readers) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: readers) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        if readers.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
