/// The result of running one check.
public struct CheckResult: Codable, Sendable, Hashable, Identifiable {
    /// The check's ID.
    public var id: String
    /// Its level.
    public var level: ConformanceLevel
    /// Its section.
    public var section: CheckSection
    /// Its title.
    public var title: String
    /// Its spec reference.
    public var spec: String
    /// pass / fail / skip / expected-fail.
    public var status: CheckStatus
    /// Wall-clock duration.
    public var durationMs: Int64
    /// What it saw.
    public var evidence: CheckEvidence

    /// Creates a result for `descriptor`.
    public init(descriptor: CheckDescriptor, status: CheckStatus, durationMs: Int64, evidence: CheckEvidence) {
        id = descriptor.id
        level = descriptor.level
        section = descriptor.section
        title = descriptor.title
        spec = descriptor.spec
        self.status = status
        self.durationMs = durationMs
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case id, level, section, title, spec, status, evidence
        case durationMs = "duration_ms"
    }
}
