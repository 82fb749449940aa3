public import CyclesProtocol

/// The query of `GET /v1/balances`. At least one subject filter is required.
public struct BalanceQuery: Sendable, Hashable {
    /// Tenant filter (validation-only under an API key: it must be the key's tenant).
    public var tenant: String?
    /// Workspace filter.
    public var workspace: String?
    /// App filter.
    public var app: String?
    /// Workflow filter.
    public var workflow: String?
    /// Agent filter.
    public var agent: String?
    /// Toolset filter.
    public var toolset: String?
    /// Whether to include descendant scopes (servers may ignore it).
    public var includeChildren: Bool?
    /// Page size, 1 to 200 (server default 50).
    public var limit: Int?
    /// The `next_cursor` of the previous page.
    public var cursor: String?

    /// Creates a query.
    public init(
        tenant: String? = nil, workspace: String? = nil, app: String? = nil, workflow: String? = nil,
        agent: String? = nil, toolset: String? = nil, includeChildren: Bool? = nil, limit: Int? = nil,
        cursor: String? = nil
    ) {
        self.tenant = tenant
        self.workspace = workspace
        self.app = app
        self.workflow = workflow
        self.agent = agent
        self.toolset = toolset
        self.includeChildren = includeChildren
        self.limit = limit
        self.cursor = cursor
    }

    /// A query filtering on every standard level `subject` sets.
    public init(subject: Subject, includeChildren: Bool? = nil, limit: Int? = nil) {
        self.init(
            tenant: subject.tenant, workspace: subject.workspace, app: subject.app, workflow: subject.workflow,
            agent: subject.agent, toolset: subject.toolset, includeChildren: includeChildren, limit: limit)
    }

    /// The subject levels this query filters on (no dimensions: balances are not filtered by them).
    public var subject: Subject {
        get {
            Subject(tenant: tenant, workspace: workspace, app: app, workflow: workflow, agent: agent, toolset: toolset)
        }
        set {
            (tenant, workspace, app, workflow) = (newValue.tenant, newValue.workspace, newValue.app, newValue.workflow)
            (agent, toolset) = (newValue.agent, newValue.toolset)
        }
    }

    var queryItems: [(String, String)] {
        var items = subject.scopeQueryItems
        if let includeChildren { items.append(("include_children", includeChildren ? "true" : "false")) }
        if let limit { items.append(("limit", String(limit))) }
        if let cursor { items.append(("cursor", cursor)) }
        return items
    }
}
