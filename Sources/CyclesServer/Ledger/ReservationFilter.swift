public import CyclesProtocol

/// The validated filters, window bounds, sort and page of `GET /v1/reservations` as the ledger applies them
/// (the server's parsed form; clients build requests with `Cycles.ReservationListQuery`).
public struct ReservationFilter: Sendable, Hashable, Codable {
    /// The sortable columns.
    public enum SortField: String, Sendable, Hashable, Codable, CaseIterable {
        case reservationID = "reservation_id"
        case tenant
        case scopePath = "scope_path"
        case status
        case reserved
        case createdAtMs = "created_at_ms"
        case expiresAtMs = "expires_at_ms"
    }

    /// API key: validation-only. Admin key: the required tenant filter.
    public var tenant: String?
    /// Recovery lookup of the reservation a create key made.
    public var idempotencyKey: String?
    /// Only rows in this state.
    public var status: ReservationStatus?
    /// Subject equality filters (case-insensitive, like scopes).
    public var workspace: String?
    /// See `workspace`.
    public var app: String?
    /// See `workspace`.
    public var workflow: String?
    /// See `workspace`.
    public var agent: String?
    /// See `workspace`.
    public var toolset: String?
    /// Inclusive bounds on `created_at_ms`.
    public var createdFromMs: Int64?
    /// See `createdFromMs`.
    public var createdToMs: Int64?
    /// Inclusive bounds on `expires_at_ms`.
    public var expiresFromMs: Int64?
    /// See `expiresFromMs`.
    public var expiresToMs: Int64?
    /// Inclusive bounds on `finalized_at_ms`; rows without it are excluded when either is set.
    public var finalizedFromMs: Int64?
    /// See `finalizedFromMs`.
    public var finalizedToMs: Int64?
    /// Sort column (default `created_at_ms`).
    public var sortBy: SortField
    /// `true` for ascending (default descending).
    public var ascending: Bool
    /// Optional projections: `metadata`, `committed_metadata`, `evidence`. Not bound to the cursor.
    public var include: Set<String>
    /// Page size, 1...200.
    public var limit: Int
    /// From a previous page's `next_cursor`; valid only under the same filters, windows and sort.
    public var cursor: String?

    /// Creates a query.
    public init(
        tenant: String? = nil, idempotencyKey: String? = nil, status: ReservationStatus? = nil,
        workspace: String? = nil, app: String? = nil, workflow: String? = nil, agent: String? = nil,
        toolset: String? = nil, createdFromMs: Int64? = nil, createdToMs: Int64? = nil,
        expiresFromMs: Int64? = nil, expiresToMs: Int64? = nil, finalizedFromMs: Int64? = nil,
        finalizedToMs: Int64? = nil, sortBy: SortField = .createdAtMs, ascending: Bool = false,
        include: Set<String> = [], limit: Int = 50, cursor: String? = nil
    ) {
        self.tenant = tenant
        self.idempotencyKey = idempotencyKey
        self.status = status
        self.workspace = workspace
        self.app = app
        self.workflow = workflow
        self.agent = agent
        self.toolset = toolset
        self.createdFromMs = createdFromMs
        self.createdToMs = createdToMs
        self.expiresFromMs = expiresFromMs
        self.expiresToMs = expiresToMs
        self.finalizedFromMs = finalizedFromMs
        self.finalizedToMs = finalizedToMs
        self.sortBy = sortBy
        self.ascending = ascending
        self.include = include
        self.limit = limit
        self.cursor = cursor
    }

    /// The part of the query a cursor is bound to (everything but `include`, `limit` and `cursor`).
    var binding: ReservationFilter {
        var copy = self
        copy.include = []
        copy.limit = 0
        copy.cursor = nil
        return copy
    }
}
