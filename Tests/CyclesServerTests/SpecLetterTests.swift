import CyclesProtocol
import CyclesServer
import NIOHTTP1
import Testing

/// The departures from the spec's words found by probing from outside: lengths in code points, keyset cursors,
/// strict query values and body limits (the overdraft formula is in `CommitTests`).
struct SpecLetterTests {
    static func reserveBody(key: String = "k-1", kind: String = "llm.completion", extra: String = "") -> String {
        let escapedKey = JSONLiteral.quoted(key)
        let escapedKind = JSONLiteral.quoted(kind)
        return #"{"idempotency_key":\#(escapedKey),"subject":{"tenant":"acme"},"action":{"kind":\#(escapedKind),"name":"gpt"},"estimate":{"unit":"USD_MICROCENTS","amount":1}\#(extra)}"#
    }

    @Test("String limits count code points: 1 001 code points in one grapheme are refused, 256 astral ones accepted")
    func codePointLengths() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let accented = "e" + String(repeating: "\u{301}", count: 1_000)
            #expect(accented.count == 1)
            let longKey = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody(key: accented))
            #expect(longKey.status == 400 && longKey.json["error"] == "INVALID_REQUEST")
            #expect(longKey.json["message"]?.stringValue?.contains("idempotency_key") == true)
            let kind = "k" + String(repeating: "\u{301}", count: 67)
            let longKind = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody(kind: kind))
            #expect(longKind.status == 400 && longKind.json["message"]?.stringValue?.contains("action.kind") == true)
            let astral = String(repeating: "\u{1F600}", count: 256)
            #expect(try await client.send(.POST, "/v1/reservations", body: Self.reserveBody(key: astral)).status == 200)
            let release = "{\"idempotency_key\":\"r\",\"reason\":\"" + "a" + String(repeating: "\u{301}", count: 256) + "\"}"
            let id = try #require(
                try await client.send(.POST, "/v1/reservations", body: Self.reserveBody(key: "k-2")).json["reservation_id"]?
                    .stringValue)
            #expect(try await client.send(.POST, "/v1/reservations/\(id)/release", body: release).status == 400)
        }
    }

    @Test("The ledger's own validation counts code points too (engine callers get the same 400)")
    func ledgerCodePoints() async throws {
        let ledger = try await Fixture.ledger()
        await expectLedgerError(.invalidRequest) {
            _ = try await ledger.reserve(
                Fixture.reserve(1, key: IdempotencyKey("e" + String(repeating: "\u{301}", count: 256))), as: Fixture.acme)
        }
        var request = Fixture.reserve(1)
        request.action = Action(kind: "k" + String(repeating: "\u{301}", count: 64), name: "gpt")
        await expectLedgerError(.invalidRequest) { _ = try await ledger.reserve(request, as: Fixture.acme) }
        try ledger.close()
    }

    @Test("Cursors keep their place: a row created between pages does not repeat; a row leaving the filter skips none")
    func keysetCursors() async throws {
        let ledger = try await Fixture.ledger()
        let me = Principal.tenant(Fixture.acme)
        var ids: [ReservationID] = []
        for _ in 0..<5 {
            ids.append(try #require(try await ledger.reserveValue(Fixture.reserve(10)).reservationID))
            try await ledger.advanceClock(namespace: "default", byMs: 1_000)
        }
        // Newest first; a new row arrives after page 1.
        let first = try await ledger.listReservations(.init(limit: 2), as: me)
        #expect(first.reservations.map(\.reservationID) == [ids[4], ids[3]])
        _ = try await ledger.reserveValue(Fixture.reserve(10))
        let second = try await ledger.listReservations(.init(limit: 2, cursor: first.nextCursor), as: me)
        #expect(second.reservations.map(\.reservationID) == [ids[2], ids[1]])
        // Oldest first over ACTIVE; the first row is committed after page 1 (an offset would now skip ids[2]).
        let active = try await ledger.listReservations(.init(status: .active, ascending: true, limit: 2), as: me)
        #expect(active.reservations.map(\.reservationID) == [ids[0], ids[1]])
        _ = try await ledger.commit(ids[0], CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        let next = try await ledger.listReservations(
            .init(status: .active, ascending: true, limit: 2, cursor: active.nextCursor), as: me)
        #expect(next.reservations.map(\.reservationID) == [ids[2], ids[3]])
        // Every sort column pages through the same set exactly once.
        for sort in ReservationFilter.SortField.allCases {
            for ascending in [true, false] {
                var seen: [ReservationID] = []
                var cursor: String?
                repeat {
                    let page = try await ledger.listReservations(
                        .init(sortBy: sort, ascending: ascending, limit: 2, cursor: cursor), as: me)
                    seen += page.reservations.map(\.reservationID)
                    cursor = page.nextCursor
                } while cursor != nil && seen.count < 20
                #expect(seen.count == 6 && Set(seen).count == 6, "\(sort) \(ascending): \(seen)")
            }
        }
        await expectLedgerError(.invalidRequest) {
            _ = try await ledger.listReservations(.init(limit: 2, cursor: "c2.0000.zz.00"), as: me)
        }
        try ledger.close()
    }

    @Test("Balance cursors are keyset too: the next page starts after the last (scope_path, unit) returned")
    func balanceKeyset() async throws {
        let ledger = try await Fixture.ledger()
        let page = try await ledger.balances(.init(tenant: "acme", limit: 2), as: Fixture.acme)
        #expect(page.balances.map(\.scopePath) == ["tenant:acme", "tenant:acme/agent:bot"])
        // A budget sorting before the cursor's position arrives between pages; an offset would repeat agent:bot.
        try await ledger.applySeed(
            SeedDocument(
                tenants: [],
                budgets: [SeedBudget(tenantID: "acme", scope: "tenant:acme/agent:a", unit: .usdMicrocents, allocated: 1)]))
        let rest = try await ledger.balances(.init(tenant: "acme", limit: 10, cursor: page.nextCursor), as: Fixture.acme)
        #expect(rest.balances.map(\.scopePath) == ["tenant:acme/workspace:tok"])
        try ledger.close()
    }

    @Test("Query values are strict: blank typed values and epoch-ms bounds are 400 naming the parameter")
    func strictQueryValues() async throws {
        try await HTTPTestClient.withServer { client, _ in
            for (path, parameter) in [
                ("/v1/balances?tenant=acme&include_children=", "include_children"),
                ("/v1/balances?tenant=acme&limit=", "limit"), ("/v1/reservations?limit=", "limit"),
                ("/v1/reservations?status=", "status"), ("/v1/reservations?sort_by=", "sort_by"),
                ("/v1/reservations?sort_dir=", "sort_dir"), ("/v1/reservations?idempotency_key=", "idempotency_key"),
                ("/v1/reservations?from=1700000000000", "from"), ("/v1/reservations?expires_to=1700000000000", "expires_to"),
            ] {
                let answer = try await client.send(.GET, path)
                #expect(answer.status == 400 && answer.json["error"] == "INVALID_REQUEST", "\(path)")
                #expect(answer.json["message"]?.stringValue?.contains(parameter) == true, "\(path): \(answer.text)")
            }
            // The spec's named exception: blank window bounds are unset.
            #expect(try await client.send(.GET, "/v1/reservations?from=&to=&expires_from=&finalized_to=").status == 200)
            #expect(try await client.send(.GET, "/v1/reservations?from=2026-01-15T08:00:00Z").status == 200)
        }
    }

    @Test("`+` in a query value decodes as a space")
    func plusIsSpace() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let created = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody(key: "a b"))
            let id = try #require(created.json["reservation_id"]?.stringValue)
            let found = try await client.send(.GET, "/v1/reservations?idempotency_key=a+b")
            #expect(found.json["reservations"]?.arrayValue?.compactMap { $0["reservation_id"]?.stringValue } == [id])
            let encodedPlus = try await client.send(.GET, "/v1/reservations?idempotency_key=a%2Bb")
            #expect(encodedPlus.json["reservations"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("A body over the size limit is 413 with the protocol's error body")
    func oversizeBody() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let padding = String(repeating: "x", count: 2 << 20)
            let answer = try await client.send(
                .POST, "/v1/reservations", body: Self.reserveBody(extra: #","metadata":{"p":"\#(padding)"}"#))
            #expect(answer.status == 413)
            #expect(answer.json["error"] == "INVALID_REQUEST")
            #expect(answer.json["request_id"]?.stringValue == answer.header(CyclesHeader.requestID))
            #expect(answer.header("Content-Type") == "application/json")
        }
    }

    @Test("Metadata nested deeper than the parser's cap is 400 saying so; at the cap it is accepted")
    func deepMetadata() async throws {
        try await HTTPTestClient.withServer { client, _ in
            func nested(_ levels: Int) -> String {
                String(repeating: #"{"n":"#, count: levels) + "1" + String(repeating: "}", count: levels)
            }
            // The body object is level 1, metadata level 2: 63 more levels reach the cap of 64 exactly.
            let atCap = try await client.send(
                .POST, "/v1/reservations", body: Self.reserveBody(key: "k-cap", extra: #","metadata":"# + nested(63)))
            #expect(atCap.status == 200, "\(atCap.text)")
            let tooDeep = try await client.send(
                .POST, "/v1/reservations", body: Self.reserveBody(key: "k-deep", extra: #","metadata":"# + nested(64)))
            #expect(tooDeep.status == 400 && tooDeep.json["error"] == "INVALID_REQUEST")
            #expect(tooDeep.json["message"]?.stringValue?.contains("deeper than 64") == true, "\(tooDeep.text)")
            let broken = try await client.send(.POST, "/v1/reservations", body: "{\"idempotency_key\":")
            #expect(broken.json["message"] == "request body is not valid JSON")
        }
    }
}

/// JSON text built by hand for raw-HTTP tests.
enum JSONLiteral {
    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
