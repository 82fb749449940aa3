import Foundation
import Synchronization

/// Runs a driver program once: environment, the scenario id as its last argument, the input on standard
/// input; collects standard output and standard error, and kills it when it overruns `timeout`.
struct DriverProcess: Sendable {
    /// Serializes process launches (see `run`).
    private static let launchLock = Mutex(())

    /// The command: executable and its leading arguments (`python3 driver.py`). A bare name is looked up on PATH.
    var command: [String]
    /// How long one run may take.
    var timeout: Duration

    /// What one run produced.
    struct Output: Sendable {
        var exitCode: Int32
        var standardOutput: String
        var standardError: String
        var timedOut: Bool
    }

    func run(scenarioID: String, input: Data, environment: [String: String]) async throws -> Output {
        let process = Process()
        let executable = command[0]
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(command.dropFirst()) + [scenarioID]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command + [scenarioID]
        }
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            exited.continuation.yield(finished.terminationStatus)
            exited.continuation.finish()
        }
        // A driver that exits without reading its input would otherwise kill the kit with SIGPIPE on the write.
        signal(SIGPIPE, SIG_IGN)
        // Foundation's `Process.run()` on Linux crashed (bad pointer in its argument/environment copying) when
        // several runs started at once; starting one process at a time is cheap and avoids it.
        try Self.launchLock.withLock { _ in try process.run() }
        // Both pipes are read at once so a chatty driver never blocks on a full pipe. The reads block, so they run
        // on Dispatch threads: blocking the cooperative pool would starve the in-process server the driver talks to.
        async let output = Self.readToEnd(stdout.fileHandleForReading)
        async let errorOutput = Self.readToEnd(stderr.fileHandleForReading)
        try await Self.write(input, to: stdin.fileHandleForWriting)
        let timedOut = Atomic(false)
        let pid = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            timedOut.store(true, ordering: .relaxed)
            kill(pid, SIGKILL)
        }
        var code: Int32 = -1
        for await status in exited.stream { code = status }
        watchdog.cancel()
        return Output(
            exitCode: code, standardOutput: String(decoding: await output, as: UTF8.self),
            standardError: String(decoding: await errorOutput, as: UTF8.self), timedOut: timedOut.load(ordering: .relaxed))
    }

    /// Reads `handle` to its end on a Dispatch thread.
    private static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }

    /// Writes `data` to `handle` and closes it, on a Dispatch thread (a driver that never reads its input must not
    /// block the kit). A driver that exits without reading gets a broken pipe, which is not the kit's failure.
    private static func write(_ data: Data, to handle: FileHandle) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                try? handle.write(contentsOf: data)
                try? handle.close()
                continuation.resume()
            }
        }
    }
}
