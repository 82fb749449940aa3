/// Who is spending: a position in the scope hierarchy plus free-form dimensions.
///
/// At least one of the six standard levels must be set; `dimensions` alone is invalid.
public struct Subject: Hashable, Sendable, Codable {
    /// Tenant level (must equal the API key's tenant when set).
    public var tenant: String?
    /// Workspace level.
    public var workspace: String?
    /// App level.
    public var app: String?
    /// Workflow level.
    public var workflow: String?
    /// Agent level.
    public var agent: String?
    /// Toolset level.
    public var toolset: String?
    /// Up to 16 free-form labels; round-tripped, never part of a scope.
    public var dimensions: [String: String]?

    /// Creates a subject; pass only the levels you use.
    public init(
        tenant: String? = nil, workspace: String? = nil, app: String? = nil, workflow: String? = nil,
        agent: String? = nil, toolset: String? = nil, dimensions: [String: String]? = nil
    ) {
        self.tenant = tenant
        self.workspace = workspace
        self.app = app
        self.workflow = workflow
        self.agent = agent
        self.toolset = toolset
        self.dimensions = dimensions
    }

    /// The value set at `level`, if any.
    public subscript(level: ScopeLevel) -> String? {
        get {
            switch level {
            case .tenant: tenant
            case .workspace: workspace
            case .app: app
            case .workflow: workflow
            case .agent: agent
            case .toolset: toolset
            }
        }
        set {
            switch level {
            case .tenant: tenant = newValue
            case .workspace: workspace = newValue
            case .app: app = newValue
            case .workflow: workflow = newValue
            case .agent: agent = newValue
            case .toolset: toolset = newValue
            }
        }
    }

    /// Whether at least one standard level is set to a non-empty value.
    public var hasStandardField: Bool { ScopeLevel.allCases.contains { !(self[$0] ?? "").isEmpty } }

    /// This subject with every level it leaves unset taken from `defaults` (dimensions merged, own values win).
    public func filling(from defaults: Subject) -> Subject {
        var merged = self
        for level in ScopeLevel.allCases where merged[level] == nil {
            merged[level] = defaults[level]
        }
        if let defaultDimensions = defaults.dimensions {
            merged.dimensions = defaultDimensions.merging(dimensions ?? [:]) { _, own in own }
        }
        return merged
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenant, workspace, app, workflow, agent, toolset, dimensions
    }
}
