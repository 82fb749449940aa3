import CyclesProtocol
import CyclesServer
import Foundation

/// Runs client scenarios against one SDK driver: for each scenario it prepares a namespace on the in-process
/// mock, runs the driver once, collects journal + capture + ledger, and judges. Results use the server mode's
/// report types, so the console, JUnit and JSON reports and expected-failure lists work unchanged.
public struct ClientConformanceRunner: Sendable {
    /// The mock server.
    public var host: ClientConformanceHost
    /// The driver command (executable and leading arguments); the scenario id is appended.
    public var driver: [String]
    /// A label for reports (`python runcycles`, `swift`).
    public var driverName: String
    /// Known failures of this SDK, with reasons.
    public var expectedFailures: ExpectedFailures
    /// How many scenarios run at once (each has its own namespace, tenant and key).
    public var parallelism: Int
    /// How long one driver run may take.
    public var driverTimeout: Duration
    /// Variables added to the driver's environment (after the kit's own `CYCLES_*`).
    public var extraEnvironment: [String: String]

    /// Creates a runner.
    public init(
        host: ClientConformanceHost, driver: [String], driverName: String? = nil,
        expectedFailures: ExpectedFailures = ExpectedFailures(), parallelism: Int = 4,
        driverTimeout: Duration = .seconds(60), extraEnvironment: [String: String] = [:]
    ) {
        self.host = host
        self.driver = driver
        self.driverName = driverName ?? driver.last.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "driver"
        self.expectedFailures = expectedFailures
        self.parallelism = max(1, parallelism)
        self.driverTimeout = driverTimeout
        self.extraEnvironment = extraEnvironment
    }

    /// Runs `scenarios` and returns the report (results in the order given).
    public func run(
        _ scenarios: [ClientScenario], profile: ConformanceProfile = .all,
        progress: (@Sendable (CheckResult, Int, Int) -> Void)? = nil
    ) async -> ConformanceReport {
        let startedAt = Int64(Date().timeIntervalSince1970 * 1_000)
        let clock = ContinuousClock()
        let start = clock.now
        var results: [String: CheckResult] = [:]
        var done = 0
        await withTaskGroup(of: CheckResult.self) { group in
            var pending = scenarios[...]
            for _ in 0..<min(parallelism, pending.count) {
                let next = pending.removeFirst()
                group.addTask { await self.run(next) }
            }
            for await result in group {
                results[result.id] = result
                done += 1
                progress?(result, done, scenarios.count)
                if let next = pending.popFirst() { group.addTask { await self.run(next) } }
            }
        }
        return ConformanceReport(
            target: "\(driverName) driver → \(host.baseURL)", profile: profile, provisioner: "in-process mock",
            seed: 0, startedAtMs: startedAt, durationMs: (clock.now - start).wholeMilliseconds,
            checks: scenarios.compactMap { results[$0.id] })
    }

    /// Runs one scenario and classifies its outcome.
    public func run(_ scenario: ClientScenario) async -> CheckResult {
        let clock = ContinuousClock()
        let start = clock.now
        var evidence = CheckEvidence()
        var failure: CheckFailure?
        do {
            let stage = try await host.prepare(scenario)
            let journalDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("cycles-client-\(scenario.id)-\(RandomIdentifier.secretHex(byteCount: 4))")
            try FileManager.default.createDirectory(at: journalDirectory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: journalDirectory) }
            let output = try await DriverProcess(command: driver, timeout: driverTimeout).run(
                scenarioID: scenario.id, input: try input(for: scenario),
                environment: environment(stage: stage, journalDirectory: journalDirectory.path))
            let result = Self.parseResult(output)
            let collected = try await host.collect(stage, result: result)
            evidence.notes = Self.transcript(collected)
            if let sdk = result["sdk"]?.stringValue { evidence.notes.insert("sdk: \(sdk)", at: 0) }
            if output.timedOut {
                failure = CheckFailure(
                    "the driver did not exit within \(driverTimeout)", expected: "the SDK finishes every step")
            } else {
                do {
                    try collected.expectDriverRan()
                    try scenario.judge(collected)
                } catch let error as CheckFailure {
                    failure = error
                }
            }
            if failure != nil, !output.standardError.isEmpty {
                evidence.notes.append("driver stderr (tail): " + String(output.standardError.suffix(1_500)))
            }
        } catch let error as CheckFailure {
            failure = error
        } catch {
            failure = CheckFailure("the kit could not run the scenario: \(error)", expected: "a running driver")
        }
        var status = CheckStatus.pass
        if let failure {
            status = .fail
            evidence.message = failure.message
            evidence.expected = failure.expected
            evidence.spec = failure.spec ?? scenario.descriptor.spec
        } else {
            // Transcripts are kept for failures only; a passing scenario's report stays short.
            evidence.notes = evidence.notes.filter { $0.hasPrefix("sdk: ") }
        }
        if expectedFailures.contains(scenario.id) {
            if status == .fail {
                status = .expectedFail
                if let reason = expectedFailures.reasons[scenario.id], !reason.isEmpty {
                    evidence.notes.insert("expected failure: \(reason)", at: 0)
                }
            } else {
                evidence.notes.append("listed in the expected-failures file but passed: remove it from the list")
            }
        }
        return CheckResult(
            descriptor: scenario.descriptor, status: status, durationMs: (clock.now - start).wholeMilliseconds,
            evidence: evidence)
    }

    private func input(for scenario: ClientScenario) throws -> Data {
        try CyclesJSON.encode(JSONValue.object(["scenario": .string(scenario.id), "steps": .array(scenario.steps)]))
    }

    /// The kit's environment without any `CYCLES_*` of the caller, plus the contract's variables.
    private func environment(stage: ClientConformanceHost.Stage, journalDirectory: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CYCLES_") }
        environment["CYCLES_BASE_URL"] = host.baseURL
        environment["CYCLES_API_KEY"] = stage.apiKey
        environment["CYCLES_TENANT"] = stage.tenant
        environment["CYCLES_JOURNAL_DIR"] = journalDirectory
        for (name, value) in extraEnvironment { environment[name] = value }
        return environment
    }

    /// The last line of standard output that is a JSON object, or a `driver_error` explaining its absence.
    static func parseResult(_ output: DriverProcess.Output) -> JSONValue {
        for line in output.standardOutput.split(whereSeparator: \.isNewline).reversed() {
            if let value = try? CyclesJSON.decode(JSONValue.self, from: Data(line.utf8)), value.objectValue != nil {
                return value
            }
        }
        return [
            "driver_error": .string(
                "no JSON result on stdout (exit \(output.exitCode)); stderr: \(output.standardError.suffix(600))")
        ]
    }
}
