import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of an adapter command for one scenario: a fresh process running `[command…, scenario id]` in the
/// runner's working directory and environment, the scenario input on stdin, stdout and stderr captured, killed
/// when it outlives the timeout.
struct RecoveryAdapterProcess {
    /// What the process did.
    struct Completion {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    let command: [String]
    let extraEnvironment: [String: String]

    func run(scenarioID: String, input: String, timeout: Double) throws -> Completion {
        signal(SIGPIPE, SIG_IGN)  // an adapter that exits without reading stdin must not kill the runner
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command + [scenarioID]  // env resolves the command on PATH, like subprocess.run
        if !extraEnvironment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
        }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let readers = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: readers) { outData = stdout.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: readers) { errData = stderr.fileHandleForReading.readDataToEndOfFile() }
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try? stdin.fileHandleForWriting.close()

        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        // A grandchild that inherited the pipes could keep them open forever; do not wait on it for long.
        _ = readers.wait(timeout: .now() + (timedOut ? 2 : 30))
        return Completion(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), timedOut: timedOut)
    }
}
