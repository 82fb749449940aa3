import CyclesConformance
import CyclesProtocol
import CyclesServer
import Foundation
import Testing

/// The self-contained HTML report (`--html`): a real run's failure is there in full, hostile text stays text, and
/// nothing on the page reaches for the network.
struct HTMLReportTests {
    /// The only elements the page uses: none of them loads or runs anything.
    static let allowedElements: Set<String> = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "header", "footer", "section", "h1", "h2", "h4",
        "h5", "p", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tr", "th", "td", "details", "summary",
        "span", "pre", "div",
    ]
    /// Attributes that could point elsewhere or run code.
    static let forbiddenAttributes = ["src=", "href=", "action=", "srcset=", "poster=", "data=", "style=", " on"]

    /// Every tag on the page (escaped text has no raw `<`, so each `<…>` is real markup) is one of the allowed
    /// elements without a linking or scripting attribute, and the stylesheet imports nothing.
    static func expectSelfContained(_ html: String) {
        for match in html.matches(of: /<\/?([!A-Za-z0-9]+)[^>]*>/) {
            let tag = String(match.output.0).lowercased()
            let name = String(match.output.1).lowercased()
            #expect(allowedElements.contains(name), "unexpected element: \(tag)")
            for attribute in forbiddenAttributes { #expect(!tag.contains(attribute), "\(attribute) in \(tag)") }
        }
        let style = html.split(separator: "<style>").dropFirst().first?.split(separator: "</style>").first ?? ""
        #expect(!style.contains("url(") && !style.contains("@import"), "the stylesheet loads nothing")
        #expect(!html.lowercased().contains("javascript:"))
        #expect(html.contains("default-src 'none'"), "the page forbids every external resource to the browser too")
        #expect(
            html.components(separatedBy: "<details").count == html.components(separatedBy: "</details>").count,
            "every <details> is closed")
    }

    @Test("the report of a run with a known failure expands it to what was sent, what came back, the expectation, the spec and the curl")
    func realFailure() async throws {
        let report = try await Self.failingRun()

        let failed = try #require(report.checks.first { $0.id == "SRV-WIRE-010" })
        #expect(failed.status == .fail)
        let shown = try #require(failed.evidence.failingExchange ?? failed.evidence.exchanges.last)
        let html = HTMLReport.render(report)
        Self.expectSelfContained(html)
        #expect(html.contains("<details class=\"check fail\" id=\"check-SRV-WIRE-010\" open>"))
        #expect(html.contains(HTMLReport.escape(failed.evidence.message ?? "")))
        if let expected = failed.evidence.expected { #expect(html.contains(HTMLReport.escape(expected))) }
        #expect(html.contains(HTMLReport.escape(failed.evidence.spec ?? failed.spec)))
        #expect(html.contains("<h5>Sent</h5>\n<pre>\(HTMLReport.escape(shown.request))"))
        #expect(html.contains("<h5>Received</h5>\n<pre>HTTP \(shown.status)\n"))
        #expect(html.contains("<pre class=\"curl\">\(HTMLReport.escape(shown.curl))</pre>"))
        #expect(html.contains("Cycles conformance: FAIL"))
        // The summary counts it under its level and section.
        #expect(html.contains("<tr><th>MUST</th>"))
        #expect(html.contains("<tr><th>WIRE</th>"))
    }

    /// A real run through the defective proxy: SRV-WIRE-010 fails (the trace header is dropped), SRV-WIRE-005 passes.
    static func failingRun() async throws -> ConformanceReport {
        try await ConformanceHarness.with { harness in
            let proxy = try await DefectiveProxy.start(upstreamURL: harness.server.baseURL, defect: .dropsTraceHeader)
            let proxyClient = WireClient(baseURL: proxy.baseURL)
            let checks = ["SRV-WIRE-010", "SRV-WIRE-005"].compactMap(ConformanceCatalogue.check(id:))
            let report = await harness.runner(client: proxyClient).run(checks, profile: .all)
            await proxyClient.shutdown()
            await proxy.stop()
            return report
        }
    }

    @Test("Headless Chromium opens the report offline and a failure expands on a click (screenshot under .build/screenshots)")
    func browserOpensReportOffline() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cycles-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("conformance.html")
        try HTMLReport.render(try await Self.failingRun()).write(to: page, atomically: true, encoding: .utf8)
        let shot = root.appendingPathComponent(".build/screenshots/report.png")
        try? FileManager.default.removeItem(at: shot)
        // Chromium, its driver, python3 and PyPI are required: a missing one fails here with the script's reason.
        let outcome = try await ChildProcess([
            "nice", "-n", "10", "bash", root.appendingPathComponent("scripts/browser-test.sh").path, "screenshot",
            page.path, shot.path, "--expand-first-details", "--details-selector", "details.check.fail",
        ]).run(timeout: .seconds(600))
        #expect(
            outcome.exitCode == 0,
            "scripts/browser-test.sh screenshot exited \(outcome.exitCode):\n\(outcome.output)\n\(outcome.errorOutput)")
        let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "expected a screenshot at \(shot.path)")
    }

    @Test("hostile text from a server or a check stays text: no tag, script or attribute escapes the page")
    func hostileContentIsEscaped() throws {
        let exchange = WireExchange(
            baseURL: "http://127.0.0.1:9",
            request: .json("POST", "/v1/reservations", ["name": "\"><img src=x onerror=alert(1)>"],
                headers: [WireHeader(CyclesHeader.adminAPIKey, "secret-admin")]),
            status: 500, headers: [WireHeader("X-Evil", "<script>alert('h')</script>")],
            body: "<script>alert(document.cookie)</script><a href=\"https://evil.example/\">x</a>", durationMs: 1)
        let descriptor = CheckDescriptor(
            id: "SRV-ERR-015", level: .must, section: .errors, title: "<b>bold</b> & \"quoted\"", spec: "§11 <i>")
        let skippedDescriptor = CheckDescriptor(
            id: "SRV-LIFE-006", level: .should, section: .lifecycle, title: "skips", spec: "§7")
        let report = ConformanceReport(
            target: "http://127.0.0.1:9/<script>", profile: .all, provisioner: "fake'\"", seed: 1, startedAtMs: 0,
            durationMs: 2,
            checks: [
                CheckResult(
                    descriptor: descriptor, status: .fail, durationMs: 1,
                    evidence: CheckEvidence(
                        message: "</details><script>alert(2)</script>", expected: "<style>body{display:none}</style>",
                        failingExchange: RecordedExchange(exchange), notes: ["note <iframe src=x>"])),
                CheckResult(
                    descriptor: skippedDescriptor, status: .skip, durationMs: 0,
                    evidence: CheckEvidence(message: "reason <script>alert(3)</script>")),
            ])
        let html = HTMLReport.render(report)
        Self.expectSelfContained(html)
        #expect(html.contains("&lt;script&gt;alert(document.cookie)&lt;/script&gt;"))
        #expect(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"))
        #expect(html.contains("&lt;/details&gt;&lt;script&gt;alert(2)&lt;/script&gt;"))
        #expect(html.contains("reason &lt;script&gt;alert(3)&lt;/script&gt;"), "the skip reason is shown, escaped")
        #expect(!html.contains("<style>body{display:none}"))
        #expect(html.components(separatedBy: "<style>").count == 2, "only the page's own stylesheet")
        #expect(!html.contains("secret-admin"), "the operator key never reaches a report")
    }

    @Test("a passing run's page says so and lists its checks without any failure block")
    func passingRun() {
        let descriptor = CheckDescriptor(id: "SRV-WIRE-001", level: .must, section: .wire, title: "passes", spec: "§1")
        let report = ConformanceReport(
            target: "http://127.0.0.1:9", profile: .all, provisioner: "fake", seed: 1, startedAtMs: 0, durationMs: 1,
            checks: [CheckResult(descriptor: descriptor, status: .pass, durationMs: 1, evidence: CheckEvidence())])
        let html = HTMLReport.render(report)
        Self.expectSelfContained(html)
        #expect(html.contains("Cycles conformance: PASS"))
        #expect(html.contains("No check failed."))
        #expect(!html.contains("class=\"check fail\""))
        #expect(html.contains("<td>SRV-WIRE-001</td>"))
    }
}
