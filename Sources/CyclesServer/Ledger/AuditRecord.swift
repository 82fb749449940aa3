public import CyclesProtocol

/// Who performed an audited mutation: the spec's actor types, kept in the entry's `metadata.actor_type`.
///
/// Spelled in lower case as the spec's `Event.actor.type` enum spells them (its prose also writes
/// `ADMIN_ON_BEHALF_OF`), which is what the reference server writes into its audit entries' metadata.
public struct AuditActor: Sendable, Hashable {
    /// `admin`, `admin_on_behalf_of`, `api_key` or `system`.
    public var type: String
    /// The API key that acted (for `api_key`).
    public var keyID: String?

    /// Creates an actor.
    public init(type: String, keyID: String? = nil) {
        self.type = type
        self.keyID = keyID
    }

    /// The admin key, on the admin plane's own resources (tenants, API keys).
    public static let admin = AuditActor(type: "admin")
    /// The admin key acting on a tenant's resource on its behalf (admin release, budget or policy under admin auth).
    public static let adminOnBehalfOf = AuditActor(type: "admin_on_behalf_of")
    /// The server itself (a sweep, a seed), with no HTTP request behind it.
    public static let system = AuditActor(type: "system")
    /// A tenant API key.
    public static func apiKey(_ keyID: String) -> AuditActor { AuditActor(type: "api_key", keyID: keyID) }
}

/// What one audit entry says. The time, `log_id` and the originating request's ids are filled in by
/// `Ledger.recordAudit`.
public struct AuditRecord: Sendable, Hashable {
    /// The spec's operation id (`createBudget`, `revokeApiKey`, …) or a reserved cascade kind.
    public var operation: String
    /// The tenant acted on (or `AuditLogEntry.adminTenant` when none).
    public var tenantID: String
    /// `tenant`, `budget`, `api_key`, `policy`, `webhook`, `reservation` or `config` (absent on failure entries).
    public var resourceType: String?
    /// The resource's id (tenant id, key id, scope path, policy id, …).
    public var resourceID: String?
    /// The HTTP status the operation answers (201 for a create).
    public var status: Int
    /// Who acted.
    public var actor: AuditActor
    /// Extra details (`actor_type` is added).
    public var metadata: [String: JSONValue]
    /// Subject from the request, if any.
    public var subject: JSONValue?
    /// Action from the request, if any.
    public var action: JSONValue?
    /// Amount from the request, if any.
    public var amount: JSONValue?
    /// The protocol error code (failure entries only).
    public var errorCode: String?

    /// Creates a record.
    public init(
        operation: String, tenantID: String, resourceType: String?, resourceID: String?, status: Int = 200,
        actor: AuditActor = .admin, metadata: [String: JSONValue] = [:], subject: JSONValue? = nil,
        action: JSONValue? = nil, amount: JSONValue? = nil, errorCode: String? = nil
    ) {
        self.operation = operation
        self.tenantID = tenantID
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.status = status
        self.actor = actor
        self.metadata = metadata
        self.subject = subject
        self.action = action
        self.amount = amount
        self.errorCode = errorCode
    }
}

/// The HTTP request that work is running for: `HTTPExchange.respond` binds it around each route's work and
/// `Ledger.write` carries it into the write transaction, so every audit entry a request causes (cascades included)
/// carries its `request_id` and `trace_id` without each operation passing them along.
public struct RequestCorrelation: Sendable, Hashable {
    /// `X-Request-Id` of the request.
    public var requestID: String
    /// Its W3C trace id.
    public var traceID: String
    /// Its `User-Agent`.
    public var userAgent: String?

    /// Creates a correlation.
    public init(requestID: String, traceID: String, userAgent: String? = nil) {
        self.requestID = requestID
        self.traceID = traceID
        self.userAgent = userAgent
    }

    /// The request the current work belongs to (`nil` outside HTTP: direct `Ledger` calls, seeding, sweeps).
    @TaskLocal public static var current: RequestCorrelation?
}
