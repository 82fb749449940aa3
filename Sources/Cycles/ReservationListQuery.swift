public import CyclesProtocol
public import Foundation

/// The query of `GET /v1/reservations`, every parameter typed.
public struct ReservationListQuery: Sendable, Hashable {
    /// Recovery lookup: the reservation created with this key (at most one row).
    public var idempotencyKey: IdempotencyKey?
    /// Only reservations in this status.
    public var status: ReservationStatus?
    /// Tenant filter (validation-only under an API key; required under an admin key).
    public var tenant: String?
    /// Workspace equality filter.
    public var workspace: String?
    /// App equality filter.
    public var app: String?
    /// Workflow equality filter.
    public var workflow: String?
    /// Agent equality filter.
    public var agent: String?
    /// Toolset equality filter.
    public var toolset: String?
    /// Inclusive lower bound on `created_at_ms`.
    public var from: Date?
    /// Inclusive upper bound on `created_at_ms`.
    public var to: Date?
    /// Inclusive lower bound on `expires_at_ms`.
    public var expiresFrom: Date?
    /// Inclusive upper bound on `expires_at_ms`.
    public var expiresTo: Date?
    /// Inclusive lower bound on `finalized_at_ms` (excludes rows that were never finalized).
    public var finalizedFrom: Date?
    /// Inclusive upper bound on `finalized_at_ms`.
    public var finalizedTo: Date?
    /// Sort key (server default `created_at_ms`).
    public var sortBy: ReservationSortField?
    /// Sort direction (server default descending).
    public var sortDirection: SortDirection?
    /// Extra projections: `metadata`, `committed_metadata`, `evidence`.
    public var include: [ReservationListInclude]?
    /// Page size, 1 to 200 (server default 50).
    public var limit: Int?
    /// The `next_cursor` of the previous page.
    public var cursor: String?

    /// Creates a query; every parameter is optional.
    public init(
        idempotencyKey: IdempotencyKey? = nil, status: ReservationStatus? = nil, tenant: String? = nil,
        workspace: String? = nil, app: String? = nil, workflow: String? = nil, agent: String? = nil,
        toolset: String? = nil, from: Date? = nil, to: Date? = nil, expiresFrom: Date? = nil, expiresTo: Date? = nil,
        finalizedFrom: Date? = nil, finalizedTo: Date? = nil, sortBy: ReservationSortField? = nil,
        sortDirection: SortDirection? = nil, include: [ReservationListInclude]? = nil, limit: Int? = nil,
        cursor: String? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.status = status
        self.tenant = tenant
        self.workspace = workspace
        self.app = app
        self.workflow = workflow
        self.agent = agent
        self.toolset = toolset
        self.from = from
        self.to = to
        self.expiresFrom = expiresFrom
        self.expiresTo = expiresTo
        self.finalizedFrom = finalizedFrom
        self.finalizedTo = finalizedTo
        self.sortBy = sortBy
        self.sortDirection = sortDirection
        self.include = include
        self.limit = limit
        self.cursor = cursor
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let idempotencyKey { items.append(("idempotency_key", idempotencyKey.rawValue)) }
        if let status { items.append(("status", status.rawValue)) }
        items += Subject(
            tenant: tenant, workspace: workspace, app: app, workflow: workflow, agent: agent, toolset: toolset
        ).scopeQueryItems
        for (name, date) in [("from", from), ("to", to), ("expires_from", expiresFrom), ("expires_to", expiresTo),
            ("finalized_from", finalizedFrom), ("finalized_to", finalizedTo)]
        {
            if let date { items.append((name, Self.format(date))) }
        }
        if let sortBy { items.append(("sort_by", sortBy.rawValue)) }
        if let sortDirection { items.append(("sort_dir", sortDirection.rawValue)) }
        if let include, !include.isEmpty { items.append(("include", include.map(\.rawValue).joined(separator: ","))) }
        if let limit { items.append(("limit", String(limit))) }
        if let cursor { items.append(("cursor", cursor)) }
        return items
    }

    func validate() throws(CyclesError) {
        try RequestValidator.validate(limit: limit)
        for (lower, upper, name) in [(from, to, "from/to"), (expiresFrom, expiresTo, "expires_from/expires_to"),
            (finalizedFrom, finalizedTo, "finalized_from/finalized_to")]
        {
            if let lower, let upper, lower > upper { throw .validation("\(name): the lower bound is after the upper bound") }
        }
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-29T02:00:00.000Z`.
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// A sort key of `GET /v1/reservations` (open: unknown spellings are sent as given).
public struct ReservationSortField: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates a sort key from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// By id.
    public static let reservationID: ReservationSortField = "reservation_id"
    /// By tenant.
    public static let tenant: ReservationSortField = "tenant"
    /// By scope path, lexically.
    public static let scopePath: ReservationSortField = "scope_path"
    /// By status.
    public static let status: ReservationSortField = "status"
    /// By reserved amount.
    public static let reserved: ReservationSortField = "reserved"
    /// By creation time (server default).
    public static let createdAtMs: ReservationSortField = "created_at_ms"
    /// By expiry.
    public static let expiresAtMs: ReservationSortField = "expires_at_ms"
    /// The keys protocol v0.1.25 defines.
    public static let knownValues: [ReservationSortField] = [
        .reservationID, .tenant, .scopePath, .status, .reserved, .createdAtMs, .expiresAtMs,
    ]
}

/// Sort direction of a listing.
public enum SortDirection: String, Sendable, Hashable, CaseIterable {
    /// Ascending.
    case ascending = "asc"
    /// Descending (server default).
    case descending = "desc"
}

/// An optional projection of `GET /v1/reservations`.
public struct ReservationListInclude: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates a projection from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Reserve-time metadata.
    public static let metadata: ReservationListInclude = "metadata"
    /// Commit-time metadata.
    public static let committedMetadata: ReservationListInclude = "committed_metadata"
    /// Evidence references.
    public static let evidence: ReservationListInclude = "evidence"
    /// The projections protocol v0.1.25 defines.
    public static let knownValues: [ReservationListInclude] = [.metadata, .committedMetadata, .evidence]
}
