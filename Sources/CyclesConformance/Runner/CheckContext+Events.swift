public import CyclesProtocol
import Foundation

/// The event stream as the event and webhook checks read it: the admin and tenant listings walked page by page, a
/// wait for events a server may emit asynchronously, the schema oracle for one `Event`, and traced requests whose
/// correlation ids the checks look for afterwards.
extension CheckContext {
    /// The longest the checks wait for an event or a delivery to show up. Our server emits in the transaction of the
    /// change, so the first read finds it; a server that emits or delivers from a queue, or a loaded machine, gets
    /// this long (the spec sets no delivery latency, so the bound is generous).
    public static let eventArrivalTimeout: Duration = .seconds(30)

    /// One page of `GET /v1/admin/events?<query>` with the admin key.
    public func adminEventsPage(_ query: String) async throws -> WireExchange {
        try await send(try adminRequest("GET", "/v1/admin/events" + (query.isEmpty ? "" : "?" + query)))
    }

    /// One page of `GET /v1/events?<query>` with `apiKey`.
    public func tenantEventsPage(apiKey: String, _ query: String) async throws -> WireExchange {
        try await send(
            WireRequest(
                method: "GET", path: "/v1/events" + (query.isEmpty ? "" : "?" + query),
                headers: [WireHeader(CyclesHeader.apiKey, apiKey)]))
    }

    /// Every event of a listing, walking `next_cursor` until `has_more` is false: each page must be a 200
    /// `EventListResponse`, and the walk fails on a page that repeats an event of an earlier page.
    public func walkEvents(_ fetch: (String?) async throws -> WireExchange) async throws -> [JSONValue] {
        var events: [JSONValue] = []
        var seen: Set<String> = []
        var cursor: String?
        for _ in 0..<1_000 {
            let page = try await fetch(cursor)
            try expectStatus(page, 200, spec: "listEvents 200", because: "listing events")
            try expectShape(page, WireShapes.eventListResponse, spec: "EventListResponse")
            for event in page.json?["events"]?.arrayValue ?? [] {
                let id = event["event_id"]?.stringValue ?? ""
                try expect(
                    seen.insert(id).inserted, "\(page.summary): event \(id) was already on an earlier page",
                    expected: "each event on exactly one page", spec: "listEvents cursor pagination", exchange: page)
                events.append(event)
            }
            guard page.json?["has_more"]?.boolValue == true else { return events }
            guard let next = page.json?["next_cursor"]?.stringValue, next != cursor else {
                throw CheckFailure(
                    "\(page.summary): has_more is true but next_cursor is missing or repeats the cursor",
                    expected: "a new next_cursor while has_more", spec: "EventListResponse", exchange: page)
            }
            cursor = next
        }
        throw CheckFailure("the event listing did not end after 1000 pages", expected: "has_more false")
    }

    /// Every event of `tenantID` in the admin listing (`extra` adds filters such as `event_type=…`).
    public func adminEvents(of tenantID: String, _ extra: String = "", limit: Int = 100) async throws -> [JSONValue] {
        let base = "tenant_id=\(FixtureNaming.queryEscape(tenantID))&limit=\(limit)" + (extra.isEmpty ? "" : "&" + extra)
        return try await walkEvents { cursor in
            try await adminEventsPage(base + (cursor.map { "&cursor=" + FixtureNaming.queryEscape($0) } ?? ""))
        }
    }

    /// Every event `GET /v1/events` shows the holder of `apiKey`.
    public func tenantEvents(apiKey: String, _ query: String = "", limit: Int = 100) async throws -> [JSONValue] {
        let base = "limit=\(limit)" + (query.isEmpty ? "" : "&" + query)
        return try await walkEvents { cursor in
            try await tenantEventsPage(
                apiKey: apiKey, base + (cursor.map { "&cursor=" + FixtureNaming.queryEscape($0) } ?? ""))
        }
    }

    /// Reads `tenantID`'s events from the admin listing until `done` holds for them (a server may emit from a queue),
    /// failing with `waitingFor` after ``eventArrivalTimeout``. Returns the last reading.
    @discardableResult
    public func awaitAdminEvents(
        of tenantID: String, _ extra: String = "", waitingFor: String, until done: ([JSONValue]) -> Bool
    ) async throws -> [JSONValue] {
        let deadline = ContinuousClock.now + Self.eventArrivalTimeout
        while true {
            let events = try await adminEvents(of: tenantID, extra)
            if done(events) { return events }
            guard ContinuousClock.now < deadline else {
                let seen = events.compactMap { $0["event_type"]?.stringValue }
                throw CheckFailure(
                    "no \(waitingFor) within \(Self.eventArrivalTimeout) (tenant \(tenantID) has: "
                        + "\(seen.isEmpty ? "no events" : seen.joined(separator: ", ")))",
                    expected: waitingFor, spec: descriptor.spec)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until the admin listing of `tenantID` holds an event of `type` whose `trace_id` is `traceID`, and
    /// returns those events.
    public func awaitEvents(of tenantID: String, type: EventType, traceID: String) async throws -> [JSONValue] {
        let found = try await awaitAdminEvents(
            of: tenantID, "event_type=\(type.rawValue)", waitingFor: "\(type.rawValue) event with trace_id \(traceID)"
        ) { events in events.contains { $0["trace_id"]?.stringValue == traceID } }
        return found.filter { $0["trace_id"]?.stringValue == traceID }
    }

    /// Every way `event` departs from the spec: the `Event` schema, an `event_type` outside the v0.1.25 enum (other
    /// than a `custom.` type), a `category` that is not the type's, a `timestamp` that is not RFC 3339, and a `data`
    /// payload outside its type's `EventData…` schema.
    public func eventViolations(_ event: JSONValue) -> [String] {
        let id = event["event_id"]?.stringValue ?? "?"
        var problems = WireShapes.event.violations(of: event, at: "event \(id)")
        guard let typeName = event["event_type"]?.stringValue else { return problems }
        let type = EventType(rawValue: typeName)
        if !EventType.knownValues.contains(type), !typeName.hasPrefix("custom.") {
            problems.append("event \(id).event_type: '\(typeName)' is neither a v0.1.25 EventType nor custom.*")
        }
        if let category = event["category"]?.stringValue, !typeName.hasPrefix("custom."),
            category != type.category.rawValue
        {
            problems.append("event \(id).category: '\(category)' is not the category of \(typeName)")
        }
        if let timestamp = event["timestamp"]?.stringValue, Self.instant(timestamp) == nil {
            problems.append("event \(id).timestamp: '\(timestamp)' is not an RFC 3339 date-time")
        }
        if let data = event["data"], let shape = WireShapes.eventDataShape(for: type) {
            problems += shape.violations(of: data, at: "event \(id).data")
        }
        return problems
    }

    /// Fails unless every event follows the spec (``eventViolations(_:)``).
    public func expectConformantEvents(_ events: [JSONValue], _ what: String, exchange: WireExchange? = nil) throws {
        let problems = events.flatMap(eventViolations)
        try expect(
            problems.isEmpty, "\(what): \(problems.prefix(12).joined(separator: "; "))",
            expected: "Event and its EventData* schema", spec: "Event; EventType; EventData* (normative)",
            exchange: exchange)
    }

    /// `request` with a fresh W3C `traceparent` (trace flags `flags`): returns the request, its trace id and the
    /// inbound span id (a webhook delivery must carry the trace id with a span id of its own).
    public func traced(_ request: WireRequest, flags: String = "01") -> (request: WireRequest, traceID: String, spanID: String) {
        let traceID = RandomIdentifier.hex(byteCount: 16)
        let spanID = RandomIdentifier.hex(byteCount: 8)
        return (request.adding(CyclesHeader.traceparent, "00-\(traceID)-\(spanID)-\(flags)"), traceID, spanID)
    }

    /// `request` with a fresh `X-Cycles-Trace-Id`; returns the request and the trace id.
    public func withTraceID(_ request: WireRequest) -> (request: WireRequest, traceID: String) {
        let traceID = RandomIdentifier.hex(byteCount: 16)
        return (request.adding(CyclesHeader.traceID, traceID), traceID)
    }

    /// A dry-run reserve the tenant's budget cannot cover (so the answer is DENY and the server emits
    /// `reservation.denied`), sent with its own `X-Cycles-Trace-Id`. Returns the answer and that trace id.
    public func deniedDryRun(_ tenant: ProvisionedTenant, estimate: Int64 = 1_000_000_000_000) async throws
        -> (exchange: WireExchange, traceID: String)
    {
        let (request, traceID) = withTraceID(
            self.request(
                "POST", "/v1/reservations", tenant,
                json: reserveBody(tenant, estimate: estimate, extra: ["dry_run": true])))
        let answer = try await send(request)
        try expectStatus(answer, 200, because: "a dry run beyond the budget")
        try expect(
            answer.json?["decision"]?.stringValue == "DENY", "\(answer.summary): \(answer.body.prefix(300))",
            expected: "decision DENY", spec: "createReservation dry_run", exchange: answer)
        return (answer, traceID)
    }

    /// Milliseconds since the epoch of an RFC 3339 date-time (fractional seconds optional), `nil` when malformed.
    public static func instant(_ text: String) -> Int64? {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let plain = Date.ISO8601FormatStyle()
        guard let date = (try? withFraction.parse(text)) ?? (try? plain.parse(text)) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1_000).rounded())
    }
}
