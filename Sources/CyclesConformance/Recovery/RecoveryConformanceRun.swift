public import Foundation

/// `cycles conformance recovery`: runs the recovery catalogue through an SDK's process adapter, with the official
/// runner's contract (argv, stdin, stdout, timeout, validation, console lines, exit codes, report) plus hygiene
/// checks that the bound tests really ran.
public struct RecoveryConformanceRun: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// The claim (`core` or `durable`).
        public var claim: RecoveryClaim
        /// Only these scenario ids (all of the claim when empty).
        public var scenarioIDs: [String] = []
        /// Per-scenario adapter timeout in seconds (the official default, 120).
        public var timeout: Double = 120
        /// The adapter command; the scenario id is appended.
        public var adapter: [String]
        /// Where to write the evidence report, if anywhere.
        public var reportURL: URL?
        /// `--implementation`.
        public var implementation: String?
        /// `--implementation-version`.
        public var implementationVersion: String?
        /// `--implementation-commit`.
        public var implementationCommit: String?
        /// `--evidence-url`.
        public var evidenceURL: String?
        /// Whether to fail scenarios whose bound tests demonstrably did not run (on by default; off reproduces the
        /// official runner's verdict exactly).
        public var hygiene = true
        /// Extra environment for the adapter processes (they otherwise inherit the runner's).
        public var adapterEnvironment: [String: String] = [:]

        /// Creates options.
        public init(claim: RecoveryClaim, adapter: [String]) {
            self.claim = claim
            self.adapter = adapter
        }
    }

    /// The outcome.
    public struct Outcome: Sendable {
        /// 0 when every scenario passed (and the report, if asked for, was written), else 1.
        public var exitCode: Int32
        /// Each scenario's result, in catalogue order.
        public var results: [RecoveryScenarioResult]
        /// The report built for the run.
        public var report: RecoveryReport?
    }

    /// The options.
    public let options: Options

    /// Creates a run.
    public init(options: Options) { self.options = options }

    /// Runs every selected scenario; `PASS` lines and the closing line go to `standardOutput`, `FAIL` lines to
    /// `standardError`, as the official runner prints them.
    public func run(
        standardOutput: @escaping @Sendable (String) -> Void, standardError: @escaping @Sendable (String) -> Void
    ) async -> Outcome {
        let all: [RecoveryScenario]
        do {
            all = try RecoveryCatalogue.scenarios()
        } catch {
            standardError("FAIL \(error)")
            return Outcome(exitCode: 1, results: [], report: nil)
        }
        let selected = Set(options.scenarioIDs)
        let scenarios = all.filter { options.claim.levels.contains($0.level) && (selected.isEmpty || selected.contains($0.id)) }
        let missing = selected.subtracting(scenarios.map(\.id))
        guard missing.isEmpty else {
            standardError(
                "FAIL selected scenarios are outside the \(options.claim.rawValue) claim or unknown: "
                    + missing.sorted().joined(separator: ", "))
            return Outcome(exitCode: 1, results: [], report: nil)
        }
        var failures: [String] = []
        var results: [RecoveryScenarioResult] = []
        let adapter = RecoveryAdapterProcess(command: options.adapter, extraEnvironment: options.adapterEnvironment)
        for scenario in scenarios {
            do {
                let completion = try await adapter.run(scenarioID: scenario.id, input: scenario.adapterInput, timeout: options.timeout)
                let result = try RecoveryScenarioResult.validate(
                    completion, scenario: scenario, timeout: options.timeout, hygiene: options.hygiene)
                results.append(result)
                standardOutput("PASS \(scenario.id): \(scenario.name)")
            } catch {
                let message = (error as? RecoveryScenarioResult.Failure)?.message
                    ?? "\(scenario.id): adapter could not be started: \(error)"
                failures.append(message)
                results.append(RecoveryScenarioResult(scenarioID: scenario.id, passed: false, nativeTests: [], diagnostic: message))
                standardError("FAIL \(message)")
            }
        }
        var report: RecoveryReport?
        if let url = options.reportURL {
            let built = RecoveryReport(
                claim: options.claim, scenarios: scenarios, results: results, implementation: await implementation(),
                evidenceURL: options.evidenceURL ?? Self.githubRunURL())
            report = built
            do {
                try built.write(to: url)
            } catch {
                failures.append("could not write evidence report: \(error)")
                standardError("FAIL could not write evidence report: \(error)")
            }
        }
        if !failures.isEmpty {
            standardError("\(failures.count) of \(scenarios.count) recovery scenarios failed.")
            return Outcome(exitCode: 1, results: results, report: report)
        }
        standardOutput("Passed \(scenarios.count) \(options.claim.rawValue) recovery scenarios.")
        return Outcome(exitCode: 0, results: results, report: report)
    }

    private func implementation() async -> RecoveryReport.Implementation {
        let environment = ProcessInfo.processInfo.environment
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var commit = options.implementationCommit ?? environment["GITHUB_SHA"].flatMap { $0.isEmpty ? nil : $0 }
        if commit == nil { commit = await Self.gitHead(in: cwd) }
        let id = options.implementation ?? environment["GITHUB_REPOSITORY"].flatMap { $0.isEmpty ? nil : $0 } ?? cwd.lastPathComponent
        return RecoveryReport.Implementation(id: id, commit: commit ?? "unknown", version: options.implementationVersion)
    }

    /// `GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID` when all three are set.
    static func githubRunURL() -> String? {
        let environment = ProcessInfo.processInfo.environment
        guard let server = environment["GITHUB_SERVER_URL"], !server.isEmpty,
            let repository = environment["GITHUB_REPOSITORY"], !repository.isEmpty,
            let run = environment["GITHUB_RUN_ID"], !run.isEmpty
        else { return nil }
        return "\(server)/\(repository)/actions/runs/\(run)"
    }

    /// `git rev-parse HEAD` in `directory` (5 s bound), or nil.
    static func gitHead(in directory: URL) async -> String? {
        guard let outcome = try? await ChildProcess(["git", "-C", directory.path, "rev-parse", "HEAD"]).run(timeout: .seconds(5)),
            outcome.exitCode == 0, !outcome.timedOut
        else { return nil }
        let head = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return head.isEmpty ? nil : head
    }

}
