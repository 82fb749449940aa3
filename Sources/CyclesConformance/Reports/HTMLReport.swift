import Foundation

/// Renders a report as one self-contained HTML page (`cycles conformance … --html FILE`): a summary by level and by
/// section, every failure as a `<details>` element that expands to what was sent, what came back, what was
/// expected, the spec section and the `curl` that reproduces it, then expected failures, skips with their reasons,
/// and the passing checks.
///
/// The page must open from a CI artifact with no network and must not run anything a server sent back, so:
/// inline CSS only, no script, no link, image, font or other URL of any kind (a `Content-Security-Policy` of
/// `default-src 'none'` says so to the browser as well), and every piece of text, a response body above all, goes
/// through `escape`.
public enum HTMLReport {
    /// The page.
    public static func render(_ report: ConformanceReport) -> String {
        var html = ""
        html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<title>Cycles conformance: \(escape(report.verdict.rawValue.uppercased())) — \(escape(report.target))</title>\n"
        html += "<style>\(stylesheet)</style>\n</head>\n<body>\n"
        html += header(report)
        html += summary(report)
        html += section(
            "Failures", id: "failures", checks: report.checks.filter { $0.status == .fail },
            empty: "No check failed.", open: true)
        html += section(
            "Expected failures", id: "expected-failures", checks: report.checks.filter { $0.status == .expectedFail },
            empty: "None listed.", open: false)
        html += skipped(report.checks.filter { $0.status == .skip })
        html += passed(report.checks.filter { $0.status == .pass })
        html += "<footer>cycles conformance kit \(escape(report.kitVersion)) · protocol \(escape(report.protocolVersion))"
        html += "</footer>\n</body>\n</html>\n"
        return html
    }

    // MARK: - Parts

    static func header(_ report: ConformanceReport) -> String {
        let verdict = report.verdict.rawValue
        var html = "<header class=\"verdict \(verdict)\">\n"
        html += "<h1>Cycles conformance: \(escape(verdict.uppercased()))</h1>\n"
        html += "<p>\(escape(verdictSentence(report)))</p>\n</header>\n"
        let started = Date(timeIntervalSince1970: Double(report.startedAtMs) / 1000)
        let facts: [(String, String)] = [
            ("Target", report.target), ("Profile", report.profile.rawValue), ("Provisioner", report.provisioner),
            ("Seed", String(report.seed)), ("Started", started.formatted(.iso8601)),
            ("Duration", "\(JUnitReport.seconds(report.durationMs)) s"), ("Kit", report.kitVersion),
            ("Protocol", report.protocolVersion),
        ]
        html += "<dl class=\"facts\">\n"
        for (name, value) in facts { html += "<dt>\(escape(name))</dt><dd>\(escape(value))</dd>\n" }
        html += "</dl>\n"
        return html
    }

    static func verdictSentence(_ report: ConformanceReport) -> String {
        switch report.verdict {
        case .pass: "Every selected MUST check ran and passed."
        case .fail: "At least one MUST check failed."
        case .partial: "No MUST check failed, but some were skipped: this run is not a conformance result."
        }
    }

    static func summary(_ report: ConformanceReport) -> String {
        var html = "<section id=\"summary\">\n<h2>Summary</h2>\n"
        html += "<p class=\"totals\">\(escape(ConsoleReport.count(report.checks)))</p>\n"
        html += table(
            "By level", rows: ConformanceLevel.allCases.map { level in
                (level.rawValue, report.checks.filter { $0.level == level })
            })
        let sections = CheckSection.allCases.compactMap { section -> (String, [CheckResult])? in
            let checks = report.checks.filter { $0.section == section }
            return checks.isEmpty ? nil : (section.rawValue, checks)
        }
        html += table("By section", rows: sections)
        return html + "</section>\n"
    }

    static func table(_ caption: String, rows: [(String, [CheckResult])]) -> String {
        var html = "<table>\n<caption>\(escape(caption))</caption>\n"
        html += "<thead><tr><th></th><th>checks</th><th>pass</th><th>fail</th><th>skip</th><th>expected fail</th></tr></thead>\n<tbody>\n"
        for (name, checks) in rows {
            let counts = ConformanceReport.Summary(checks)
            html += "<tr><th>\(escape(name))</th><td>\(checks.count)</td><td class=\"pass\">\(counts.pass)</td>"
            html += "<td class=\"\(counts.fail > 0 ? "fail" : "")\">\(counts.fail)</td><td>\(counts.skip)</td>"
            html += "<td>\(counts.expectedFail)</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func section(_ title: String, id: String, checks: [CheckResult], empty: String, open: Bool) -> String {
        var html = "<section id=\"\(id)\">\n<h2>\(escape(title)) (\(checks.count))</h2>\n"
        if checks.isEmpty { return html + "<p>\(escape(empty))</p>\n</section>\n" }
        for check in checks { html += detail(check, open: open && checks.count == 1) }
        return html + "</section>\n"
    }

    /// One check as a `<details>`: the summary line, then everything needed to understand and reproduce it.
    static func detail(_ check: CheckResult, open: Bool) -> String {
        let evidence = check.evidence
        var html = "<details class=\"check \(check.status.rawValue)\" id=\"check-\(escape(check.id))\"\(open ? " open" : "")>\n"
        html += "<summary><span class=\"id\">\(escape(check.id))</span> <span class=\"level\">\(escape(check.level.rawValue))</span> "
        html += "<span class=\"section\">\(escape(check.section.rawValue))</span> \(escape(check.title))</summary>\n"
        html += "<dl>\n"
        html += "<dt>What</dt><dd>\(escape(evidence.message ?? "failed"))</dd>\n"
        if let expected = evidence.expected { html += "<dt>Expected</dt><dd>\(escape(expected))</dd>\n" }
        html += "<dt>Spec</dt><dd>\(escape(evidence.spec ?? check.spec))</dd>\n"
        if let known = ConformanceCatalogue.check(id: check.id)?.descriptor.note {
            html += "<dt>Known</dt><dd>\(escape(known))</dd>\n"
        }
        for note in evidence.notes { html += "<dt>Note</dt><dd>\(escape(note))</dd>\n" }
        html += "</dl>\n"
        // The failing exchange, or (a check that failed without naming one) its last exchange, is shown open.
        let shown = evidence.failingExchange ?? evidence.exchanges.last
        if let shown { html += exchange(shown, heading: "The exchange that showed it") }
        let others = evidence.exchanges.filter { $0 != shown }
        if !others.isEmpty || evidence.omittedExchanges > 0 {
            html += "<details class=\"others\"><summary>\(others.count) other exchange(s)"
            if evidence.omittedExchanges > 0 { html += ", \(evidence.omittedExchanges) left out" }
            html += "</summary>\n"
            for other in others { html += exchange(other, heading: other.request) }
            html += "</details>\n"
        }
        return html + "</details>\n"
    }

    static func exchange(_ exchange: RecordedExchange, heading: String) -> String {
        var html = "<div class=\"exchange\">\n<h4>\(escape(heading))</h4>\n"
        var sent = exchange.request + "\n"
        for header in exchange.requestHeaders { sent += "\(header.name): \(header.value)\n" }
        if let body = exchange.requestBody { sent += "\n" + body }
        html += "<h5>Sent</h5>\n<pre>\(escape(sent))</pre>\n"
        var received = "HTTP \(exchange.status)\n"
        for header in exchange.responseHeaders { received += "\(header.name): \(header.value)\n" }
        received += "\n" + exchange.responseBody
        html += "<h5>Received</h5>\n<pre>\(escape(received))</pre>\n"
        html += "<h5>Reproduce</h5>\n<pre class=\"curl\">\(escape(exchange.curl))</pre>\n"
        html += "<p class=\"hint\">The curl reuses the check's fixtures: on the control API they are deleted after the "
        html += "run unless it ran with --keep-fixtures. $CYCLES_ADMIN_KEY stands for the operator key.</p>\n"
        return html + "</div>\n"
    }

    static func skipped(_ checks: [CheckResult]) -> String {
        var html = "<section id=\"skipped\">\n<h2>Skipped (\(checks.count))</h2>\n"
        if checks.isEmpty { return html + "<p>Nothing was skipped.</p>\n</section>\n" }
        html += "<table>\n<thead><tr><th>check</th><th>level</th><th>section</th><th>title</th><th>reason</th></tr></thead>\n<tbody>\n"
        for check in checks {
            html += "<tr id=\"check-\(escape(check.id))\"><td>\(escape(check.id))</td><td>\(escape(check.level.rawValue))</td>"
            html += "<td>\(escape(check.section.rawValue))</td><td>\(escape(check.title))</td>"
            html += "<td>\(escape(check.evidence.message ?? "skipped"))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func passed(_ checks: [CheckResult]) -> String {
        var html = "<section id=\"passed\">\n<details><summary><h2>Passed (\(checks.count))</h2></summary>\n"
        html += "<table>\n<tbody>\n"
        for check in checks {
            html += "<tr id=\"check-\(escape(check.id))\"><td>\(escape(check.id))</td><td>\(escape(check.level.rawValue))</td>"
            html += "<td>\(escape(check.section.rawValue))</td><td>\(escape(check.title))</td>"
            html += "<td>\(check.durationMs) ms</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</details>\n</section>\n"
    }

    /// Escapes text for HTML element content and quoted attribute values alike; other control characters would be
    /// parse errors, so they show as the replacement character.
    public static func escape(_ text: String) -> String {
        MarkupEscaping.escape(text, controlReplacement: "\u{FFFD}")
    }

    /// Readable on a laptop and in a screenshot; system fonts only (a font file would be an external resource).
    static let stylesheet = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:72rem;\
        padding:1.5rem;color:#1d2330;background:#fafbfc}
        h1{margin:0;font-size:1.6rem}h2{font-size:1.25rem;margin:1.8rem 0 .6rem;display:inline-block}
        h4{margin:.8rem 0 .3rem}h5{margin:.6rem 0 .2rem;font-size:.85rem;text-transform:uppercase;color:#555}
        .verdict{padding:1rem 1.2rem;border-radius:8px;color:#fff}.verdict p{margin:.3rem 0 0}
        .verdict.pass{background:#1f7a3a}.verdict.fail{background:#b3261e}.verdict.partial{background:#8a6100}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:1rem 0}
        .facts dt{font-weight:600}.facts dd{margin:0;word-break:break-all}
        table{border-collapse:collapse;margin:.6rem 0 1rem;background:#fff}caption{text-align:left;font-weight:600;padding:.3rem 0}
        th,td{border:1px solid #d8dde6;padding:.3rem .6rem;text-align:left;vertical-align:top}
        td.fail{background:#fde7e5;font-weight:700;color:#b3261e}.totals{font-weight:600}
        details.check{background:#fff;border:1px solid #d8dde6;border-left:6px solid #b3261e;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}
        details.check.expected-fail{border-left-color:#8a6100}
        details.check>summary{cursor:pointer;font-weight:600}details.check dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
        details.check dt{font-weight:600}details.check dd{margin:0}
        .id{font-family:ui-monospace,Menlo,Consolas,monospace}.level,.section{font-size:.75rem;border-radius:4px;padding:.05rem .35rem;background:#e8ecf3}
        pre{background:#f2f4f8;border:1px solid #d8dde6;border-radius:4px;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;\
        font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}
        pre.curl{background:#1d2330;color:#e8ecf3}.hint{font-size:.8rem;color:#555}
        #passed summary{cursor:pointer}footer{margin-top:2rem;font-size:.8rem;color:#555}
        """
}
