import CyclesConformance
import CyclesProtocol
import Foundation
import Testing

struct ReportTests {
    static func sampleReport() -> ConformanceReport {
        let exchange = WireExchange(
            baseURL: "http://127.0.0.1:9", request: .json("POST", "/v1/reservations", ["a": 1],
                headers: [WireHeader(CyclesHeader.adminAPIKey, "secret-admin"), WireHeader(CyclesHeader.apiKey, "k'1")]),
            status: 409, headers: [WireHeader("X-Request-Id", "r1")],
            body: "{\"error\":\"BUDGET_EXCEEDED\",\"message\":\"<no>\"}", durationMs: 3)
        let descriptors = [
            CheckDescriptor(id: "SRV-WIRE-001", level: .must, section: .wire, title: "passes", spec: "§1"),
            CheckDescriptor(id: "SRV-ERR-015", level: .must, section: .errors, title: "fails & <escapes>", spec: "§11"),
            CheckDescriptor(id: "SRV-LIFE-006", level: .should, section: .lifecycle, title: "skips", spec: "§7"),
            CheckDescriptor(id: "SRV-WIRE-018", level: .may, section: .wire, title: "known", spec: "§4"),
        ]
        let results = [
            CheckResult(descriptor: descriptors[0], status: .pass, durationMs: 5, evidence: CheckEvidence()),
            CheckResult(
                descriptor: descriptors[1], status: .fail, durationMs: 7,
                evidence: CheckEvidence(
                    message: "got 200 DENY", expected: "HTTP 409 BUDGET_EXCEEDED", spec: "§7 reserve",
                    failingExchange: RecordedExchange(exchange))),
            CheckResult(
                descriptor: descriptors[2], status: .skip, durationMs: 0,
                evidence: CheckEvidence(message: "no controllable clock")),
            CheckResult(descriptor: descriptors[3], status: .expectedFail, durationMs: 1, evidence: CheckEvidence()),
        ]
        return ConformanceReport(
            target: "http://127.0.0.1:9", profile: .all, provisioner: "fake", seed: 42, startedAtMs: 0, durationMs: 13,
            checks: results)
    }

    @Test("The JSON report carries kit version, target, profile and per-check status with evidence")
    func jsonReport() throws {
        let report = Self.sampleReport()
        let text = try report.jsonText()
        let json = try #require(try? CyclesJSON.decode(JSONValue.self, from: Data(text.utf8)))
        #expect(json["kit_version"]?.stringValue == ConformanceKit.version)
        #expect(json["target"]?.stringValue == "http://127.0.0.1:9")
        #expect(json["profile"]?.stringValue == "all")
        #expect(json["summary"]?["fail"]?.integerValue == 1)
        #expect(json["summary"]?["expected_fail"]?.integerValue == 1)
        let checks = try #require(json["checks"]?.arrayValue)
        #expect(checks.map { $0["status"]?.stringValue ?? "" } == ["pass", "fail", "skip", "expected-fail"])
        let failing = try #require(checks[1]["evidence"]?["failing_exchange"])
        #expect(failing["curl"]?.stringValue?.contains("$CYCLES_ADMIN_KEY") == true)
        #expect(!text.contains("secret-admin"), "the operator key never reaches a report")
        #expect(report.hasMustFailures)
    }

    @Test("JUnit XML has one escaped testcase per check with failure and skipped elements")
    func junitReport() {
        let xml = JUnitReport.render(Self.sampleReport())
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 4)
        #expect(xml.contains("failures=\"1\""))
        #expect(xml.contains("fails &amp; &lt;escapes&gt;"))
        #expect(xml.contains("<skipped message=\"no controllable clock\"/>"))
        #expect(xml.contains("<skipped message=\"expected failure: "))
        #expect(!xml.contains("<no>"), "bodies are escaped")
    }

    @Test("The console table groups by level and shows the failure with its curl")
    func consoleReport() {
        let text = ConsoleReport.render(Self.sampleReport())
        #expect(text.contains("MUST (1 passed, 1 failed, 0 skipped)"))
        #expect(text.contains("SHOULD (0 passed, 0 failed, 1 skipped)"))
        #expect(text.contains("skipped: no controllable clock"))
        #expect(text.contains("reproduce: curl -sS -i -X POST 'http://127.0.0.1:9/v1/reservations'"))
        #expect(text.contains("-H 'X-Cycles-API-Key: k'\\''1'"), "single quotes are shell-escaped")
        #expect(text.contains("--keep-fixtures"), "the reproduce line says when the curl still works")
        #expect(text.contains("MUST checks failed"))
    }

    @Test("Skipped MUST checks make a run partial; the JSON keeps exchanges of failures only when trimmed")
    func partialVerdictAndTrimmedEvidence() throws {
        var report = Self.sampleReport()
        #expect(report.verdict == .fail)
        report.checks[1].status = .pass
        report.checks[0].status = .skip
        report = ConformanceReport(
            target: report.target, profile: report.profile, provisioner: report.provisioner, seed: report.seed,
            startedAtMs: 0, durationMs: 1, checks: report.checks)
        #expect(report.summary.mustSkipped == 1)
        #expect(report.verdict == .partial)
        let text = ConsoleReport.render(report)
        #expect(text.contains("PARTIAL RUN — NOT A CONFORMANCE VERDICT: 1 of 2 MUST checks were skipped"), "\(text)")
        let trimmed = report.keepingEvidenceOfFailuresOnly()
        #expect(trimmed.checks[1].evidence.failingExchange == nil)
        #expect(trimmed.checks[1].evidence.omittedExchanges == 1)
        #expect(trimmed.checks[1].evidence.message == report.checks[1].evidence.message)
        let failing = Self.sampleReport().keepingEvidenceOfFailuresOnly()
        #expect(failing.checks[1].evidence.failingExchange != nil, "a failure keeps its exchange")
    }

    @Test("The expected-failures file ignores comments and blank lines and reports unknown IDs")
    func expectedFailuresFile() {
        let list = ExpectedFailures(
            parsing: "# known gaps\nSRV-WIRE-018  # no X-Cycles-Tenant yet\n\n  SRV-NOPE-001\n")
        #expect(list.contains("SRV-WIRE-018"))
        #expect(list.reasons["SRV-WIRE-018"] == "no X-Cycles-Tenant yet")
        #expect(!list.contains("# known gaps"))
        #expect(list.unknownIDs(in: ConformanceCatalogue.descriptors) == ["SRV-NOPE-001"])
    }
}
