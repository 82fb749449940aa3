import ArgumentParser
import CyclesConformance
import Foundation

/// The report options `cycles conformance server` and `cycles conformance client` share: where the reports go and
/// which failures are expected.
struct ReportOptions: ParsableArguments {
    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(help: "Write a JSON report to this file.")
    var json: String?

    @Option(help: "Write a self-contained HTML report to this file (opens offline; failures expand to their evidence).")
    var html: String?

    @Option(name: .customLong("expected-failures"), help: "File of IDs known to fail, one per line (# reason).")
    var expectedFailures: String?

    /// The expected failures read from `--expected-failures` (none without it); IDs not in `catalogue` are named in
    /// a warning on standard error.
    func loadExpectedFailures(of catalogue: [CheckDescriptor]) throws -> ExpectedFailures {
        guard let path = expectedFailures else { return ExpectedFailures() }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("--expected-failures: cannot read \(path)")
        }
        let expected = ExpectedFailures(parsing: text)
        for id in expected.unknownIDs(in: catalogue) {
            printToStandardError("warning: \(path) lists \(id), which is not in the catalogue")
        }
        return expected
    }

    /// Writes the JUnit and HTML reports of `report`, and the JSON report of `jsonReport` (by default `report` itself).
    func write(_ report: ConformanceReport, json jsonReport: ConformanceReport? = nil) throws {
        if let junit { try JUnitReport.render(report).write(toFile: junit, atomically: true, encoding: .utf8) }
        if let json { try (jsonReport ?? report).jsonText().write(toFile: json, atomically: true, encoding: .utf8) }
        if let html { try HTMLReport.render(report).write(toFile: html, atomically: true, encoding: .utf8) }
    }
}

/// Progress and warnings go to standard error so standard output stays the report.
func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
