import CyclesProtocol
import Foundation

/// Checks the official runner does not make: that the adapter's bound tests actually ran.
///
/// A test filter that matches nothing exits 0 in most toolchains (cargo, vitest, `swift test`), so an adapter
/// bound to a renamed test "passes" without running anything. Evidence, strongest first: the adapter's own
/// `tests_run` count in its result, else the test runner's closing summary on stderr (pytest, Swift Testing,
/// XCTest, cargo, vitest/jest). A scenario fails when that evidence shows zero tests, or fewer tests than the
/// adapter names. Without evidence the scenario is judged as the official runner judges it.
enum RecoveryHygiene {
    static func check(
        scenarioID: String, boundTests: Int, result: [String: JSONValue], stderr: String
    ) throws(RecoveryScenarioResult.Failure) {
        let ran: Int?
        let source: String
        if case .integer(let count)? = result["tests_run"] {
            ran = Int(count)
            source = "the adapter's tests_run"
        } else {
            ran = testsRun(inRunnerOutput: stderr)
            source = "the test runner's summary"
        }
        guard let ran else { return }
        if ran == 0 {
            throw .init(message: "\(scenarioID): hygiene: the bound tests did not run (\(source) says 0 tests ran)")
        }
        if ran < boundTests {
            throw .init(
                message: "\(scenarioID): hygiene: \(boundTests) native tests are named but \(source) says only \(ran) ran")
        }
    }

    /// The number of tests a test runner reports it ran, from its closing lines; nil when none is recognised.
    static func testsRun(inRunnerOutput output: String) -> Int? {
        var total: Int?
        func add(_ count: Int) { total = (total ?? 0) + count }
        for line in output.split(whereSeparator: \.isNewline).map(String.init) {
            let plain = line.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
            if plain.contains("no tests ran") || plain.contains("No matching test cases were run") || plain.contains("running 0 tests") {
                add(0)
            } else if let count = first(#"Test run with (\d+) tests?"#, in: plain) {
                add(count)  // Swift Testing
            } else if let count = first(#"Executed (\d+) tests?, with"#, in: plain), count > 0 {
                add(count)  // XCTest (its "Executed 0 tests" also prints when only Swift Testing ran)
            } else if plain.hasPrefix("test result:") {
                add((first(#"(\d+) passed"#, in: plain) ?? 0) + (first(#"(\d+) failed"#, in: plain) ?? 0))  // cargo
            } else if plain.range(of: #"^\s*Tests:?\s+.*\d+ (passed|failed)"#, options: .regularExpression) != nil {
                add((first(#"(\d+) passed"#, in: plain) ?? 0) + (first(#"(\d+) failed"#, in: plain) ?? 0))  // vitest/jest
            } else if plain.range(of: #"^=*\s*(\d+ failed, )?\d+ passed.* in [0-9.]+s"#, options: .regularExpression) != nil
                || plain.range(of: #"^=*\s*\d+ failed.* in [0-9.]+s"#, options: .regularExpression) != nil
            {
                add((first(#"(\d+) passed"#, in: plain) ?? 0) + (first(#"(\d+) failed"#, in: plain) ?? 0))  // pytest
            }
        }
        return total
    }

    private static func first(_ pattern: String, in text: String) -> Int? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), match.numberOfRanges > 1,
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return Int(text[range])
    }
}
