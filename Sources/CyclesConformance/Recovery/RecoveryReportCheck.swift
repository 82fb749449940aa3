public import CyclesProtocol
public import Foundation

/// The verdict on a recovery evidence report given to `cycles conformance recovery --check-report`.
///
/// The profile asks a published matrix to tell a passing report from a missing, failed, unclaimed or stale one;
/// this says which one a file is.
public struct RecoveryReportCheck: Sendable {
    /// What the report is.
    public enum Verdict: String, Sendable {
        /// Schema-valid, current catalogue, every scenario of the claim passed.
        case passing
        /// Schema-valid and current, but a scenario failed, one is missing, or the summary disagrees.
        case failed
        /// Schema-valid, but for another catalogue digest or profile version than this kit's.
        case stale
        /// Not a valid report (not JSON, or it violates `report.schema.json`).
        case invalid
        /// The file does not exist or cannot be read.
        case missing
    }

    /// The verdict.
    public let verdict: Verdict
    /// Why, one line each.
    public let findings: [String]
    /// The claim the report makes, when it has one.
    public let claim: String?

    /// Checks the report at `url`.
    public init(url: URL) {
        guard let data = try? Data(contentsOf: url) else {
            self.init(.missing, ["\(url.path): no such readable file"], claim: nil)
            return
        }
        guard let document = try? CyclesJSON.decode(JSONValue.self, from: data) else {
            self.init(.invalid, ["\(url.path): not JSON"], claim: nil)
            return
        }
        self.init(document: document)
    }

    /// Checks a parsed report.
    public init(document: JSONValue) {
        let claim = document["claim"]?.stringValue
        let violations = RecoveryReportSchema.violations(of: document)
        guard violations.isEmpty else {
            self.init(.invalid, violations.map { "schema: \($0)" }, claim: claim)
            return
        }
        var stale: [String] = []
        let digest = document["profile"]?["catalog_sha256"]?.stringValue ?? ""
        if digest != RecoveryCatalogue.pinnedDigest {
            stale.append("catalogue digest \(digest) is not the current \(RecoveryCatalogue.pinnedDigest)")
        }
        let version = document["profile"]?["version"]?.stringValue ?? ""
        if version != RecoveryCatalogue.profileVersion {
            stale.append("profile version \(version) is not the current \(RecoveryCatalogue.profileVersion)")
        }
        guard stale.isEmpty else {
            self.init(.stale, stale, claim: claim)
            return
        }
        var failed: [String] = []
        let entries = document["scenarios"]?.arrayValue ?? []
        let passedCount = entries.filter { $0["passed"] == .bool(true) }.count
        for entry in entries where entry["passed"] != .bool(true) {
            let id = entry["id"]?.stringValue ?? "?"
            failed.append("\(id) failed: \(entry["diagnostic"]?.stringValue ?? "no diagnostic")")
        }
        let summary = document["summary"]
        if summary?["total"] != .integer(Int64(entries.count)) || summary?["passed"] != .integer(Int64(passedCount))
            || summary?["failed"] != .integer(Int64(entries.count - passedCount))
        {
            failed.append("summary does not match the scenario entries")
        }
        if let claimValue = claim.flatMap(RecoveryClaim.init(rawValue:)), let scenarios = try? RecoveryCatalogue.scenarios() {
            let required = scenarios.filter { claimValue.levels.contains($0.level) }.map(\.id)
            let present = Set(entries.compactMap { $0["id"]?.stringValue })
            let absent = required.filter { !present.contains($0) }
            if !absent.isEmpty { failed.append("the \(claimValue.rawValue) claim is missing \(absent.joined(separator: ", "))") }
        }
        for entry in entries where entry["passed"] == .bool(true) && (entry["native_tests"]?.arrayValue ?? []).isEmpty {
            failed.append("\(entry["id"]?.stringValue ?? "?") passed without naming a native test")
        }
        self.init(failed.isEmpty ? .passing : .failed, failed, claim: claim)
    }

    private init(_ verdict: Verdict, _ findings: [String], claim: String?) {
        self.verdict = verdict
        self.findings = findings
        self.claim = claim
    }
}
