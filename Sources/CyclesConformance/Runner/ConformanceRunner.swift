import CyclesProtocol
import Foundation

/// Runs checks against one target: in parallel where safe (each check has its own fresh fixtures), heavy
/// checks alone, every check bounded by a timeout, results mapped through the expected-failure list.
public struct ConformanceRunner: Sendable {
    /// Talks to the target.
    public let client: WireClient
    /// Creates fixtures on the target.
    public let provisioner: any Provisioner
    /// Run settings.
    public let options: RunOptions
    /// Known failures of this implementation.
    public let expectedFailures: ExpectedFailures

    /// Creates a runner.
    public init(
        client: WireClient, provisioner: any Provisioner, options: RunOptions = RunOptions(),
        expectedFailures: ExpectedFailures = ExpectedFailures()
    ) {
        self.client = client
        self.provisioner = provisioner
        self.options = options
        self.expectedFailures = expectedFailures
    }

    /// Runs `checks` (already filtered) and reports each result to `progress` as it completes.
    public func run(
        _ checks: [ConformanceCheck], profile: ConformanceProfile,
        progress: (@Sendable (CheckResult, _ done: Int, _ total: Int) -> Void)? = nil
    ) async -> ConformanceReport {
        let startedAt = Int64(Date().timeIntervalSince1970 * 1000)
        let clock = ContinuousClock()
        let start = clock.now
        let total = checks.count
        let counter = ProgressCounter()
        var results: [String: CheckResult] = [:]

        let shared = checks.filter { !$0.descriptor.runsAlone }
        let alone = checks.filter { $0.descriptor.runsAlone }
        // Shared checks run in a sliding window of `parallelism`; they never touch each other's tenants.
        await withTaskGroup(of: CheckResult.self) { group in
            var pending = shared[...]
            for _ in 0..<options.parallelism {
                guard let check = pending.popFirst() else { break }
                group.addTask { await self.run(check) }
            }
            while let result = await group.next() {
                results[result.id] = result
                let done = await counter.increment()
                progress?(result, done, total)
                if let check = pending.popFirst() { group.addTask { await self.run(check) } }
            }
        }
        // Load-heavy checks (stampedes, randomized workloads) run one at a time so their races are real.
        for check in alone {
            let result = await run(check)
            results[result.id] = result
            let done = await counter.increment()
            progress?(result, done, total)
        }
        let ordered = checks.compactMap { results[$0.id] }
        return ConformanceReport(
            target: client.baseURL, profile: profile, provisioner: provisioner.name, seed: options.seed,
            startedAtMs: startedAt, durationMs: (clock.now - start).wholeMilliseconds, checks: ordered)
    }

    /// Runs one check and classifies its outcome.
    public func run(_ check: ConformanceCheck) async -> CheckResult {
        let context = CheckContext(
            descriptor: check.descriptor, client: client, provisioner: provisioner, options: options)
        let clock = ContinuousClock()
        let start = clock.now
        var status = CheckStatus.pass
        var failure: CheckFailure?
        var skipReason: String?
        if check.descriptor.requires.contains(.adminKey), options.adminKey == nil {
            skipReason = "needs the operator key (--admin-key)"
        } else {
            do {
                try await withTimeout(options.checkTimeout, id: check.id) { try await check.body(context) }
            } catch let error as CheckFailure {
                failure = error
            } catch let error as CheckSkipped {
                skipReason = error.reason
            } catch let error as ProvisioningError {
                failure = CheckFailure(
                    error.description, expected: "the provisioner can create the fixture", exchange: error.exchange)
            } catch {
                failure = CheckFailure("unexpected error: \(error)")
            }
        }
        let duration = (clock.now - start).wholeMilliseconds
        let (kept, omitted) = await context.log.exchanges()
        var evidence = CheckEvidence(
            exchanges: kept.map(RecordedExchange.init), omittedExchanges: omitted, notes: await context.log.notes)
        if let failure {
            status = .fail
            evidence.message = failure.message
            evidence.expected = failure.expected
            evidence.spec = failure.spec ?? check.descriptor.spec
            evidence.failingExchange = failure.exchange.map(RecordedExchange.init)
        } else if let skipReason {
            status = .skip
            evidence.message = skipReason
        }
        if expectedFailures.contains(check.id) {
            if status == .fail {
                status = .expectedFail
            } else if status == .pass {
                evidence.notes.append("listed in the expected-failures file but passed: remove it from the list")
            }
        }
        for fixture in await context.log.fixtures { await provisioner.dispose(fixture) }
        return CheckResult(descriptor: check.descriptor, status: status, durationMs: duration, evidence: evidence)
    }

    private func withTimeout(_ limit: Duration, id: String, _ body: @escaping @Sendable () async throws -> Void)
        async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw CheckFailure("\(id) did not finish within \(limit)", expected: "an answer to every request")
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }
}

/// Counts finished checks for progress output.
actor ProgressCounter {
    private var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}
