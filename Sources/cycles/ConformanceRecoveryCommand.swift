import ArgumentParser
import CyclesConformance
import Foundation

/// `cycles conformance recovery`: the SDK recovery profile's runner, for any SDK with a process adapter.
struct ConformanceRecoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract: "Run the SDK recovery scenarios through an SDK's adapter (same contract as the official runner).",
        discussion: """
            Each scenario of the claim runs in a fresh process: `ADAPTER… SCENARIO-ID`, the scenario (id, level, \
            name, precondition, faults) on stdin, one JSON result on stdout. Exit 0 when every scenario passed, \
            1 otherwise, 2 on a usage error. With --check-report FILE, validates an evidence report instead \
            (schema, catalogue digest, profile version) and says whether it is passing, failed, stale, invalid \
            or missing.
            """)

    @Option(help: "The claim: core (core + boundary) or durable (core + durable + boundary).")
    var claim: String?

    @Option(help: "Run only this scenario ID (repeatable).")
    var scenario: [String] = []

    @Option(help: "Per-scenario adapter timeout in seconds.")
    var timeout: Double = 120

    @Option(name: .customLong("report-json"), help: "Atomically write a machine-readable evidence report to FILE.")
    var reportJSON: String?

    @Option(help: "Implementation identifier (defaults to GITHUB_REPOSITORY or the working directory's name).")
    var implementation: String?

    @Option(name: .customLong("implementation-version"), help: "Implementation release version for the report.")
    var implementationVersion: String?

    @Option(name: .customLong("implementation-commit"), help: "Implementation commit (defaults to GITHUB_SHA or HEAD).")
    var implementationCommit: String?

    @Option(name: .customLong("evidence-url"), help: "Stable URL of the CI run or other evidence.")
    var evidenceURL: String?

    @Option(name: .customLong("check-report"), help: "Validate this evidence report instead of running an adapter.")
    var checkReport: String?

    @Flag(name: .customLong("no-hygiene"), help: "Do not fail scenarios whose bound tests demonstrably did not run.")
    var noHygiene = false

    @Option(parsing: .remaining, help: "The adapter command (must come last); the runner appends the scenario ID.")
    var adapter: [String] = []

    func run() async throws {
        if let checkReport {
            guard adapter.isEmpty, claim == nil else { throw usage("--check-report cannot be combined with --claim or --adapter") }
            let check = RecoveryReportCheck(url: URL(fileURLWithPath: checkReport))
            print("\(check.verdict.rawValue.uppercased()) \(checkReport)\(check.claim.map { " (claim: \($0))" } ?? "")")
            for finding in check.findings { print("  \(finding)") }
            if check.verdict != .passing { throw ExitCode(1) }
            return
        }
        guard let claimText = claim else { throw usage("the following arguments are required: --claim") }
        guard let parsedClaim = RecoveryClaim(rawValue: claimText) else {
            throw usage("argument --claim: invalid choice: '\(claimText)' (choose from 'core', 'durable')")
        }
        guard !adapter.isEmpty else { throw usage("--adapter requires a command") }
        guard timeout > 0, timeout.isFinite else { throw usage("--timeout must be positive") }
        var options = RecoveryConformanceRun.Options(claim: parsedClaim, adapter: adapter)
        options.scenarioIDs = scenario
        options.timeout = timeout
        options.reportURL = reportJSON.map { URL(fileURLWithPath: $0) }
        options.implementation = implementation
        options.implementationVersion = implementationVersion
        options.implementationCommit = implementationCommit
        options.evidenceURL = evidenceURL
        options.hygiene = !noHygiene
        let outcome = await RecoveryConformanceRun(options: options).run(
            standardOutput: { print($0) },
            standardError: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// A usage error: the message on stderr and exit 2, as the official runner's argument parser does.
    private func usage(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("cycles conformance recovery: error: \(message)\n".utf8))
        return ExitCode(2)
    }
}
