import CyclesProtocol
public import Foundation

/// The SDK × scenario table of the README, rendered from real reports (one per SDK).
public enum ClientConformanceMatrix {
    /// A Markdown table: one row per scenario, one column per SDK; expected failures show their reason.
    public static func markdown(_ columns: [(sdk: String, report: ConformanceReport)]) -> String {
        var lines = [
            "| Scenario | Level | What must hold | " + columns.map(\.sdk).joined(separator: " | ") + " |",
            "|---|---|---|" + String(repeating: "---|", count: columns.count),
        ]
        let scenarios = ClientScenarioCatalogue.all
        for scenario in scenarios {
            let cells = columns.map { column -> String in
                guard let result = column.report.checks.first(where: { $0.id == scenario.id }) else { return "—" }
                switch result.status {
                case .pass: return "pass"
                case .skip: return "skip: \(escape(result.evidence.message ?? ""))"
                case .fail: return "**FAIL**: \(escape(result.evidence.message ?? ""))"
                case .expectedFail:
                    let reason = result.evidence.notes.first { $0.hasPrefix("expected failure: ") }
                        .map { String($0.dropFirst("expected failure: ".count)) } ?? result.evidence.message ?? ""
                    return "expected fail: \(escape(reason))"
                }
            }
            lines.append(
                "| \(scenario.id) | \(scenario.descriptor.level.rawValue) | \(escape(scenario.descriptor.title)) | "
                    + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `report` as JSON under `<root>/.build/client-conformance/` (for regenerating the README table).
    public static func store(_ report: ConformanceReport, sdk: String, root: URL) throws {
        let directory = root.appendingPathComponent(".build/client-conformance")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let slug = sdk.lowercased().filter { $0.isLetter || $0.isNumber }
        try report.jsonText().write(
            to: directory.appendingPathComponent("\(slug).json"), atomically: true, encoding: .utf8)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
