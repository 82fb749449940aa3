/// One immutable record of the event stream (the spec's `Event`): what happened, to which tenant and scope, who
/// caused it, and the ids that tie it to the request and trace that produced it. Named `ProtocolEvent` because the
/// runtime plane's "events" are `POST /v1/events` charges (`EventCreateRequest`), a different concept.
public struct ProtocolEvent: Codable, Hashable, Sendable {
    /// Who or what caused an event (the spec's `Event.actor`).
    public struct Actor: Codable, Hashable, Sendable {
        /// `admin`, `api_key`, `admin_on_behalf_of`, `system` or `scheduler`.
        public var type: String
        /// The API key that triggered it, if any (never the secret).
        public var keyID: String?
        /// The request's source IP, if known.
        public var sourceIP: String?

        /// Creates an actor.
        public init(type: String, keyID: String? = nil, sourceIP: String? = nil) {
            self.type = type
            self.keyID = keyID
            self.sourceIP = sourceIP
        }

        /// An admin-key request.
        public static let admin = Actor(type: "admin")
        /// A tenant-key runtime request.
        public static let apiKey = Actor(type: "api_key")
        /// An internal process (expiry, dispatcher).
        public static let system = Actor(type: "system")

        enum CodingKeys: String, CodingKey, CaseIterable {
            case type
            case keyID = "key_id"
            case sourceIP = "source_ip"
        }
    }

    /// Globally unique, `evt_…`.
    public var eventID: String
    /// What happened.
    public var eventType: EventType
    /// The type's category.
    public var category: EventCategory
    /// When it happened (RFC 3339, on the tenant's namespace clock).
    public var timestamp: String
    /// The tenant, or `__system__` for events without one.
    public var tenantID: String
    /// The affected scope path, when one applies.
    public var scope: String?
    /// Who or what caused it.
    public var actor: Actor?
    /// The emitting service.
    public var source: String
    /// The type's payload (one of the `EventData…` schemas), as an object.
    public var data: [String: JSONValue]?
    /// Links related events (for example everything one request or one tenant close produced).
    public var correlationID: String?
    /// `X-Request-Id` of the originating HTTP request; absent for sweeper work without one.
    public var requestID: String?
    /// The W3C trace id (32 lowercase hex) of the originating request or internal operation.
    public var traceID: String?
    /// Operator tags.
    public var metadata: [String: JSONValue]?

    /// The tenant id of events that belong to no tenant.
    public static let systemTenant = "__system__"

    /// Creates an event.
    public init(
        eventID: String, eventType: EventType, category: EventCategory? = nil, timestamp: String, tenantID: String,
        scope: String? = nil, actor: Actor? = nil, source: String, data: [String: JSONValue]? = nil,
        correlationID: String? = nil, requestID: String? = nil, traceID: String? = nil,
        metadata: [String: JSONValue]? = nil
    ) {
        self.eventID = eventID
        self.eventType = eventType
        self.category = category ?? eventType.category
        self.timestamp = timestamp
        self.tenantID = tenantID
        self.scope = scope
        self.actor = actor
        self.source = source
        self.data = data
        self.correlationID = correlationID
        self.requestID = requestID
        self.traceID = traceID
        self.metadata = metadata
    }

    /// Decodes `data` as the payload type of this event (`EventData…`).
    public func payload<T: Decodable>(as type: T.Type) throws -> T {
        try CyclesJSON.decode(T.self, from: CyclesJSON.encode(data ?? [:]))
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case eventID = "event_id"
        case eventType = "event_type"
        case category, timestamp
        case tenantID = "tenant_id"
        case scope, actor, source, data
        case correlationID = "correlation_id"
        case requestID = "request_id"
        case traceID = "trace_id"
        case metadata
    }
}

/// One page of events (the spec's `EventListResponse`).
public struct EventListResponse: Codable, Hashable, Sendable {
    /// The page.
    public var events: [ProtocolEvent]
    /// Pass as `cursor` for the next page.
    public var nextCursor: String?
    /// Whether more pages follow.
    public var hasMore: Bool

    /// Creates a page.
    public init(events: [ProtocolEvent], nextCursor: String?, hasMore: Bool) {
        self.events = events
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case events
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}
