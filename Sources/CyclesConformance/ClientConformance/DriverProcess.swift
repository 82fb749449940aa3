import Foundation

/// Runs a driver program once: environment, the scenario id as its last argument, the input on standard
/// input; collects standard output and standard error, and kills it when it overruns `timeout`.
struct DriverProcess: Sendable {
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
        let outcome = try await ChildProcess(command, environment: environment).run(
            [scenarioID], input: input, timeout: timeout)
        return Output(
            exitCode: outcome.exitCode, standardOutput: outcome.output, standardError: outcome.errorOutput,
            timedOut: outcome.timedOut)
    }
}
