/// Renders a report as JUnit XML: one `<testcase>` per check, classname `<level>.<section>`.
public enum JUnitReport {
    /// The XML document.
    public static func render(_ report: ConformanceReport) -> String {
        let failures = report.summary.fail
        let skipped = report.summary.skip + report.summary.expectedFail
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        lines.append(
            "<testsuites name=\"cycles-conformance\" tests=\"\(report.checks.count)\" failures=\"\(failures)\" "
                + "time=\(attribute(seconds(report.durationMs)))>")
        lines.append(
            "  <testsuite name=\(attribute("cycles-conformance \(report.target)")) tests=\"\(report.checks.count)\" "
                + "failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\(attribute(seconds(report.durationMs)))>")
        lines.append("    <properties>")
        for (name, value) in [
            ("kit_version", report.kitVersion), ("protocol_version", report.protocolVersion),
            ("profile", report.profile.rawValue), ("provisioner", report.provisioner), ("seed", String(report.seed)),
        ] {
            lines.append("      <property name=\(attribute(name)) value=\(attribute(value))/>")
        }
        lines.append("    </properties>")
        for check in report.checks {
            let open =
                "    <testcase classname=\(attribute("\(check.level.rawValue).\(check.section.rawValue)")) "
                + "name=\(attribute("\(check.id) \(check.title)")) time=\(attribute(seconds(check.durationMs)))"
            switch check.status {
            case .pass:
                lines.append(open + "/>")
            case .skip:
                lines.append(open + ">")
                lines.append("      <skipped message=\(attribute(check.evidence.message ?? "skipped"))/>")
                lines.append("    </testcase>")
            case .expectedFail:
                lines.append(open + ">")
                lines.append(
                    "      <skipped message=\(attribute("expected failure: " + (check.evidence.message ?? "")))/>")
                lines.append("    </testcase>")
            case .fail:
                lines.append(open + ">")
                lines.append(
                    "      <failure message=\(attribute(check.evidence.message ?? "failed")) type=\(attribute(check.level.rawValue))>"
                        + escape(ConsoleReport.failureDetail(check)) + "</failure>")
                lines.append("    </testcase>")
            }
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func seconds(_ milliseconds: Int64) -> String {
        let whole = milliseconds / 1000
        let fraction = milliseconds % 1000
        let padded = String(fraction).count < 3 ? String(repeating: "0", count: 3 - String(fraction).count) : ""
        return "\(whole).\(padded)\(fraction)"
    }

    static func attribute(_ text: String) -> String { "\"" + escape(text) + "\"" }

    /// XML 1.0 forbids most control characters even when escaped, so they show as `?`.
    static func escape(_ text: String) -> String { MarkupEscaping.escape(text, controlReplacement: "?") }
}
