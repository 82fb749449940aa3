public import CyclesProtocol
public import Foundation

/// The machine-readable evidence report (`report.schema.json`, schema version 1.0), built and written as the
/// official runner writes it.
public struct RecoveryReport: Sendable {
    /// The schema's `$id`, which every report carries as `$schema`.
    public static let schemaURL =
        "https://raw.githubusercontent.com/runcycles/cycles-protocol/main/client-recovery/report.schema.json"

    /// Who is being certified.
    public struct Implementation: Sendable {
        /// `--implementation`, else `GITHUB_REPOSITORY`, else the working directory's name.
        public var id: String
        /// `--implementation-commit`, else `GITHUB_SHA`, else `git rev-parse HEAD` in the working directory, else `unknown`.
        public var commit: String
        /// `--implementation-version`.
        public var version: String?

        /// Creates an implementation entry.
        public init(id: String, commit: String, version: String? = nil) {
            self.id = id
            self.commit = commit
            self.version = version
        }
    }

    /// The report as JSON, ready to write.
    public let json: JSONValue

    /// Builds the report of one run.
    init(
        claim: RecoveryClaim, scenarios: [RecoveryScenario], results: [RecoveryScenarioResult],
        implementation: Implementation, evidenceURL: String?, generatedAt: Date = Date()
    ) {
        var entries: [JSONValue] = []
        for scenario in scenarios {
            guard let result = results.first(where: { $0.scenarioID == scenario.id }) else { continue }
            var entry: [String: JSONValue] = [
                "id": .string(scenario.id), "level": .string(scenario.level.rawValue), "name": .string(scenario.name),
                "passed": .bool(result.passed), "native_tests": .array(result.nativeTests.map(JSONValue.string)),
            ]
            if let diagnostic = result.diagnostic, !diagnostic.isEmpty { entry["diagnostic"] = .string(diagnostic) }
            entries.append(.object(entry))
        }
        let passed = results.filter(\.passed).count
        var implementationEntry: [String: JSONValue] = ["id": .string(implementation.id), "commit": .string(implementation.commit)]
        if let version = implementation.version { implementationEntry["version"] = .string(version) }
        var report: [String: JSONValue] = [
            "$schema": .string(Self.schemaURL),
            "schema_version": "1.0",
            "generated_at": .string(Self.timestamp(generatedAt)),
            "profile": [
                "name": .string(RecoveryCatalogue.profileName), "version": .string(RecoveryCatalogue.profileVersion),
                // The catalogue is embedded, not read from a protocol checkout, so there is no checkout commit to
                // report; "unknown" is what the official runner reports from an exported tree.
                "commit": "unknown", "catalog_sha256": .string(RecoveryCatalogue.digest(of: RecoveryCatalogue.text)),
            ],
            "claim": .string(claim.rawValue),
            "implementation": .object(implementationEntry),
            "summary": [
                "total": .integer(Int64(entries.count)), "passed": .integer(Int64(passed)),
                "failed": .integer(Int64(entries.count - passed)),
            ],
            "scenarios": .array(entries),
        ]
        if let evidenceURL { report["evidence_url"] = .string(evidenceURL) }
        json = .object(report)
    }

    /// UTC, whole seconds, `Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Writes the report atomically (a temporary file in the same folder, then a rename).
    public func write(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(json)
        data.append(0x0A)
        try data.write(to: url, options: .atomic)
    }
}
