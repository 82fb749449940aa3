import CyclesProtocol
import Foundation

/// An adapter's answer for one scenario, once validated (or the failure that replaced it).
public struct RecoveryScenarioResult: Sendable, Hashable {
    /// The scenario.
    public var scenarioID: String
    /// Whether the scenario passed.
    public var passed: Bool
    /// The native tests the adapter attests it executed (empty for a failure, as in the official runner).
    public var nativeTests: [String]
    /// The adapter's diagnostic, or why the runner failed the scenario.
    public var diagnostic: String?

    /// Creates a result.
    public init(scenarioID: String, passed: Bool, nativeTests: [String], diagnostic: String?) {
        self.scenarioID = scenarioID
        self.passed = passed
        self.nativeTests = nativeTests
        self.diagnostic = diagnostic
    }

    /// Why a scenario failed: the official runner's wording.
    struct Failure: Error {
        let message: String
    }

    /// Applies the official runner's checks to a completed adapter process, then this kit's hygiene checks.
    static func validate(
        _ completion: RecoveryAdapterProcess.Completion, scenario: RecoveryScenario, timeout: Double, hygiene: Bool
    ) throws(Failure) -> RecoveryScenarioResult {
        let id = scenario.id
        if completion.timedOut { throw Failure(message: "\(id): adapter exceeded \(formatSeconds(timeout))s") }
        guard completion.status == 0 else {
            let stderr = completion.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            let diagnostic = stderr.isEmpty ? completion.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : stderr
            throw Failure(message: "\(id): adapter exited \(completion.status): \(diagnostic)")
        }
        guard let value = try? CyclesJSON.decode(JSONValue.self, from: Data(completion.stdout.utf8)) else {
            throw Failure(message: "\(id): adapter stdout must be one JSON result; send diagnostic logs to stderr")
        }
        guard case .object(let result) = value else { throw Failure(message: "\(id): adapter result must be an object") }
        guard result["scenario_id"] == .string(id) else { throw Failure(message: "\(id): adapter returned the wrong scenario_id") }
        guard result["passed"] == .bool(true) else {
            let diagnostic = result["diagnostic"].map(Self.text) ?? "adapter reported failure"
            throw Failure(message: "\(id): \(diagnostic)")
        }
        guard case .array(let list)? = result["native_tests"], !list.isEmpty,
            list.allSatisfy({ $0.stringValue.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false })
        else {
            throw Failure(message: "\(id): native_tests must be a non-empty list of test identifiers")
        }
        let tests = list.compactMap(\.stringValue)
        guard Set(tests).count == tests.count else { throw Failure(message: "\(id): native_tests must not contain duplicates") }
        if hygiene {
            try RecoveryHygiene.check(scenarioID: id, boundTests: tests.count, result: result, stderr: completion.stderr)
        }
        let diagnostic = result["diagnostic"].map(Self.text).flatMap { $0.isEmpty ? nil : $0 }
        return RecoveryScenarioResult(scenarioID: id, passed: true, nativeTests: tests, diagnostic: diagnostic)
    }

    /// A JSON value as the official runner would print it in an f-string (strings bare).
    private static func text(_ value: JSONValue) -> String {
        if case .string(let string) = value { return string }
        return String(decoding: (try? CyclesJSON.encode(value)) ?? Data(), as: UTF8.self)
    }
}

/// `120` for 120.0, `0.5` for 0.5 (Python's `:g`).
func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
}
