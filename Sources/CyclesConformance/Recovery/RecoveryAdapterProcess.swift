import Foundation

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

    func run(scenarioID: String, input: String, timeout: Double) async throws -> Completion {
        // The command is resolved on PATH like the official runner's subprocess.run; the environment is ours plus
        // the extra variables.
        let environment =
            extraEnvironment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
        let outcome = try await ChildProcess(command, environment: environment).run(
            [scenarioID], input: Data(input.utf8), timeout: .milliseconds(Int64(timeout * 1000)))
        return Completion(
            status: outcome.exitCode, stdout: outcome.output, stderr: outcome.errorOutput, timedOut: outcome.timedOut)
    }
}
