import CyclesProtocol
import Hummingbird

/// The event stream's normative reads: `GET /v1/admin/events`, `GET /v1/admin/events/{event_id}` (admin key) and
/// `GET /v1/events` (tenant key with `events:read`; only the caller's tenant-accessible events).
extension AdminRoutes {
    func addEventRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/admin/events") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let parameters = try QueryParameters(request)
                var query = try eventQuery(parameters)
                query.tenantID = parameters["tenant_id"]
                query.traceID = parameters["trace_id"]
                query.requestID = parameters["request_id"]
                query.search = parameters["search"]
                if let sortBy = try parameters.typed("sort_by", expecting: "a sort field") { query.sortBy = sortBy }
                if let direction = try parameters.typed("sort_dir", expecting: "asc or desc") { query.sortDirection = direction }
                return try .json(try await ledger.listEvents(query), tenant: nil)
            }
        }
        router.get("/v1/admin/events/:event_id") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                return try .json(try await ledger.protocolEvent(try context.parameters.require("event_id")), tenant: nil)
            }
        }
        router.get("/v1/events") { request, _ in
            await respond(to: request) {
                let identity = try exchange.tenant(of: request, requiring: .eventsRead)
                var query = try eventQuery(try QueryParameters(request))
                // The tenant is the key's; no parameter can widen it, and admin-only categories never show.
                query.tenantID = identity.tenantID
                query.tenantAccessibleOnly = true
                return try .json(try await ledger.listEvents(query), tenant: identity.tenantID)
            }
        }
    }

    /// The filters both listings share.
    func eventQuery(_ parameters: QueryParameters) throws -> Ledger.EventQuery {
        var query = Ledger.EventQuery(
            scope: parameters["scope"], correlationID: parameters["correlation_id"], fromMs: try parameters.instant("from"),
            toMs: try parameters.instant("to"), cursor: parameters["cursor"])
        query.eventType = try parameters.typed("event_type", expecting: "an event type").map(EventType.init(rawValue:))
        query.category = try parameters.typed("category", expecting: "an event category").map(EventCategory.init(rawValue:))
        query.limit = try parameters.limit(in: 1...100, default: query.limit)
        return query
    }
}
