import CyclesProtocol

/// The event stream (`cycles-governance-admin-v0.1.25.yaml`; CONFORMANCE.md §MUST cross-plane operations and schemas):
/// `listEvents`, `getEvent` and `listTenantEvents` are normative operations, `Event`, `EventType` and every `EventData…`
/// are normative schemas, and the correlation contract (`cycles-protocol-v0.yaml` CORRELATION AND TRACING) binds every
/// event — hence MUST. Emitting events for budget-state changes at all is a SHOULD (CONFORMANCE.md §SHOULD: "MAY sample
/// or filter which events they emit, but emitted events MUST follow the schema"), so the checks that expect a given
/// type to be emitted are SHOULD, and the checks that judge whatever was emitted are MUST.
extension ConformanceCatalogue {
    /// An estimate beyond any fixture budget: a dry run or decide with it answers DENY BUDGET_EXCEEDED.
    static let beyondBudget: Int64 = 1_000_000_000_000

    static let events: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-EVT-001", .must, .events,
            "GET /v1/admin/events lists a tenant's events as an EventListResponse in which every Event follows the Event schema, the EventType enum and its type's EventData* payload; GET /v1/admin/events/{event_id} answers the same record; an unknown id is 404",
            spec: "listEvents, getEvent (normative); Event, EventType, EventData* (normative)",
            requires: [.fixtures, .adminKey]
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000, overdraftLimit: 500)).tenant
            try await provokeRuntimeEvents(context, tenant)
            let events = try await context.awaitAdminEvents(
                of: tenant.tenantID, waitingFor: "the events of a DENY dry run, a DENY decide and two overage commits"
            ) { $0.count >= 3 }
            try context.expectConformantEvents(events, "GET /v1/admin/events?tenant_id=\(tenant.tenantID)")
            try context.expect(
                events.allSatisfy { $0["tenant_id"]?.stringValue == tenant.tenantID },
                "the tenant_id filter returned another tenant's events", expected: "only tenant \(tenant.tenantID)")
            for listed in events.prefix(6) {
                let id = listed["event_id"]?.stringValue ?? ""
                let single = try await context.send(
                    try context.adminRequest("GET", "/v1/admin/events/\(FixtureNaming.queryEscape(id))"))
                try context.expectStatus(single, 200, spec: "getEvent 200", because: "reading a listed event")
                try context.expectShape(single, WireShapes.event, spec: "getEvent 200 Event")
                try context.expect(
                    single.json == listed, "\(single.summary) differs from the listed record: \(single.body.prefix(300))",
                    expected: "the record the listing shows", spec: "getEvent", exchange: single)
            }
            let missing = try await context.send(
                try context.adminRequest("GET", "/v1/admin/events/evt_conformance_missing_\(RandomIdentifier.hex(byteCount: 6))"))
            try context.expectStatus(missing, 404, spec: "getEvent 404", because: "reading an unknown event id")
            try context.expectShape(missing, WireShapes.errorResponse, spec: "getEvent 404 ErrorResponse")
        },
        ConformanceCheck(
            "SRV-EVT-002", .should, .events,
            "Runtime changes emit their events with the request's figures: reservation.denied for a DENY dry run and decide (reason_code BUDGET_EXCEEDED, requested_amount, scope), reservation.commit_overage (estimated, actual, overage = actual - estimated, debt_incurred), budget.debt_incurred, budget.exhausted and a rising budget.threshold_crossed",
            spec: "CONFORMANCE.md SHOULD emit events for budget-state changes; WEBHOOK EVENT GUIDANCE; EventData*",
            requires: [.fixtures, .adminKey]
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000, overdraftLimit: 500)).tenant
            let provoked = try await provokeRuntimeEvents(context, tenant)
            let scope = tenant.budgetScopes[0]
            let events = try await context.awaitAdminEvents(
                of: tenant.tenantID,
                waitingFor: "reservation.denied ×2, reservation.commit_overage ×2, budget.debt_incurred, budget.exhausted"
            ) { events in
                let types = events.compactMap { $0["event_type"]?.stringValue }
                return types.filter { $0 == "reservation.denied" }.count >= 2
                    && types.filter { $0 == "reservation.commit_overage" }.count >= 2
                    && types.contains("budget.debt_incurred") && types.contains("budget.exhausted")
            }
            func data(_ type: EventType, where match: (JSONValue) -> Bool = { _ in true }) -> [JSONValue] {
                events.filter { $0["event_type"]?.stringValue == type.rawValue }.compactMap { $0["data"] }.filter(match)
            }
            var wrong: [String] = []
            let denials = data(.reservationDenied)
            if !denials.allSatisfy({
                $0["reason_code"]?.stringValue == "BUDGET_EXCEEDED" && $0["requested_amount"]?.integerValue == beyondBudget
                    && $0["unit"]?.stringValue == "TOKENS" && ($0["scope"]?.stringValue).map { $0 == scope } ?? true
            }) {
                wrong.append("reservation.denied payloads \(denials)")
            }
            for overage in provoked.overages {
                let matching = data(.reservationCommitOverage) { $0["reservation_id"]?.stringValue == overage.reservationID }
                guard let payload = matching.first else {
                    wrong.append("no reservation.commit_overage for \(overage.reservationID)")
                    continue
                }
                let figures = [
                    ("estimated_amount", overage.estimated), ("actual_amount", overage.actual),
                    ("overage", overage.actual - overage.estimated), ("debt_incurred", overage.debt),
                ]
                for (field, value) in figures where payload[field].map({ $0.integerValue != value }) ?? (field != "debt_incurred") {
                    wrong.append("commit_overage of \(overage.reservationID): \(field) \(payload[field] ?? .null), expected \(value)")
                }
            }
            let debts = data(.budgetDebtIncurred)
            if !debts.contains(where: { $0["debt_incurred"]?.integerValue == 200 && $0["total_debt"]?.integerValue == 200 }) {
                wrong.append("budget.debt_incurred payloads \(debts), expected debt_incurred 200 and total_debt 200")
            }
            if !data(.budgetThresholdCrossed).contains(where: { $0["direction"]?.stringValue == "rising" }) {
                wrong.append("no rising budget.threshold_crossed while utilization went from 0 to over 100%")
            }
            try context.expect(
                wrong.isEmpty, wrong.joined(separator: "; "), expected: "payloads with the requests' figures",
                spec: "EventDataReservationDenied; EventDataCommitOverage; EventDataBudgetDebtIncurred; EventDataBudgetThreshold")
        },
        ConformanceCheck(
            "SRV-EVT-003", .must, .events,
            "An event caused by a request carries that request's ids: trace_id from its traceparent (or X-Cycles-Trace-Id) and request_id equal to the answer's X-Request-Id, on runtime and admin events; the admin listing's trace_id and request_id filters find exactly those events",
            spec: "CORRELATION AND TRACING (normative); Event.request_id, Event.trace_id; listEvents trace_id, request_id",
            requires: [.fixtures, .adminKey]
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000)).tenant
            let viaTraceparent = context.traced(
                context.request(
                    "POST", "/v1/reservations", tenant,
                    json: context.reserveBody(tenant, estimate: beyondBudget, extra: ["dry_run": true])),
                flags: "00")
            let dryRun = try await context.send(viaTraceparent.request)
            try context.expectStatus(dryRun, 200, because: "a traced dry run beyond the budget")
            let viaHeader = context.withTraceID(
                context.request(
                    "POST", "/v1/decide", tenant,
                    json: [
                        "idempotency_key": .string(FixtureNaming.idempotencyKey("decide")),
                        "subject": context.subject(tenant), "action": context.action,
                        "estimate": context.amount(beyondBudget),
                    ]))
            let decide = try await context.send(viaHeader.request)
            try context.expectStatus(decide, 200, because: "a traced decide beyond the budget")
            var caused = [(dryRun, viaTraceparent.traceID), (decide, viaHeader.traceID)]
            // An admin-plane change, where the server serves one: a budget CREDIT (reference operation).
            let credit = context.withTraceID(
                try context.adminRequest(
                    "POST",
                    "/v1/admin/budgets/fund?scope=\(FixtureNaming.queryEscape(tenant.budgetScopes[0]))&unit=TOKENS"
                        + "&tenant_id=\(FixtureNaming.queryEscape(tenant.tenantID))",
                    json: [
                        "operation": "CREDIT", "amount": context.amount(10),
                        "idempotency_key": .string(FixtureNaming.idempotencyKey("fund")),
                    ]))
            let funded = try await context.send(credit.request)
            if funded.status == 200 {
                caused.append((funded, credit.traceID))
            } else {
                await context.note("admin funding answered \(funded.summary); only runtime events judged")
            }
            let events = try await context.awaitAdminEvents(
                of: tenant.tenantID, waitingFor: "an event for each traced request"
            ) { events in
                caused.allSatisfy { _, traceID in events.contains { $0["trace_id"]?.stringValue == traceID } }
            }
            try context.expectConformantEvents(events, "the tenant's events")
            for (answer, traceID) in caused {
                let requestID = answer.header(CyclesHeader.requestID)
                try context.expect(
                    requestID != nil, "\(answer.summary) has no X-Request-Id", expected: "X-Request-Id on every answer",
                    exchange: answer)
                let mine = events.filter { $0["trace_id"]?.stringValue == traceID }
                let wrong = mine.filter { $0["request_id"]?.stringValue != requestID }
                try context.expect(
                    wrong.isEmpty,
                    "\(answer.summary) (X-Request-Id \(requestID ?? "-")): its events carry request_id "
                        + "\(wrong.map { $0["request_id"]?.stringValue ?? "absent" })",
                    expected: "request_id = the answer's X-Request-Id", spec: "Event.request_id MUST", exchange: answer)
                let byTrace = try await context.adminEvents(of: tenant.tenantID, "trace_id=\(traceID)")
                try context.expect(
                    Set(byTrace.compactMap { $0["event_id"]?.stringValue }) == Set(mine.compactMap { $0["event_id"]?.stringValue }),
                    "trace_id=\(traceID) listed \(byTrace.count) events; the request caused \(mine.count)",
                    expected: "exactly the request's events", spec: "listEvents trace_id filter")
                let byRequest = try await context.adminEvents(
                    of: tenant.tenantID, "request_id=\(FixtureNaming.queryEscape(requestID ?? ""))")
                try context.expect(
                    Set(byRequest.compactMap { $0["event_id"]?.stringValue }) == Set(mine.compactMap { $0["event_id"]?.stringValue }),
                    "request_id=\(requestID ?? "") listed \(byRequest.count) events; the request caused \(mine.count)",
                    expected: "exactly the request's events", spec: "listEvents request_id filter")
            }
        },
        ConformanceCheck(
            "SRV-EVT-004", .must, .events,
            "No event comes from a rejected or rolled-back request: a 400 reserve, a 409 IDEMPOTENCY_MISMATCH reserve, a commit refused 409 OVERDRAFT_LIMIT_EXCEEDED and a same-key replay of a DENY dry run leave no event carrying their trace ids",
            spec: "Event: immutable record of a state change; §IDEMPOTENCY replay returns the stored answer",
            requires: [.fixtures, .adminKey]
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000, overdraftLimit: 100)).tenant
            var rejected: [(String, WireExchange)] = []
            func tracedSend(_ request: WireRequest) async throws -> WireExchange {
                let (traced, traceID) = context.withTraceID(request)
                let answer = try await context.send(traced)
                rejected.append((traceID, answer))
                return answer
            }
            var malformed = context.reserveBody(tenant, estimate: 10).objectValue ?? [:]
            malformed["estimate"] = ["unit": "TOKENS", "amount": -5]
            try context.expectError(
                try await tracedSend(context.request("POST", "/v1/reservations", tenant, json: .object(malformed))), 400,
                .invalidRequest, spec: "a reserve with a negative estimate")
            let key = FixtureNaming.idempotencyKey("mismatch")
            _ = try await context.reserveActive(tenant, estimate: 10, extra: ["idempotency_key": .string(key)])
            try context.expectError(
                try await tracedSend(
                    context.request(
                        "POST", "/v1/reservations", tenant,
                        json: context.reserveBody(tenant, estimate: 20, key: key))), 409, .idempotencyMismatch)
            // 890 remaining, 100 overdraft: a commit 500 beyond everything cannot be covered and must roll back whole
            // (no overage, debt or exhaustion events).
            let held = try await context.reserveActive(
                tenant, estimate: 100, extra: ["overage_policy": "ALLOW_WITH_OVERDRAFT"])
            let commitBody: JSONValue = [
                "idempotency_key": .string(FixtureNaming.idempotencyKey("commit")), "actual": context.amount(1_500),
            ]
            try context.expectError(
                try await tracedSend(context.request("POST", "/v1/reservations/\(held.id)/commit", tenant, json: commitBody)),
                409, .overdraftLimitExceeded)
            let dryRunKey = FixtureNaming.idempotencyKey("deny")
            let dryRunBody = context.reserveBody(tenant, estimate: beyondBudget, key: dryRunKey, extra: ["dry_run": true])
            let original = context.withTraceID(context.request("POST", "/v1/reservations", tenant, json: dryRunBody))
            try context.expectStatus(try await context.send(original.request), 200, because: "a DENY dry run")
            try context.expectStatus(
                try await tracedSend(context.request("POST", "/v1/reservations", tenant, json: dryRunBody)), 200,
                because: "replaying the DENY dry run with the same key")
            // A marker after everything: once its event is listed, every earlier request's events would be too.
            let marker = try await context.deniedDryRun(tenant)
            let events = try await context.awaitAdminEvents(
                of: tenant.tenantID, waitingFor: "the events of the original dry run and of a later marker dry run"
            ) { events in
                [original.traceID, marker.traceID].allSatisfy { traceID in
                    events.contains { $0["trace_id"]?.stringValue == traceID }
                }
            }
            for (traceID, answer) in rejected {
                let leaked = events.filter { $0["trace_id"]?.stringValue == traceID }
                try context.expect(
                    leaked.isEmpty,
                    "\(answer.summary) emitted \(leaked.compactMap { $0["event_type"]?.stringValue }.joined(separator: ", "))",
                    expected: "no event for a request that changed nothing", exchange: answer)
            }
            let denials = events.filter {
                $0["event_type"]?.stringValue == "reservation.denied" && $0["trace_id"]?.stringValue == original.traceID
            }
            try context.expect(
                denials.count == 1, "the original DENY dry run has \(denials.count) reservation.denied events",
                expected: "exactly one")
        },
        ConformanceCheck(
            "SRV-EVT-005", .must, .events,
            "GET /v1/events shows a key with events:read only its own tenant's tenant-accessible events (no other tenant's, even with tenant_id, and no api_key/policy/webhook/system events); without events:read it is 403; a tenant key cannot read /v1/admin/events; the admin listing's tenant_id, category and event_type filters hold",
            spec: "listTenantEvents (normative) PERMISSIONS and tenant-accessible types; listEvents filters; §AUTH & TENANCY",
            requires: [.fixtures, .adminKey, .adminAPI]
        ) { context in
            let fixture = try await context.fixture(.twoTenants())
            let (own, other) = (fixture.tenants[0], fixture.tenants[1])
            // Creating keys for the tenant makes api_key.created events of its own (admin-only category).
            let reader = try await context.requireAPIKey(for: own.tenantID, ["events:read"])
            let withoutPermission = try await context.requireAPIKey(for: own.tenantID, ["reservations:create"])
            let ownDenial = try await context.deniedDryRun(own)
            let otherDenial = try await context.deniedDryRun(other)
            _ = try await context.awaitEvents(of: own.tenantID, type: .reservationDenied, traceID: ownDenial.traceID)
            let otherEvents = try await context.awaitEvents(
                of: other.tenantID, type: .reservationDenied, traceID: otherDenial.traceID)
            let adminView = try await context.adminEvents(of: own.tenantID)
            let visible = try await context.tenantEvents(apiKey: reader)
            try context.expectConformantEvents(visible, "GET /v1/events")
            let foreign = visible.filter { $0["tenant_id"]?.stringValue != own.tenantID }
            try context.expect(
                foreign.isEmpty, "GET /v1/events shows events of \(Set(foreign.compactMap { $0["tenant_id"]?.stringValue }))",
                expected: "only the key's tenant", spec: "listTenantEvents: scoped to the authenticated tenant only")
            let adminOnly = visible.filter {
                !EventCategory(rawValue: $0["category"]?.stringValue ?? "").isTenantAccessible
            }
            try context.expect(
                adminOnly.isEmpty,
                "GET /v1/events shows admin-only events: \(adminOnly.compactMap { $0["event_type"]?.stringValue })",
                expected: "only budget.*, reservation.* and tenant.*", spec: "listTenantEvents tenant-accessible types")
            try context.expect(
                visible.contains { $0["trace_id"]?.stringValue == ownDenial.traceID },
                "GET /v1/events does not show the tenant's own reservation.denied", expected: "the tenant's own events")
            let expectedVisible = Set(
                adminView.filter { EventCategory(rawValue: $0["category"]?.stringValue ?? "").isTenantAccessible }
                    .compactMap { $0["event_id"]?.stringValue })
            try context.expect(
                Set(visible.compactMap { $0["event_id"]?.stringValue }).isSuperset(of: expectedVisible),
                "GET /v1/events hides some of the tenant's tenant-accessible events",
                expected: "every budget/reservation/tenant event of the tenant")
            let widened = try await context.tenantEventsPage(
                apiKey: reader, "tenant_id=\(FixtureNaming.queryEscape(other.tenantID))&limit=100")
            if widened.status == 200 {
                let otherIDs = Set(otherEvents.compactMap { $0["event_id"]?.stringValue })
                try context.expect(
                    !widened.body.contains(other.tenantID)
                        && !(widened.json?["events"]?.arrayValue ?? []).contains {
                            otherIDs.contains($0["event_id"]?.stringValue ?? "")
                        },
                    "GET /v1/events?tenant_id=<other> shows the other tenant's events", expected: "only the key's tenant",
                    exchange: widened)
            } else {
                try context.expect(
                    (400..<500).contains(widened.status), "\(widened.summary)", expected: "200 (own events) or a 4xx",
                    exchange: widened)
            }
            try context.expectRefusal(
                try await context.tenantEventsPage(apiKey: withoutPermission, ""), statuses: [403], codes: forbiddenCodes,
                because: "GET /v1/events with a key lacking events:read")
            let otherID = otherEvents.first?["event_id"]?.stringValue ?? ""
            for path in ["/v1/admin/events?tenant_id=\(other.tenantID)", "/v1/admin/events/\(otherID)"] {
                let answer = try await context.send(
                    WireRequest(method: "GET", path: path, headers: [WireHeader(CyclesHeader.apiKey, reader)]))
                try context.expect(
                    [401, 403].contains(answer.status), "\(answer.summary) with a tenant key: \(answer.body.prefix(200))",
                    expected: "401 or 403 (admin key required)", spec: "listEvents/getEvent AdminKeyAuth", exchange: answer)
            }
            for (filter, field, value) in [
                ("category=reservation", "category", "reservation"),
                ("event_type=reservation.denied", "event_type", "reservation.denied"),
                ("category=api_key", "category", "api_key"),
            ] {
                let filtered = try await context.adminEvents(of: own.tenantID, filter)
                let expected = adminView.filter { $0[field]?.stringValue == value }
                try context.expect(
                    filtered.allSatisfy { $0[field]?.stringValue == value && $0["tenant_id"]?.stringValue == own.tenantID }
                        && Set(filtered.compactMap { $0["event_id"]?.stringValue })
                            == Set(expected.compactMap { $0["event_id"]?.stringValue }),
                    "GET /v1/admin/events?tenant_id=…&\(filter): \(filtered.count) events, "
                        + "\(expected.count) of the tenant's match", expected: "exactly the matching events",
                    spec: "listEvents \(filter.split(separator: "=")[0]) filter")
            }
        },
        ConformanceCheck(
            "SRV-EVT-006", .must, .events,
            "Event listings page by cursor without duplicates or gaps, even while new events arrive between pages: the admin listing (limit=2) and the tenant listing (limit=3) walk to the same set as one page of 100, ending with has_more false",
            spec: "listEvents, listTenantEvents cursor/limit; EventListResponse has_more, next_cursor",
            requires: [.fixtures, .adminKey, .adminAPI]
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000)).tenant
            let reader = try await context.requireAPIKey(for: tenant.tenantID, ["events:read"])
            var traces: [String] = []
            for _ in 0..<6 { traces.append(try await context.deniedDryRun(tenant).traceID) }
            let before = try await context.awaitAdminEvents(
                of: tenant.tenantID, "category=reservation", waitingFor: "six reservation.denied events"
            ) { events in traces.allSatisfy { trace in events.contains { $0["trace_id"]?.stringValue == trace } } }
            let expected = Set(before.compactMap { $0["event_id"]?.stringValue })
            for (label, pageSize) in [("admin", 2), ("tenant", 3)] {
                var fetched = 0
                let walked = try await context.walkEvents { cursor in
                    fetched += 1
                    if fetched == 2 {
                        // New events between the first and second page must neither repeat nor hide older ones.
                        _ = try await context.deniedDryRun(tenant)
                        _ = try await context.deniedDryRun(tenant)
                    }
                    let query = "category=reservation&limit=\(pageSize)"
                        + (cursor.map { "&cursor=" + FixtureNaming.queryEscape($0) } ?? "")
                    return label == "admin"
                        ? try await context.adminEventsPage("tenant_id=\(FixtureNaming.queryEscape(tenant.tenantID))&" + query)
                        : try await context.tenantEventsPage(apiKey: reader, query)
                }
                let ids = Set(walked.compactMap { $0["event_id"]?.stringValue })
                try context.expect(
                    ids.isSuperset(of: expected),
                    "the \(label) listing walked with limit=\(pageSize) missed \(expected.subtracting(ids).count) of the "
                        + "\(expected.count) events present before the walk", expected: "no gaps across pages",
                    spec: "cursor pagination")
                try context.expect(
                    fetched >= 3, "the \(label) listing of \(expected.count)+ events fit in \(fetched) pages of \(pageSize)",
                    expected: "limit honoured", spec: "listEvents limit")
            }
        },
        ConformanceCheck(
            "SRV-EVT-007", .should, .events,
            "Admin operations emit their lifecycle events with EventData payloads: tenant.created, tenant.suspended, tenant.reactivated, api_key.created and api_key.revoked (key_id, never the secret), budget.created and budget.funded (previous/new allocated), and webhook.created, webhook.paused and webhook.deleted where subscriptions are served",
            spec: "EventType; EventDataTenantLifecycle; EventDataApiKey (key_id never the raw key); EventDataBudgetLifecycle; EventDataWebhookLifecycle",
            requires: [.adminKey, .adminAPI]
        ) { context in
            let tenantID = FixtureNaming.tenantID()
            let created = try await context.send(
                try context.adminRequest(
                    "POST", "/v1/admin/tenants", json: ["tenant_id": .string(tenantID), "name": .string("Conformance \(tenantID)")]))
            try context.skipUnlessServed(created, "create tenants (POST /v1/admin/tenants)")
            try context.expectStatus(created, 201, because: "creating a tenant")
            guard let key = try await context.createAPIKey(for: tenantID, permissions: ["reservations:create"]) else {
                throw CheckFailure("creating a key with [reservations:create] was refused with 400")
            }
            try await context.setTenantStatus(tenantID, "SUSPENDED")
            try await context.setTenantStatus(tenantID, "ACTIVE")
            try await context.revokeAPIKey(key.keyID)
            let scope = "tenant:\(tenantID)"
            let budget = try await context.send(
                try context.adminRequest(
                    "POST", "/v1/admin/budgets",
                    json: [
                        "tenant_id": .string(tenantID), "scope": .string(scope), "unit": "TOKENS",
                        "allocated": context.amount(1_000),
                    ]))
            try context.skipUnlessServed(budget, "create budgets (POST /v1/admin/budgets)")
            try context.expectStatus(budget, 201, because: "creating a budget")
            let fund = try await context.fundBudget(
                tenantID: tenantID, scope: scope,
                ["operation": "CREDIT", "amount": context.amount(500), "idempotency_key": .string(FixtureNaming.idempotencyKey("fund"))])
            try context.expectStatus(fund, 200, because: "funding the budget")
            var wanted: [EventType] = [
                .tenantCreated, .tenantSuspended, .tenantReactivated, .apiKeyCreated, .apiKeyRevoked, .budgetCreated,
                .budgetFunded,
            ]
            // Webhook lifecycle, where the target serves the reference subscription operations.
            let subscribed = try await context.send(
                try context.adminRequest(
                    "POST", "/v1/admin/webhooks?tenant_id=\(FixtureNaming.queryEscape(tenantID))",
                    json: context.webhookBody(types: [.reservationDenied])))
            let subscriptionID = subscribed.json?["subscription"]?["subscription_id"]?.stringValue
            if subscribed.status == 201, let subscriptionID {
                try context.expectStatus(
                    try await context.patchAdminWebhook(subscriptionID, ["status": "PAUSED"]), 200,
                    because: "pausing the subscription")
                try context.expectStatus(
                    try await context.send(try context.adminRequest("DELETE", "/v1/admin/webhooks/\(subscriptionID)")), 204,
                    because: "deleting the subscription")
                wanted += [.webhookCreated, .webhookPaused, .webhookDeleted]
            } else {
                await context.note("webhook lifecycle events not judged: \(subscribed.summary)")
            }
            let events = try await context.awaitAdminEvents(
                of: tenantID, waitingFor: wanted.map(\.rawValue).joined(separator: ", ")
            ) { events in
                wanted.allSatisfy { type in events.contains { $0["event_type"]?.stringValue == type.rawValue } }
            }
            try context.expectConformantEvents(events, "the admin-created tenant's events")
            try context.expect(
                !events.contains { JSONText.encode($0).contains(key.secret) }, "an event carries the API key's secret",
                expected: "key_id only, never the raw key value", spec: "EventDataApiKey.key_id")
            func first(_ type: EventType) -> JSONValue { events.first { $0["event_type"]?.stringValue == type.rawValue }?["data"] ?? .null }
            var wrong: [String] = []
            if first(.tenantCreated)["tenant_id"]?.stringValue != tenantID { wrong.append("tenant.created \(first(.tenantCreated))") }
            let suspended = first(.tenantSuspended)
            if suspended["previous_status"]?.stringValue != "ACTIVE" || suspended["new_status"]?.stringValue != "SUSPENDED" {
                wrong.append("tenant.suspended \(suspended)")
            }
            if first(.tenantReactivated)["new_status"]?.stringValue != "ACTIVE" { wrong.append("tenant.reactivated \(first(.tenantReactivated))") }
            for type in [EventType.apiKeyCreated, .apiKeyRevoked] where first(type)["key_id"]?.stringValue != key.keyID {
                wrong.append("\(type.rawValue) \(first(type)), expected key_id \(key.keyID)")
            }
            let funded = first(.budgetFunded)
            if let subscriptionID, wanted.contains(.webhookCreated) {
                let (created, paused, deleted) = (first(.webhookCreated), first(.webhookPaused), first(.webhookDeleted))
                if created["subscription_id"]?.stringValue != subscriptionID || created["new_status"]?.stringValue != "ACTIVE" {
                    wrong.append("webhook.created \(created)")
                }
                if paused["previous_status"]?.stringValue != "ACTIVE" || paused["new_status"]?.stringValue != "PAUSED" {
                    wrong.append("webhook.paused \(paused)")
                }
                if deleted["subscription_id"]?.stringValue != subscriptionID { wrong.append("webhook.deleted \(deleted)") }
            }
            if let before = funded["previous_state"]?["allocated"]?.integerValue,
                let after = funded["new_state"]?["allocated"]?.integerValue, after - before != 500
            {
                wrong.append("budget.funded allocated \(before) → \(after) for a CREDIT of 500")
            }
            try context.expect(wrong.isEmpty, wrong.joined(separator: "; "), expected: "payloads naming what changed")
        },
        ConformanceCheck(
            "SRV-EVT-008", .should, .events,
            "A reservation left unsettled past expires_at + grace emits exactly one reservation.expired naming it, whose EventDataReservationExpired payload carries the estimate it held (estimated_amount, unit, scope) and extensions_used 1 after one extend",
            spec: "CONFORMANCE.md SHOULD emit events for budget-state changes; EventType reservation.expired; EventDataReservationExpired",
            requires: [.fixtures, .adminKey, .clock]
        ) { context in
            let fixture = try await context.fixture(.single(allocated: 10_000))
            let tenant = fixture.tenant
            let driver = try await context.deadlineDriver(fixture)
            let held = try await context.reserveActive(
                tenant, estimate: 700, extra: ["ttl_ms": 1_000, "grace_period_ms": 0])
            try context.expectStatus(
                try await context.extend(tenant, held.id, byMs: 1_000), 200, because: "extending the reservation once")
            try await driver.pass(milliseconds: 2_001)
            // A server may expire lazily, on the next access: reading the reservation gives it that access. Its
            // answer (410) is judged by SRV-LIFE-005, not here.
            _ = try await context.send(context.request("GET", "/v1/reservations/\(held.id)", tenant))
            let events = try await context.awaitAdminEvents(
                of: tenant.tenantID, "event_type=reservation.expired", waitingFor: "reservation.expired for \(held.id)"
            ) { events in events.contains { $0["data"]?["reservation_id"]?.stringValue == held.id } }
            try context.expectConformantEvents(events, "GET /v1/admin/events?event_type=reservation.expired")
            let mine = events.filter { $0["data"]?["reservation_id"]?.stringValue == held.id }
            let data = mine.first?["data"] ?? .null
            var wrong: [String] = []
            if mine.count != 1 { wrong.append("\(mine.count) reservation.expired events for \(held.id)") }
            // Every payload field is optional in the schema: each is judged when present.
            let figures: [(String, JSONValue)] = [
                ("estimated_amount", .integer(700)), ("unit", "TOKENS"), ("extensions_used", .integer(1)),
                ("scope", .string(tenant.budgetScopes[0])),
            ]
            for (field, value) in figures where data[field].map({ $0 != value }) ?? false {
                wrong.append("\(field) \(data[field] ?? .null), expected \(value)")
            }
            try context.expect(
                wrong.isEmpty, "reservation.expired for \(held.id): " + wrong.joined(separator: "; "),
                expected: "one event with the held estimate", spec: "EventDataReservationExpired")
        },
    ]

    /// What ``provokeRuntimeEvents(_:_:)`` did: the two overage commits and their figures.
    struct ProvokedOverage {
        var reservationID: String
        var estimated: Int64
        var actual: Int64
        var debt: Int64
    }

    /// On a budget of 1000 with an overdraft limit of 500: a DENY dry run and a DENY decide (reservation.denied ×2);
    /// reserve 600 and commit 900 (overage 300, no debt; utilization crosses 0.8 and 0.95); reserve 100 (remaining 0:
    /// exhausted) and commit 300 (overage 200, debt 200: reservation.commit_overage and budget.debt_incurred).
    @discardableResult
    static func provokeRuntimeEvents(_ context: CheckContext, _ tenant: ProvisionedTenant) async throws
        -> (denials: [String], overages: [ProvokedOverage])
    {
        let dryRun = try await context.deniedDryRun(tenant, estimate: beyondBudget)
        let decide = try await context.decide(tenant, estimate: beyondBudget)
        try context.expectStatus(decide, 200, because: "a decide beyond the budget")
        var overages: [ProvokedOverage] = []
        for (estimate, actual, debt) in [(Int64(600), Int64(900), Int64(0)), (100, 300, 200)] {
            let held = try await context.reserveActive(
                tenant, estimate: estimate, extra: ["overage_policy": "ALLOW_WITH_OVERDRAFT"])
            try context.expectStatus(
                try await context.commit(tenant, held.id, actual: actual), 200,
                because: "committing \(actual) against an estimate of \(estimate) with ALLOW_WITH_OVERDRAFT")
            overages.append(ProvokedOverage(reservationID: held.id, estimated: estimate, actual: actual, debt: debt))
        }
        return ([dryRun.traceID], overages)
    }
}
