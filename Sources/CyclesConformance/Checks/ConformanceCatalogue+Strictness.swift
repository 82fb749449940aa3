import CyclesProtocol

/// Rules where a server that "mostly works" still departs from the spec's words: the overdraft formula, string
/// lengths in code points, cursors that keep their place, strict query values, oversize and deeply nested bodies,
/// and the JSON content type on every answer. Where the upstream reference server is known (or, from its code,
/// expected) to break a rule, the check's `note` says so, so a vendor mirroring upstream can list it as an expected
/// failure knowingly.
extension ConformanceCatalogue {
    static let strictness: [ConformanceCheck] = [
        ConformanceCheck(
            "SRV-ERR-033", .must, .errors,
            "ALLOW_WITH_OVERDRAFT refuses a commit when (current_debt + delta) > overdraft_limit, even if the unfunded part would fit; within the limit debt grows by the whole delta",
            spec: "CommitOveragePolicy ALLOW_WITH_OVERDRAFT; Balance OVERDRAFT LIMIT; ERROR SEMANTICS OVERDRAFT_LIMIT_EXCEEDED",
            note: "The upstream reference server counts only the unfunded part of the delta (a deficit model): with "
                + "budget 1000, overdraft_limit 300, reserve 900 it answers a 1250 commit with 200 and debt 250, where "
                + "the spec requires 409, and it records debt 150 instead of 250 for a 1150 commit."
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000, overdraftLimit: 300)).tenant
            let reservation = try await context.reserveActive(
                tenant, estimate: 900, extra: ["overage_policy": "ALLOW_WITH_OVERDRAFT"])
            // remaining 100 cannot cover delta 350, and 0 + 350 > 300: refused, although the unfunded 250 fits.
            let refused = try await context.commit(tenant, reservation.id, actual: 1_250)
            try context.expectError(
                refused, 409, .overdraftLimitExceeded, spec: "(current_debt 0 + delta 350) > overdraft_limit 300")
            try await context.expectLedger(of: tenant, remaining: 100, reserved: 900, spent: 0, debt: 0)
            let within = try await context.commit(tenant, reservation.id, actual: 1_150)
            try context.expectStatus(within, 200, because: "committing delta 250 ≤ overdraft_limit 300")
            // "add delta to debt, remaining can go negative": debt is 250 whichever way `spent` is booked.
            let snapshot = try await context.expectLedger(of: tenant, reserved: 0, debt: 250)
            try context.expect(
                snapshot.remaining < 0, "remaining is \(snapshot.remaining) after an overdraft",
                expected: "remaining negative (allocated − spent − reserved − debt)", spec: "Balance.remaining")
        },
        ConformanceCheck(
            "SRV-ERR-039", .must, .errors,
            "Debt within a positive overdraft_limit, remaining covering the estimate: reserve answers 200 or 409 DEBT_OUTSTANDING, nothing else",
            spec: "Balance DEBT SEMANTICS (\"unless explicitly allowed by policy\"); reason code DEBT_OUTSTANDING (debt > 0 and overdraft_limit == 0)",
            requires: [.fixtures, .seededDebt]
        ) { context in
            // The spec's two texts allow two readings, and the check accepts exactly those: the reason-code reading
            // (a positive overdraft_limit is the policy that allows debt, so the remaining check decides: 200) and
            // the prose-only reading (any debt blocks: 409 DEBT_OUTSTANDING). Nothing else is a reading of either.
            let tenant = try await context.fixture(
                .budgets(BudgetPlan(allocated: 10_000, overdraftLimit: 1_000, debt: 500))).tenant
            let answer = try await context.reserve(tenant, estimate: 100)
            if answer.status == 200 {
                try context.expectShape(answer, WireShapes.reservationCreateResponse)
                await context.note("reason-code reading: debt within a positive overdraft_limit does not block")
            } else {
                try context.expectError(answer, 409, .debtOutstanding, spec: "prose reading: debt > 0 blocks")
            }
        },
        ConformanceCheck(
            "SRV-ERR-034", .must, .errors,
            "String limits count Unicode code points, as JSON Schema's maxLength does (not grapheme clusters, not UTF-16 units or bytes)",
            spec: "JSON Schema maxLength (code points); IdempotencyKey maxLength 256; Action.kind maxLength 64",
            note: "The upstream reference server validates with Java's String.length, which counts UTF-16 code units: it "
                + "refuses a 256-code-point key made of characters outside the Basic Multilingual Plane (512 units)."
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000_000)).tenant
            // One grapheme cluster, 1 001 code points: over the 256 limit.
            let accented = "e" + String(repeating: "\u{301}", count: 1_000)
            let longKey = try await context.reserve(tenant, estimate: 1, key: accented)
            try context.expectError(longKey, 400, .invalidRequest, spec: "idempotency_key: 1 001 code points > 256")
            // One grapheme cluster, 68 code points: over the 64 limit of action.kind.
            let kind = "k" + String(repeating: "\u{301}", count: 67)
            let longKind = try await context.reserve(
                tenant, estimate: 1, extra: ["action": ["kind": .string(kind), "name": "conformance:model"]])
            try context.expectError(longKind, 400, .invalidRequest, spec: "action.kind: 68 code points > 64")
            // 256 code points outside the BMP (512 UTF-16 units, 1 024 bytes): exactly at the limit, so accepted.
            let astral = String(repeating: "\u{1F600}", count: 256)
            let atLimit = try await context.reserve(tenant, estimate: 1, key: astral)
            try context.expectStatus(atLimit, 200, spec: "idempotency_key: 256 code points ≤ 256")
        },
        ConformanceCheck(
            "SRV-ERR-035", .must, .errors,
            "Typed query values are strict: an empty include_children or limit, or an epoch-ms date-time bound, answers 400 INVALID_REQUEST; a blank window bound counts as unset",
            spec: "getBalances include_children boolean; Limit integer; listReservations TIME-RANGE FILTERS (date-time; blank = unset)",
            note: "The upstream reference server ignores include_children (so an empty value is likely accepted, as a "
                + "lenient boolean binding does); its window bounds are ISO-8601 only."
        ) { context in
            let tenant = try await context.fixture().tenant
            let balances = "/v1/balances?tenant=\(tenant.tenantID)"
            for query in ["\(balances)&include_children=", "\(balances)&limit=", "/v1/reservations?limit=",
                "/v1/reservations?status=", "/v1/reservations?from=1700000000000",
                "/v1/reservations?expires_to=1700000000000"]
            {
                let answer = try await context.send(context.request("GET", query, tenant))
                try context.expectError(answer, 400, .invalidRequest, spec: "GET \(query)")
            }
            // The spec's one exception, by name: blank window bounds MUST be treated as unset, never a 400.
            let blank = try await context.send(
                context.request("GET", "/v1/reservations?from=&expires_to=&finalized_from=", tenant))
            try context.expectStatus(blank, 200, spec: "TIME-RANGE FILTERS: blank values MUST be treated as unset")
        },
        ConformanceCheck(
            "SRV-ERR-036", .should, .errors,
            "`+` in a query value decodes as a space (form encoding): idempotency_key=a+b finds the reservation keyed \"a b\"",
            spec: "listReservations idempotency_key; application/x-www-form-urlencoded"
        ) { context in
            let tenant = try await context.fixture().tenant
            let key = "conf plus " + RandomIdentifier.hex(byteCount: 4)
            let created = try await context.reserve(tenant, estimate: 1, key: key)
            try context.expectStatus(created, 200)
            let plus = key.split(separator: " ").joined(separator: "+")
            let found = try await context.send(context.request("GET", "/v1/reservations?idempotency_key=\(plus)", tenant))
            try context.expectStatus(found, 200)
            let ids = found.json?["reservations"]?.arrayValue?.compactMap { $0["reservation_id"]?.stringValue } ?? []
            try context.expect(
                ids == [created.json?["reservation_id"]?.stringValue ?? "?"], "found \(ids)",
                expected: "the reservation created with key '\(key)'", exchange: found)
        },
        ConformanceCheck(
            "SRV-ERR-037", .should, .errors,
            "A body over the server's size limit answers 413 with the protocol's ErrorResponse (a 2 MiB body may also be accepted)",
            spec: "HTTP 413; §2.6 ErrorResponse on every error"
        ) { context in
            let tenant = try await context.fixture().tenant
            let padding = String(repeating: "x", count: 2 << 20)
            let answer = try await context.reserve(tenant, estimate: 1, extra: ["metadata": ["padding": .string(padding)]])
            if (200..<300).contains(answer.status) {
                await context.note("the server accepted a 2 MiB body; its limit, if any, is higher")
                return
            }
            try context.expectError(answer, 413, .invalidRequest, spec: "413 with ErrorResponse error=INVALID_REQUEST")
        },
        ConformanceCheck(
            "SRV-ERR-038", .may, .errors,
            "Metadata nested beyond the server's depth cap is refused with 400 INVALID_REQUEST that says so (not \"not valid JSON\")",
            spec: "§11.1 400 INVALID_REQUEST; message names the cause"
        ) { context in
            let tenant = try await context.fixture().tenant
            var nested: JSONValue = ["leaf": true]
            for _ in 0..<200 { nested = ["n": nested] }
            let answer = try await context.reserve(tenant, estimate: 1, extra: ["metadata": nested])
            if (200..<300).contains(answer.status) {
                await context.note("the server accepted metadata nested 200 levels deep; its cap, if any, is higher")
                return
            }
            try context.expectError(answer, 400, .invalidRequest)
            let message = (answer.json?["message"]?.stringValue ?? "").lowercased()
            try context.expect(
                ["nest", "deep", "depth"].contains { message.contains($0) }, "message is '\(message)'",
                expected: "a message naming the nesting limit", exchange: answer)
        },
        ConformanceCheck(
            "SRV-LIFE-012", .should, .lifecycle,
            "A list cursor keeps its place when data changes: a row created between pages does not repeat, a row leaving a status filter does not make the next page skip rows",
            spec: "listReservations sort_by: \"the returned cursor encodes the sort key\"",
            note: "The upstream reference server's cursor is a scan position plus an offset, so rows can repeat or be "
                + "skipped when the data changes between pages."
        ) { context in
            // A row created between pages (newest first): the next page must not repeat page 1.
            let newestFirst = try await context.fixture().tenant
            var created: Set<String> = []
            for _ in 0..<5 { created.insert(try await context.reserveActive(newestFirst, estimate: 1).id) }
            var first = try await Self.listPage(context, newestFirst, "sort_by=created_at_ms&sort_dir=desc&limit=2")
            created.insert(try await context.reserveActive(newestFirst, estimate: 1).id)
            var seen = first.ids
            for _ in 0..<20 {
                guard let cursor = first.cursor else { break }
                first = try await Self.listPage(
                    context, newestFirst, "sort_by=created_at_ms&sort_dir=desc&limit=2&cursor=\(cursor)")
                seen += first.ids
            }
            try context.expect(
                Set(seen).count == seen.count, "rows repeated across pages: \(seen)",
                expected: "each row at most once after a row was created between pages")
            // A row leaving the ACTIVE filter between pages (oldest first): no row may be skipped.
            let oldestFirst = try await context.fixture().tenant
            var active: [String] = []
            for _ in 0..<5 { active.append(try await context.reserveActive(oldestFirst, estimate: 1).id) }
            var page = try await Self.listPage(context, oldestFirst, "status=ACTIVE&sort_by=created_at_ms&sort_dir=asc&limit=2")
            let pageOne = page.ids
            if let leaving = pageOne.first {
                try context.expectStatus(try await context.commit(oldestFirst, leaving, actual: 1), 200)
            }
            var listed = pageOne
            for _ in 0..<20 {
                guard let cursor = page.cursor else { break }
                page = try await Self.listPage(
                    context, oldestFirst, "status=ACTIVE&sort_by=created_at_ms&sort_dir=asc&limit=2&cursor=\(cursor)")
                listed += page.ids
            }
            try context.expect(
                Set(listed) == Set(active) && listed.count == active.count, "paging listed \(listed)",
                expected: "all 5 reservations ACTIVE at the start, each once (\(active))")
        },
        ConformanceCheck(
            "SRV-WIRE-019", .must, .wire,
            "Every answer, success and error, is Content-Type application/json with X-Request-Id and a 32-hex X-Cycles-Trace-Id",
            spec: "responses content application/json; headers X-Request-Id, X-Cycles-Trace-Id"
        ) { context in
            let tenant = try await context.fixture(.single(allocated: 1_000)).tenant
            var answers: [WireExchange] = []
            let kept = try await context.reserveActive(tenant, estimate: 10)
            answers.append(kept.exchange)
            answers.append(try await context.reserve(tenant, estimate: 10, extra: ["dry_run": true]))
            answers.append(try await context.decide(tenant, estimate: 10))
            answers.append(try await context.getReservation(tenant, kept.id))
            answers.append(try await context.send(context.request("GET", "/v1/reservations", tenant)))
            answers.append(try await context.balances(tenant))
            answers.append(try await context.extend(tenant, kept.id, byMs: 1_000))
            answers.append(try await context.commit(tenant, kept.id, actual: 5))
            let released = try await context.reserveActive(tenant, estimate: 10)
            answers.append(try await context.release(tenant, released.id))
            answers.append(try await context.event(tenant, actual: 1))
            // Errors: 401, 400 (malformed JSON, bad query), 404, 409.
            answers.append(try await context.send(.json("POST", "/v1/reservations", context.probeReserveBody)))
            answers.append(
                try await context.send(
                    WireRequest(method: "POST", path: "/v1/reservations",
                        headers: [WireHeader("Content-Type", "application/json"), WireHeader(CyclesHeader.apiKey, tenant.apiKey)],
                        body: "{\"idempotency_key\": ")))
            answers.append(try await context.send(context.request("GET", "/v1/reservations?limit=0", tenant)))
            answers.append(try await context.getReservation(tenant, "conf-missing-" + RandomIdentifier.hex(byteCount: 4)))
            answers.append(try await context.reserve(tenant, estimate: 1_000_000))
            for answer in answers {
                try context.expectJSONContentType(answer)
                try context.expect(
                    !(answer.header(CyclesHeader.requestID) ?? "").isEmpty, "\(answer.summary): no X-Request-Id",
                    expected: "X-Request-Id on every response", exchange: answer)
                try context.expect(
                    TraceContext.validTraceID(answer.header(CyclesHeader.traceID)) != nil,
                    "\(answer.summary): X-Cycles-Trace-Id is \(answer.header(CyclesHeader.traceID) ?? "absent")",
                    expected: "32 lowercase hex digits on every response", exchange: answer)
            }
            try context.expect(
                answers.contains { $0.status >= 400 } && answers.contains { $0.status < 300 },
                "the sweep did not produce both successes and errors: \(answers.map(\.status))",
                expected: "2xx and 4xx answers")
        },
    ]

    /// One page of `GET /v1/reservations?<query>`: its ids and its next cursor (nil on the last page).
    private static func listPage(_ context: CheckContext, _ tenant: ProvisionedTenant, _ query: String) async throws
        -> (ids: [String], cursor: String?)
    {
        let page = try await context.send(context.request("GET", "/v1/reservations?\(query)", tenant))
        try context.expectStatus(page, 200)
        let ids = page.json?["reservations"]?.arrayValue?.compactMap { $0["reservation_id"]?.stringValue } ?? []
        let more = page.json?["has_more"]?.boolValue ?? false
        let cursor = more ? page.json?["next_cursor"]?.stringValue.map(FixtureNaming.queryEscape) : nil
        return (ids, cursor)
    }
}
