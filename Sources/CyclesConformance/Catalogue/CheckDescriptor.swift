/// The data describing one check: what the catalogue file holds for it.
public struct CheckDescriptor: Codable, Sendable, Hashable, Identifiable {
    /// Stable identifier such as `SRV-IDEM-003`; never reused for a different check.
    public var id: String
    /// MUST, SHOULD or MAY.
    public var level: ConformanceLevel
    /// The protocol area.
    public var section: CheckSection
    /// One line saying what must hold.
    public var title: String
    /// Where the spec says so (section of `cycles-protocol-v0.yaml` / `protocol.md`).
    public var spec: String
    /// What the check needs to run at all.
    public var requires: [CheckRequirement]
    /// Whether the check loads the server heavily and should run with nothing else in flight.
    public var runsAlone: Bool
    /// What is known about servers that break this rule, above all the upstream reference server, so a vendor
    /// mirroring upstream can list the check as an expected failure knowingly. `nil` when nothing is known.
    public var note: String?

    /// Creates a descriptor.
    public init(
        id: String, level: ConformanceLevel, section: CheckSection, title: String, spec: String,
        requires: [CheckRequirement] = [.fixtures], runsAlone: Bool = false, note: String? = nil
    ) {
        self.id = id
        self.level = level
        self.section = section
        self.title = title
        self.spec = spec
        self.requires = requires
        self.runsAlone = runsAlone
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, level, section, title, spec, requires, note
        case runsAlone = "runs_alone"
    }
}
