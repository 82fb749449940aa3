import CyclesProtocol
import Foundation

/// The outcome of a run: what was checked, against what, and each check's result with evidence.
public struct ConformanceReport: Codable, Sendable, Hashable {
    /// Counts per status.
    public struct Summary: Codable, Sendable, Hashable {
        /// Passed checks.
        public var pass = 0
        /// Failed checks.
        public var fail = 0
        /// Skipped checks.
        public var skip = 0
        /// Listed expected failures that failed.
        public var expectedFail = 0
        /// MUST checks that were skipped: when any were, the run cannot say the server conforms.
        public var mustSkipped = 0

        enum CodingKeys: String, CodingKey {
            case pass, fail, skip
            case expectedFail = "expected_fail"
            case mustSkipped = "must_skipped"
        }
    }

    /// What the run can honestly say about the server.
    public enum Verdict: String, Codable, Sendable, Hashable {
        /// Every selected MUST check ran and none failed (listed expected failures aside).
        case pass
        /// A MUST check failed.
        case fail
        /// No MUST check failed, but some were skipped (typically: no `--admin-key`, so no fixtures): this is not a
        /// conformance result.
        case partial
    }

    /// The kit's version.
    public var kitVersion: String
    /// The protocol version the catalogue targets.
    public var protocolVersion: String
    /// The server's base URL.
    public var target: String
    /// The profile run.
    public var profile: ConformanceProfile
    /// The provisioner used.
    public var provisioner: String
    /// The seed of randomized workloads.
    public var seed: UInt64
    /// When the run started (epoch ms).
    public var startedAtMs: Int64
    /// How long it took.
    public var durationMs: Int64
    /// Counts per status.
    public var summary: Summary
    /// Every check's result, in catalogue order.
    public var checks: [CheckResult]

    /// Creates a report and computes its summary.
    public init(
        target: String, profile: ConformanceProfile, provisioner: String, seed: UInt64, startedAtMs: Int64,
        durationMs: Int64, checks: [CheckResult]
    ) {
        kitVersion = ConformanceKit.version
        protocolVersion = ProtocolLimits.protocolVersion
        self.target = target
        self.profile = profile
        self.provisioner = provisioner
        self.seed = seed
        self.startedAtMs = startedAtMs
        self.durationMs = durationMs
        self.checks = checks
        summary = Summary(checks)
    }

    /// Whether a MUST check failed (and is not a listed expected failure): the run must exit non-zero.
    public var hasMustFailures: Bool { checks.contains { $0.status == .fail && $0.level == .must } }

    /// Pass, fail, or partial when MUST checks were skipped.
    public var verdict: Verdict { hasMustFailures ? .fail : summary.mustSkipped > 0 ? .partial : .pass }

    /// This report with the exchanges of passing and skipped checks left out (their notes and counts stay), so a
    /// passing run's JSON is small; failures and expected failures keep everything.
    public func keepingEvidenceOfFailuresOnly() -> ConformanceReport {
        var copy = self
        for index in copy.checks.indices where [.pass, .skip].contains(copy.checks[index].status) {
            let evidence = copy.checks[index].evidence
            copy.checks[index].evidence.omittedExchanges =
                evidence.omittedExchanges + evidence.exchanges.count + (evidence.failingExchange == nil ? 0 : 1)
            copy.checks[index].evidence.exchanges = []
            copy.checks[index].evidence.failingExchange = nil
        }
        return copy
    }

    /// The report as pretty JSON with sorted keys.
    public func jsonText() throws -> String {
        let encoder = CyclesJSON.makeEncoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    enum CodingKeys: String, CodingKey {
        case target, profile, provisioner, seed, summary, checks
        case kitVersion = "kit_version"
        case protocolVersion = "protocol_version"
        case startedAtMs = "started_at_ms"
        case durationMs = "duration_ms"
    }
}

extension ConformanceReport.Summary {
    /// Tallies `checks` by status. (An extension, so the memberwise and empty initialisers stay available.)
    public init(_ checks: [CheckResult]) {
        self.init()
        for check in checks {
            switch check.status {
            case .pass: pass += 1
            case .fail: fail += 1
            case .skip:
                skip += 1
                if check.level == .must { mustSkipped += 1 }
            case .expectedFail: expectedFail += 1
            }
        }
    }
}
