package import Foundation
package import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A program the kit (and its tests) start as a child process: drivers, recovery adapters, `git`, the Python SDK.
///
/// Every child goes through swift-subprocess, never Foundation's `Process`: on Linux (Swift 6.3.1) `Process.run()`
/// over-reads a `dirent` while it scans `/proc/self/fd` and crashes now and then in a process with many descriptors
/// open, such as a test bundle running servers (swift-corelibs-foundation pull request 5472). swift-subprocess
/// closes inherited descriptors with `close_range` and signals through a pidfd, so a late kill cannot hit a reused pid.
package struct ChildProcess: Sendable {
    /// The command: an executable (a path, or a bare name looked up on `PATH`) and its leading arguments.
    package var command: [String]
    /// The child's whole environment; nil inherits this process's.
    package var environment: [String: String]?
    /// The child's working directory; nil keeps this process's.
    package var workingDirectory: String?

    /// Everything a finished child did.
    package struct Outcome: Sendable {
        /// How it ended.
        package var terminationStatus: TerminationStatus
        /// Its standard output.
        package var standardOutput: Data
        /// Its standard error.
        package var standardError: Data
        /// True when it was killed because it outlived its timeout.
        package var timedOut: Bool

        /// The exit code, or 128 + the signal number for a child a signal ended (as a shell reports it).
        package var exitCode: Int32 {
            switch terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        }
        /// Standard output as UTF-8 text.
        package var output: String { String(decoding: standardOutput, as: UTF8.self) }
        /// Standard error as UTF-8 text.
        package var errorOutput: String { String(decoding: standardError, as: UTF8.self) }
    }

    /// A child `command` with `environment` (nil: inherit) in `workingDirectory` (nil: ours).
    package init(_ command: [String], environment: [String: String]? = nil, workingDirectory: String? = nil) {
        precondition(!command.isEmpty, "a child process needs an executable")
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// Runs the command with `arguments` appended, writes `input` to its standard input (then closes it), and waits
    /// for it to end; kills it (SIGKILL) when it outlives `timeout`.
    package func run(_ arguments: [String] = [], input: Data = Data(), timeout: Duration? = nil) async throws -> Outcome {
        try await start(arguments, input: input, timeout: timeout).finish()
    }

    /// Starts the command with `arguments` appended and returns at once; `input` is written to its standard input
    /// (then closed) while it runs. A child that cannot be started reports that from `finish()`.
    package func start(_ arguments: [String] = [], input: Data = Data(), timeout: Duration? = nil) -> Running {
        let running = Running()
        let configuration = self.configuration(arguments)
        running.task = Task {
            defer { running.ended() }
            return try await Self.execute(configuration, input: input, timeout: timeout, running: running)
        }
        return running
    }

    private func configuration(_ arguments: [String]) -> Configuration {
        let executable: Executable =
            command[0].contains("/") ? .path(FilePath(command[0])) : .name(command[0])
        let environment: Environment =
            self.environment.map { values in
                .custom(Dictionary(uniqueKeysWithValues: values.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
            } ?? .inherit
        return Configuration(
            executable: executable, arguments: Arguments(Array(command.dropFirst()) + arguments), environment: environment,
            workingDirectory: workingDirectory.map { FilePath($0) })
    }

    private static func execute(
        _ configuration: Configuration, input: Data, timeout: Duration?, running: Running
    ) async throws -> Outcome {
        let result = try await Subprocess.run(
            configuration, input: .inputWriter, output: .sequence, error: .sequence
        ) { execution in
            try await running.superviseSignals(of: execution, timeout: timeout) {
                // Input, output and error move at once, so a chatty child never blocks on a full pipe and one that
                // never reads its input (a broken pipe here is its business, not a failure) never blocks us.
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        _ = try? await execution.standardInputWriter.write(input)
                        _ = try? await execution.standardInputWriter.finish()
                    }
                    group.addTask {
                        do {
                            for try await buffer in execution.standardOutput {
                                buffer.withUnsafeBytes { running.append(Data($0), toError: false) }
                            }
                        } catch {}
                    }
                    group.addTask {
                        do {
                            for try await buffer in execution.standardError {
                                buffer.withUnsafeBytes { running.append(Data($0), toError: true) }
                            }
                        } catch {}
                    }
                }
            }
        }
        let (output, errorOutput) = running.captured()
        return Outcome(
            terminationStatus: result.terminationStatus, standardOutput: output, standardError: errorOutput,
            timedOut: result.closureResult)
    }

    /// A started child: signal it, watch its output, wait for it.
    package final class Running: Sendable {
        private struct State {
            var output = Data()
            var errorOutput = Data()
            var ended = false
            var killedAtTimeout = false
            var waiters: [(marker: String, continuation: CheckedContinuation<String, Never>)] = []
        }

        private let state = Mutex(State())
        private let signals = AsyncStream<Subprocess.Signal>.makeStream()
        nonisolated(unsafe) fileprivate var task: Task<Outcome, any Error>?

        fileprivate init() {}

        /// Sends `signal` to the child (ignored once it has ended).
        package func send(_ signal: Subprocess.Signal) { signals.continuation.yield(signal) }

        /// Interrupts the child (SIGINT), as Ctrl-C in a terminal does.
        package func interrupt() { send(.interrupt) }

        /// Kills the child at once (SIGKILL): no flush, no clean-up, as if the machine lost power.
        package func kill() { send(.kill) }

        /// Waits until the child has printed `marker` (on standard output or error) or has ended, and returns what it
        /// printed so far, both streams together.
        package func output(containing marker: String) async -> String {
            await withCheckedContinuation { continuation in
                let ready: String? = state.withLock { state in
                    let text = Self.text(state)
                    if text.contains(marker) || state.ended { return text }
                    state.waiters.append((marker, continuation))
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }

        /// What the child has printed so far, each stream on its own.
        package func printed() -> (output: String, errorOutput: String) {
            state.withLock { (String(decoding: $0.output, as: UTF8.self), String(decoding: $0.errorOutput, as: UTF8.self)) }
        }

        /// Waits for the child to end and returns what it did.
        package func finish() async throws -> Outcome {
            guard let task else { preconditionFailure("ChildProcess.Running has no task") }
            return try await task.value
        }

        fileprivate func append(_ data: Data, toError: Bool) {
            let woken: [(CheckedContinuation<String, Never>, String)] = state.withLock { state in
                if toError { state.errorOutput.append(data) } else { state.output.append(data) }
                let text = Self.text(state)
                let (ready, waiting) = state.waiters.reduce(into: ([(CheckedContinuation<String, Never>, String)](), [(marker: String, continuation: CheckedContinuation<String, Never>)]())) {
                    if text.contains($1.marker) { $0.0.append(($1.continuation, text)) } else { $0.1.append($1) }
                }
                state.waiters = waiting
                return ready
            }
            for (continuation, text) in woken { continuation.resume(returning: text) }
        }

        fileprivate func ended() {
            let woken = state.withLock { state in
                state.ended = true
                defer { state.waiters = [] }
                return state.waiters.map { ($0.continuation, Self.text(state)) }
            }
            for (continuation, text) in woken { continuation.resume(returning: text) }
            signals.continuation.finish()
        }

        fileprivate func captured() -> (Data, Data) { state.withLock { ($0.output, $0.errorOutput) } }

        private static func text(_ state: State) -> String {
            String(decoding: state.output, as: UTF8.self) + String(decoding: state.errorOutput, as: UTF8.self)
        }

        /// How one supervising task of `superviseSignals` ended.
        private enum SupervisionStep: Sendable { case streamsEnded, signalsEnded, killedAtTimeout(givenUp: Bool) }

        /// Runs `work` (which returns when the child's streams end) while forwarding `send` requests to the child and
        /// killing it after `timeout`; returns whether the timeout fired.
        fileprivate func superviseSignals<I, O, E>(
            of execution: Execution<I, O, E>, timeout: Duration?, until work: @escaping @Sendable () async -> Void
        ) async throws -> Bool {
            let signals = self.signals.stream
            // Supervision is over when the streams end, or when a child killed at its timeout still has its descriptors
            // held open by a grandchild two seconds later (then its output is given up on).
            return await withTaskGroup(of: SupervisionStep.self) { group in
                group.addTask {
                    await work()
                    return .streamsEnded
                }
                group.addTask {
                    for await signal in signals { try? execution.send(signal: signal) }
                    return .signalsEnded
                }
                if let timeout {
                    group.addTask {
                        guard (try? await Task.sleep(for: timeout)) != nil else { return .killedAtTimeout(givenUp: false) }
                        self.state.withLock { $0.killedAtTimeout = true }
                        try? execution.send(signal: .kill)
                        return .killedAtTimeout(givenUp: (try? await Task.sleep(for: .seconds(2))) != nil)
                    }
                }
                loop: while let step = await group.next() {
                    switch step {
                    case .streamsEnded: break loop
                    case .signalsEnded: continue
                    case .killedAtTimeout(let givenUp): if givenUp { break loop }
                    }
                }
                group.cancelAll()
                return self.state.withLock { $0.killedAtTimeout }
            }
        }
    }
}
