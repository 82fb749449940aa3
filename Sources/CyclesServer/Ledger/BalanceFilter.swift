/// The validated, defaulted filters of `GET /v1/balances` as the ledger applies them.
///
/// The client builds requests with `Cycles.BalanceQuery` (optionals, query-string encoding); this is the server's
/// parsed form, with the page limit resolved, named differently so code importing both modules stays unambiguous.
public struct BalanceFilter: Sendable, Hashable, Codable {
    /// Validation-only under an API key: must equal the key's tenant.
    public var tenant: String?
    /// Segment filters: a budget matches when its path contains `level:value` for every filter given.
    public var workspace: String?
    /// See `workspace`.
    public var app: String?
    /// See `workspace`.
    public var workflow: String?
    /// See `workspace`.
    public var agent: String?
    /// See `workspace`.
    public var toolset: String?
    /// Accepted and ignored: descendants always match (segment containment, as the reference server).
    public var includeChildren: Bool
    /// Page size, 1...200.
    public var limit: Int
    /// From a previous page's `next_cursor`.
    public var cursor: String?

    /// Creates a query.
    public init(
        tenant: String? = nil, workspace: String? = nil, app: String? = nil, workflow: String? = nil,
        agent: String? = nil, toolset: String? = nil, includeChildren: Bool = false, limit: Int = 50,
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
}
