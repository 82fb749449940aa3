/// Renders a report for a terminal: a table per level (MUST / SHOULD / MAY) grouped by section, then the
/// details of every failure with its `curl`, then the totals.
public enum ConsoleReport {
    /// The full text.
    public static func render(_ report: ConformanceReport) -> String {
        var lines: [String] = []
        lines.append("Cycles conformance \(report.kitVersion) (protocol \(report.protocolVersion))")
        lines.append(
            "target \(report.target) · profile \(report.profile.rawValue) · provisioner \(report.provisioner) "
                + "· seed \(report.seed)")
        for level in ConformanceLevel.allCases {
            let checks = report.checks.filter { $0.level == level }
            guard !checks.isEmpty else { continue }
            let counts = count(checks)
            lines.append("")
            lines.append("\(level.rawValue) (\(counts))")
            for section in CheckSection.allCases {
                let inSection = checks.filter { $0.section == section }
                guard !inSection.isEmpty else { continue }
                lines.append("  \(section.title)")
                for check in inSection {
                    var line =
                        "    \(label(check.status).padding(to: 6)) \(check.id.padding(to: 16)) \(check.title)"
                    if check.status == .skip, let reason = check.evidence.message { line += " — skipped: \(reason)" }
                    if check.status == .expectedFail { line += " — expected failure" }
                    lines.append(line)
                }
            }
        }
        let failed = report.checks.filter { $0.status == .fail }
        if !failed.isEmpty {
            lines.append("")
            lines.append("Failures")
            for check in failed {
                lines.append("")
                lines.append("✗ \(check.id) [\(check.level.rawValue)] \(check.title)")
                for detail in failureDetail(check).split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append("    " + detail)
                }
            }
        }
        lines.append("")
        lines.append(
            "Total: \(count(report.checks)) in \(report.durationMs) ms"
                + (report.hasMustFailures ? " — MUST checks failed" : ""))
        if report.verdict == .partial { lines.append(contentsOf: partialBanner(report)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The warning a partial run ends with: how many MUST checks were skipped, and why.
    static func partialBanner(_ report: ConformanceReport) -> [String] {
        let must = report.checks.filter { $0.level == .must }
        let skipped = must.filter { $0.status == .skip }
        var reasons: [String: Int] = [:]
        for check in skipped { reasons[check.evidence.message ?? "no reason given", default: 0] += 1 }
        var lines = [
            "",
            "!!! PARTIAL RUN — NOT A CONFORMANCE VERDICT: \(skipped.count) of \(must.count) MUST checks were skipped.",
        ]
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }) { lines.append("!!!   \(count) × \(reason)") }
        // The advice follows the reasons: a missing operator key is the common case, but a run that has one can still
        // skip what its provisioner cannot set up (the admin API has no clock, no way to create debt).
        if reasons.keys.contains(where: { $0.contains("--admin-key") }) {
            lines.append("!!! Give the kit an operator key (--admin-key) so it can create fixtures, or pass --allow-partial")
        } else {
            lines.append("!!! Run against a target that can set up what these checks need (for the reference server:")
            lines.append("!!! `cycles serve --mock`, provisioner control), or pass --allow-partial")
        }
        lines.append("!!! to accept a partial run knowingly.")
        return lines
    }

    /// Sent / received / expected / why, and the `curl` that reproduces the failing call.
    public static func failureDetail(_ check: CheckResult) -> String {
        var lines: [String] = []
        let evidence = check.evidence
        lines.append("what: \(evidence.message ?? "failed")")
        if let expected = evidence.expected { lines.append("expected: \(expected)") }
        lines.append("spec: \(evidence.spec ?? check.spec)")
        if let exchange = evidence.failingExchange ?? evidence.exchanges.last {
            lines.append("sent: \(exchange.request)" + (exchange.requestBody.map { " \($0)" } ?? ""))
            lines.append("received: \(exchange.status) \(exchange.responseBody.prefix(600))")
            lines.append("reproduce: \(exchange.curl)")
            lines.append(
                "  (the curl reuses the check's fixtures: on our control API they are deleted after the run unless it "
                    + "ran with --keep-fixtures)")
        }
        for note in evidence.notes { lines.append("note: \(note)") }
        if let known = ConformanceCatalogue.check(id: check.id)?.descriptor.note { lines.append("known: \(known)") }
        return lines.joined(separator: "\n")
    }

    static func label(_ status: CheckStatus) -> String {
        switch status {
        case .pass: "PASS"
        case .fail: "FAIL"
        case .skip: "SKIP"
        case .expectedFail: "XFAIL"
        }
    }

    static func count(_ checks: [CheckResult]) -> String {
        let summary = ConformanceReport.Summary(checks)
        var text = "\(summary.pass) passed, \(summary.fail) failed, \(summary.skip) skipped"
        if summary.expectedFail > 0 { text += ", \(summary.expectedFail) expected failures" }
        return text
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
