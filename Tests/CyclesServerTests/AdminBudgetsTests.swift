import Foundation
import CyclesProtocol
import CyclesServer
import NIOHTTP1
import Testing

/// `/v1/admin/budgets…` over HTTP: create, list, lookup, patch, freeze, unfreeze, fund (every operation, its
/// arithmetic, the ledger identity, idempotency) and both bulk actions; tenant isolation throughout.
struct AdminBudgetsTests {
    static let admin = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]

    static func send(
        _ client: HTTPTestClient, _ method: HTTPMethod, _ path: String, body: String? = nil
    ) async throws -> HTTPTestClient.Reply {
        try await client.send(method, path, body: body, apiKey: nil, headers: admin)
    }

    /// The fixture plus a budget with spent, debt and an overdraft limit (`tenant:acme/app:ops`, 1 000 allocated,
    /// 300 spent, 100 debt, limit 500 → remaining 600).
    static func seed() -> SeedDocument {
        var seed = Fixture.seed()
        seed.budgets.append(
            SeedBudget(
                tenantID: "acme", scope: "tenant:acme/app:ops", unit: .usdMicrocents, allocated: 1_000,
                overdraftLimit: 500, spent: 300, debt: 100))
        return seed
    }

    /// A tenant key for acme with exactly `permissions`, created through the admin API.
    static func key(_ client: HTTPTestClient, _ permissions: [String]) async throws -> String {
        let list = permissions.map { "\"\($0)\"" }.joined(separator: ",")
        let created = try await send(
            client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"acme","name":"k","permissions":[\#(list)]}"#)
        return try #require(created.json["key_secret"]?.stringValue)
    }

    static func amount(_ ledger: JSONValue, _ field: String) -> Int64? { ledger[field]?["amount"]?.integerValue }

    /// `allocated = remaining + reserved + spent + debt` on an answered ledger.
    static func expectIdentity(_ ledger: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        let allocated = amount(ledger, "allocated")
        let sum = [amount(ledger, "remaining"), amount(ledger, "reserved"), amount(ledger, "spent"), amount(ledger, "debt")]
            .map { $0 ?? .min }.reduce(0, &+)
        #expect(allocated == sum, "ledger identity: \(ledger)", sourceLocation: sourceLocation)
    }

    static func lookup(_ client: HTTPTestClient, _ scope: String, unit: String = "USD_MICROCENTS") async throws -> JSONValue {
        let reply = try await send(client, .GET, "/v1/admin/budgets/lookup?scope=\(scope)&unit=\(unit)")
        #expect(reply.status == 200, "lookup \(scope): \(reply.text)")
        return reply.json
    }

    // MARK: - Create

    @Test("Create answers 201 with the ledger under either credential; the new budget is enforced at reserve")
    func create() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let byAdmin = try await Self.send(
                client, .POST, "/v1/admin/budgets",
                body: #"{"tenant_id":"acme","scope":"tenant:acme/workspace:Prod","unit":"USD_MICROCENTS","allocated":{"unit":"USD_MICROCENTS","amount":5000},"overdraft_limit":{"unit":"USD_MICROCENTS","amount":100},"commit_overage_policy":"REJECT","rollover_policy":"CARRY_FORWARD","period_start":"2027-01-01T00:00:00Z","metadata":{"team":"core","n":1}}"#)
            #expect(byAdmin.status == 201, "\(byAdmin.text)")
            #expect(byAdmin.header("Content-Type") == "application/json")
            #expect(byAdmin.header("X-Request-Id") != nil)
            let ledger = byAdmin.json
            #expect(ledger["ledger_id"]?.stringValue?.hasPrefix("ldg_") == true)
            #expect(ledger["tenant_id"] == "acme")
            #expect(ledger["scope"] == "tenant:acme/workspace:prod")
            #expect(ledger["status"] == "ACTIVE")
            #expect(Self.amount(ledger, "allocated") == 5000)
            #expect(Self.amount(ledger, "remaining") == 5000)
            #expect(Self.amount(ledger, "reserved") == 0)
            #expect(Self.amount(ledger, "overdraft_limit") == 100)
            #expect(ledger["commit_overage_policy"] == "REJECT")
            #expect(ledger["rollover_policy"] == "CARRY_FORWARD")
            #expect(ledger["period_start"] == "2027-01-01T00:00:00.000Z")
            #expect(ledger["metadata"]?["team"] == "core")
            #expect(ledger["created_at"] == "2027-01-15T08:00:00.000Z")
            Self.expectIdentity(ledger)

            let byTenant = try await client.send(
                .POST, "/v1/admin/budgets",
                body: #"{"scope":"tenant:acme/workspace:dev","unit":"TOKENS","allocated":{"unit":"TOKENS","amount":7}}"#)
            #expect(byTenant.status == 201, "\(byTenant.text)")
            #expect(byTenant.header("X-Cycles-Tenant") == "acme")
            #expect(byTenant.json["rollover_policy"] == "NONE")

            let duplicate = try await client.send(
                .POST, "/v1/admin/budgets",
                body: #"{"scope":"tenant:acme/workspace:dev","unit":"TOKENS","allocated":{"unit":"TOKENS","amount":9}}"#)
            #expect(duplicate.status == 409)
            #expect(duplicate.json["error"] == "DUPLICATE_RESOURCE")

            // The runtime plane enforces the new ledger at once.
            let reserve = """
                {"idempotency_key":"new-ws","subject":{"tenant":"acme","workspace":"prod"},
                 "action":{"kind":"llm.completion","name":"gpt"},"estimate":{"unit":"USD_MICROCENTS","amount":6000}}
                """
            let denied = try await client.send(.POST, "/v1/reservations", body: reserve)
            #expect(denied.status == 409)
            #expect(denied.json["error"] == "BUDGET_EXCEEDED")
            #expect(denied.json["message"]?.stringValue?.contains("workspace:prod") == true)
        }
    }

    @Test("Bad create bodies are 400 naming the field (UNIT_MISMATCH for another unit), never 500")
    func createRejectsBadInput() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let amount = #""allocated":{"unit":"USD_MICROCENTS","amount":1}"#
            let cases: [(String, String, String)] = [
                (#"{"scope":"tenant:acme/workspace:x","unit":"USD_MICROCENTS",\#(amount)}"#, "tenant_id", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"workspace:x","unit":"USD_MICROCENTS",\#(amount)}"#, "scope", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:other/workspace:x","unit":"USD_MICROCENTS",\#(amount)}"#, "scope", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/agent:a/workspace:b","unit":"USD_MICROCENTS",\#(amount)}"#, "scope", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"GOLD",\#(amount)}"#, "unit", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"TOKENS",\#(amount)}"#, "allocated.unit", "UNIT_MISMATCH"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS","allocated":{"unit":"USD_MICROCENTS","amount":-1}}"#, "allocated.amount", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS","allocated":{"unit":"USD_MICROCENTS","amount":1,"extra":2}}"#, "allocated.extra", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS"}"#, "allocated", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS",\#(amount),"status":"ACTIVE"}"#, "status", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS",\#(amount),"rollover_policy":"YEARLY"}"#, "rollover_policy", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS",\#(amount),"period_start":"yesterday"}"#, "period_start", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS",\#(amount),"period_start":"2027-02-01T00:00:00Z","period_end":"2027-01-01T00:00:00Z"}"#, "period_end", "INVALID_REQUEST"),
                (#"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS",\#(amount),"commit_overage_policy":"MAYBE"}"#, "commit_overage_policy", "INVALID_REQUEST"),
                (#"{"tenant_id":"ghost","scope":"tenant:ghost","unit":"USD_MICROCENTS",\#(amount)}"#, "tenant_id", "INVALID_REQUEST"),
                (#"["not an object"]"#, "object", "INVALID_REQUEST"),
            ]
            for (body, field, code) in cases {
                let reply = try await Self.send(client, .POST, "/v1/admin/budgets", body: body)
                #expect(reply.status == 400, "\(body) → \(reply.text)")
                #expect(reply.json["error"] == JSONValue.string(code), "\(body) → \(reply.text)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body) → \(reply.text)")
            }
            // A tenant key must not name a tenant (the key does).
            let named = try await client.send(
                .POST, "/v1/admin/budgets", body: #"{"tenant_id":"acme","scope":"tenant:acme/app:x","unit":"USD_MICROCENTS",\#(amount)}"#)
            #expect(named.status == 400)
            #expect(named.json["message"]?.stringValue?.contains("tenant_id") == true)
        }
    }

    @Test("Create: 401 without or with a bad, revoked or expired key; 403 without budgets:write; 409 TENANT_CLOSED")
    func createAuthorization() async throws {
        try await HTTPTestClient.withServer { client, server in
            let body = #"{"scope":"tenant:acme/app:x","unit":"USD_MICROCENTS","allocated":{"unit":"USD_MICROCENTS","amount":1}}"#
            #expect(try await client.send(.POST, "/v1/admin/budgets", body: body, apiKey: nil).status == 401)
            #expect(try await client.send(.POST, "/v1/admin/budgets", body: body, apiKey: "cyc_live_guess").status == 401)
            #expect(try await client.send(
                .POST, "/v1/admin/budgets", body: body, apiKey: nil, headers: [(CyclesHeader.adminAPIKey, "guess")]).status == 401)
            let readOnly = try await Self.key(client, ["budgets:read"])
            let forbidden = try await client.send(.POST, "/v1/admin/budgets", body: body, apiKey: readOnly)
            #expect(forbidden.status == 403)
            #expect(forbidden.json["error"] == "FORBIDDEN")
            let granular = try await Self.key(client, ["admin:budgets:write"])
            #expect(try await client.send(.POST, "/v1/admin/budgets", body: body, apiKey: granular).status == 201)

            let expiring = try await Self.send(
                client, .POST, "/v1/admin/api-keys",
                body: #"{"tenant_id":"acme","name":"short","expires_at":"2027-01-15T08:00:01Z"}"#)
            let expiringKey = try #require(expiring.json["key_secret"]?.stringValue)
            try await server.ledger.advanceClock(namespace: "default", byMs: 2_000)
            #expect(try await client.send(.POST, "/v1/admin/budgets", body: body, apiKey: expiringKey).status == 401)
            let toRevoke = try await Self.send(client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"acme","name":"r"}"#)
            let revokedID = try #require(toRevoke.json["key_id"]?.stringValue)
            let revokedSecret = try #require(toRevoke.json["key_secret"]?.stringValue)
            #expect(try await client.send(.GET, "/v1/admin/budgets", apiKey: revokedSecret).status == 200)
            #expect(try await Self.send(client, .DELETE, "/v1/admin/api-keys/\(revokedID)").status == 200)
            #expect(try await client.send(.POST, "/v1/admin/budgets", body: body, apiKey: revokedSecret).status == 401)

            // A closed tenant's budgets are terminal.
            #expect(try await Self.send(client, .PATCH, "/v1/admin/tenants/other", body: #"{"status":"CLOSED"}"#).status == 200)
            let closed = try await Self.send(
                client, .POST, "/v1/admin/budgets",
                body: #"{"tenant_id":"other","scope":"tenant:other/app:x","unit":"USD_MICROCENTS","allocated":{"unit":"USD_MICROCENTS","amount":1}}"#)
            #expect(closed.status == 409)
            #expect(closed.json["error"] == "TENANT_CLOSED")
        }
    }

    // MARK: - Lookup and list

    @Test("Lookup: exact (scope, unit) under either key; another tenant's scope is 403, a missing budget 404")
    func lookup() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let byAdmin = try await Self.lookup(client, "tenant:other")
            #expect(byAdmin["tenant_id"] == "other")
            #expect(Self.amount(byAdmin, "allocated") == 1_000_000)
            let own = try await client.send(.GET, "/v1/admin/budgets/lookup?scope=tenant:acme/agent:bot&unit=USD_MICROCENTS")
            #expect(own.status == 200)
            #expect(own.json["scope"] == "tenant:acme/agent:bot")
            #expect(own.json["ledger_id"] != byAdmin["ledger_id"])
            // Isolation: acme's key cannot read other's budget, nor learn whether a scope of another tenant exists.
            for scope in ["tenant:other", "tenant:nobody"] {
                let foreign = try await client.send(.GET, "/v1/admin/budgets/lookup?scope=\(scope)&unit=USD_MICROCENTS")
                #expect(foreign.status == 403)
                #expect(foreign.json["error"] == "FORBIDDEN")
                #expect(foreign.text.contains("1000000") == false)
            }
            let missing = try await Self.send(client, .GET, "/v1/admin/budgets/lookup?scope=tenant:acme/app:none&unit=USD_MICROCENTS")
            #expect(missing.status == 404)
            #expect(missing.json["error"] == "BUDGET_NOT_FOUND")
            let otherUnit = try await Self.send(client, .GET, "/v1/admin/budgets/lookup?scope=tenant:acme&unit=TOKENS")
            #expect(otherUnit.status == 404)
            for (query, field) in [
                ("unit=USD_MICROCENTS", "scope"), ("scope=tenant:acme", "unit"), ("scope=tenant:acme&unit=GOLD", "unit"),
                ("scope=agent:bot&unit=TOKENS", "scope"),
            ] {
                let bad = try await Self.send(client, .GET, "/v1/admin/budgets/lookup?\(query)")
                #expect(bad.status == 400, "\(query)")
                #expect(bad.json["message"]?.stringValue?.contains(field) == true, "\(query): \(bad.text)")
            }
            let noRead = try await Self.key(client, ["reservations:create"])
            #expect(try await client.send(.GET, "/v1/admin/budgets/lookup?scope=tenant:acme&unit=USD_MICROCENTS", apiKey: noRead).status == 403)
            #expect(try await client.send(.GET, "/v1/admin/budgets/lookup?scope=tenant:acme&unit=USD_MICROCENTS", apiKey: nil).status == 401)
        }
    }

    @Test("A tenant key lists only its own budgets (and only its scope_filter's); tenant_id cannot widen it")
    func listIsolation() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            let all = try await Self.send(client, .GET, "/v1/admin/budgets")
            #expect(all.status == 200)
            #expect(all.json["ledgers"]?.arrayValue?.count == 5)
            let acme = try await client.send(.GET, "/v1/admin/budgets?tenant_id=other")
            #expect(acme.status == 200)
            let tenants = Set(acme.json["ledgers"]?.arrayValue?.compactMap { $0["tenant_id"]?.stringValue } ?? [])
            #expect(tenants == ["acme"])
            #expect(acme.json["ledgers"]?.arrayValue?.count == 4)
            let onlyOther = try await Self.send(client, .GET, "/v1/admin/budgets?tenant_id=other")
            #expect(onlyOther.json["ledgers"]?.arrayValue?.map { $0["scope"] } == ["tenant:other"])

            let filtered = try await Self.send(
                client, .POST, "/v1/admin/api-keys",
                body: #"{"tenant_id":"acme","name":"bot only","permissions":["budgets:read"],"scope_filter":["agent:*"]}"#)
            let botKey = try #require(filtered.json["key_secret"]?.stringValue)
            let narrowed = try await client.send(.GET, "/v1/admin/budgets", apiKey: botKey)
            #expect(narrowed.json["ledgers"]?.arrayValue?.map { $0["scope"] } == ["tenant:acme/agent:bot"])
            #expect(try await client.send(.GET, "/v1/admin/budgets/lookup?scope=tenant:acme&unit=USD_MICROCENTS", apiKey: botKey).status == 403)
            #expect(try await client.send(.GET, "/v1/admin/budgets/lookup?scope=tenant:acme/agent:bot&unit=USD_MICROCENTS", apiKey: botKey).status == 200)
        }
    }

    @Test("List filters combine with AND; scope_prefix matches whole segments; bad values are 400 naming them")
    func listFilters() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            func scopes(_ query: String) async throws -> [String] {
                let reply = try await Self.send(client, .GET, "/v1/admin/budgets?tenant_id=acme&\(query)")
                #expect(reply.status == 200, "\(query): \(reply.text)")
                return reply.json["ledgers"]?.arrayValue?.compactMap { $0["scope"]?.stringValue } ?? []
            }
            #expect(try await scopes("unit=TOKENS") == ["tenant:acme/workspace:tok"])
            #expect(try await scopes("has_debt=true") == ["tenant:acme/app:ops"])
            #expect(try await scopes("has_debt=false&unit=USD_MICROCENTS") == ["tenant:acme", "tenant:acme/agent:bot"])
            #expect(try await scopes("utilization_min=0.25&utilization_max=0.35") == ["tenant:acme/app:ops"])
            #expect(try await scopes("search=BOT") == ["tenant:acme/agent:bot"])
            #expect(try await scopes("scope_prefix=tenant:acme/agent:bot") == ["tenant:acme/agent:bot"])
            #expect(try await scopes("scope_prefix=tenant:acme/agent:bo").isEmpty)
            #expect(try await scopes("status=FROZEN").isEmpty)
            #expect(try await scopes("over_limit=false").count == 4)
            #expect(try await scopes("sort_by=utilization&limit=1") == ["tenant:acme/app:ops"])
            #expect(try await scopes("sort_by=scope&sort_dir=desc").first == "tenant:acme/workspace:tok")
            for (query, name) in [
                ("utilization_min=2", "utilization_min"), ("utilization_max=abc", "utilization_max"),
                ("utilization_min=0.6&utilization_max=0.5", "utilization_min"), ("sort_by=color", "sort_by"),
                ("sort_dir=up", "sort_dir"), ("limit=0", "limit"), ("limit=101", "limit"), ("over_limit=maybe", "over_limit"),
                ("status=OPEN", "status"), ("unit=GOLD", "unit"), ("cursor=nonsense", "cursor"),
                ("search=" + String(repeating: "s", count: 129), "search"),
            ] {
                let reply = try await Self.send(client, .GET, "/v1/admin/budgets?\(query)")
                #expect(reply.status == 400, "\(query)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(query)")
                #expect(reply.json["message"]?.stringValue?.contains(name) == true, "\(query): \(reply.text)")
            }
        }
    }

    @Test("List pages with a keyset cursor: every ledger once, in order, and the cursor is bound to its query")
    func listPagination() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            for sort in ["", "&sort_by=utilization", "&sort_by=debt&sort_dir=asc", "&sort_by=tenant_id"] {
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let path = "/v1/admin/budgets?limit=2\(sort)" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try await Self.send(client, .GET, path)
                    #expect(page.status == 200, "\(path): \(page.text)")
                    seen += page.json["ledgers"]?.arrayValue?.compactMap { $0["ledger_id"]?.stringValue } ?? []
                    cursor = page.json["next_cursor"]?.stringValue
                    #expect(page.json["has_more"]?.boolValue == (cursor != nil))
                } while cursor != nil && seen.count < 20
                #expect(seen.count == 5, "\(sort)")
                #expect(Set(seen).count == 5, "\(sort)")
            }
            let first = try await Self.send(client, .GET, "/v1/admin/budgets?limit=1")
            let cursor = try #require(first.json["next_cursor"]?.stringValue)
            let reused = try await Self.send(client, .GET, "/v1/admin/budgets?limit=1&unit=TOKENS&cursor=\(cursor)")
            #expect(reused.status == 400)
        }
    }

    // MARK: - Patch, freeze, unfreeze

    @Test("Patch changes overdraft limit, policy and metadata and recomputes is_over_limit; admin key only")
    func patch() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            let path = "/v1/admin/budgets?scope=tenant:acme/app:ops&unit=USD_MICROCENTS"
            let lowered = try await Self.send(
                client, .PATCH, path,
                body: #"{"overdraft_limit":{"unit":"USD_MICROCENTS","amount":50},"commit_overage_policy":"ALLOW_WITH_OVERDRAFT","metadata":{"k":"v"}}"#)
            #expect(lowered.status == 200, "\(lowered.text)")
            #expect(Self.amount(lowered.json, "overdraft_limit") == 50)
            #expect(lowered.json["is_over_limit"] == true)
            #expect(lowered.json["commit_overage_policy"] == "ALLOW_WITH_OVERDRAFT")
            #expect(lowered.json["metadata"]?["k"] == "v")
            #expect(lowered.json["updated_at"] == "2027-01-15T08:00:00.000Z")
            Self.expectIdentity(lowered.json)
            let raised = try await Self.send(client, .PATCH, path, body: #"{"overdraft_limit":{"unit":"USD_MICROCENTS","amount":100}}"#)
            #expect(raised.json["is_over_limit"] == false)
            #expect(raised.json["metadata"]?["k"] == "v")

            let mismatch = try await Self.send(client, .PATCH, path, body: #"{"overdraft_limit":{"unit":"TOKENS","amount":1}}"#)
            #expect(mismatch.status == 400)
            #expect(mismatch.json["error"] == "UNIT_MISMATCH")
            let unknown = try await Self.send(client, .PATCH, path, body: #"{"allocated":{"unit":"USD_MICROCENTS","amount":1}}"#)
            #expect(unknown.status == 400)
            #expect(unknown.json["message"]?.stringValue?.contains("allocated") == true)
            let missing = try await Self.send(
                client, .PATCH, "/v1/admin/budgets?scope=tenant:acme/app:none&unit=USD_MICROCENTS", body: "{}")
            #expect(missing.status == 404)
            #expect(try await client.send(.PATCH, path, body: "{}").status == 401)
        }
    }

    @Test("Freeze and unfreeze move ACTIVE ⇄ FROZEN (409 otherwise); a frozen budget blocks reserve and funding, not patch")
    func freezeAndUnfreeze() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let key = "scope=tenant:acme&unit=USD_MICROCENTS"
            let frozen = try await Self.send(client, .POST, "/v1/admin/budgets/freeze?\(key)")
            #expect(frozen.status == 200, "\(frozen.text)")
            #expect(frozen.json["status"] == "FROZEN")
            let again = try await Self.send(client, .POST, "/v1/admin/budgets/freeze?\(key)", body: #"{"reason":"twice"}"#)
            #expect(again.status == 409)

            let reserve = try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
            #expect(reserve.status == 409)
            #expect(reserve.json["error"] == "BUDGET_FROZEN")
            let fund = try await Self.send(
                client, .POST, "/v1/admin/budgets/fund?\(key)&tenant_id=acme",
                body: #"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":1}}"#)
            #expect(fund.status == 409)
            #expect(fund.json["error"] == "BUDGET_FROZEN")
            let patched = try await Self.send(client, .PATCH, "/v1/admin/budgets?\(key)", body: #"{"metadata":{"why":"audit"}}"#)
            #expect(patched.status == 200)
            #expect(patched.json["status"] == "FROZEN")

            let unfrozen = try await Self.send(
                client, .POST, "/v1/admin/budgets/unfreeze?\(key)", body: #"{"reason":"done","metadata":{"ticket":7}}"#)
            #expect(unfrozen.status == 200)
            #expect(unfrozen.json["status"] == "ACTIVE")
            #expect(try await Self.send(client, .POST, "/v1/admin/budgets/unfreeze?\(key)").status == 409)
            #expect(try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody).status == 200)

            let tooLong = try await Self.send(
                client, .POST, "/v1/admin/budgets/freeze?\(key)", body: "{\"reason\":\"\(String(repeating: "r", count: 513))\"}")
            #expect(tooLong.status == 400)
            #expect(tooLong.json["message"]?.stringValue?.contains("reason") == true)
            let unknownField = try await Self.send(client, .POST, "/v1/admin/budgets/freeze?\(key)", body: #"{"until":"never"}"#)
            #expect(unknownField.status == 400)
            #expect(try await Self.send(client, .POST, "/v1/admin/budgets/freeze?scope=tenant:acme/app:no&unit=TOKENS").status == 404)
            #expect(try await client.send(.POST, "/v1/admin/budgets/freeze?\(key)").status == 401)

            // CLOSED is terminal: the tenant cascade closes budgets; freezing one then is 409 TENANT_CLOSED.
            #expect(try await Self.send(client, .PATCH, "/v1/admin/tenants/other", body: #"{"status":"CLOSED"}"#).status == 200)
            let closed = try await Self.send(client, .POST, "/v1/admin/budgets/freeze?scope=tenant:other&unit=USD_MICROCENTS")
            #expect(closed.status == 409)
            #expect(closed.json["error"] == "TENANT_CLOSED")
        }
    }

    // MARK: - Fund

    @Test("Every funding operation applies the spec's arithmetic and keeps allocated = remaining + reserved + spent + debt")
    func fundingArithmetic() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, server in
            // A live reservation, so `reserved` is not zero.
            let reserve = """
                {"idempotency_key":"hold","subject":{"tenant":"acme","app":"ops"},
                 "action":{"kind":"llm.completion","name":"gpt"},"estimate":{"unit":"USD_MICROCENTS","amount":200}}
                """
            #expect(try await client.send(.POST, "/v1/reservations", body: reserve).status == 200)
            let path = "/v1/admin/budgets/fund?scope=tenant:acme/app:ops&unit=USD_MICROCENTS"
            func fund(_ operation: String, _ amount: Int64, spent: Int64? = nil) async throws -> HTTPTestClient.Reply {
                let spentMember = spent.map { #","spent":{"unit":"USD_MICROCENTS","amount":\#($0)}"# } ?? ""
                return try await client.send(
                    .POST, path,
                    body: #"{"operation":"\#(operation)","amount":{"unit":"USD_MICROCENTS","amount":\#(amount)}\#(spentMember)}"#)
            }
            var ledger = try await Self.lookup(client, "tenant:acme/app:ops")
            // 1000 allocated = 400 remaining + 200 reserved + 300 spent + 100 debt.
            #expect([Self.amount(ledger, "remaining"), Self.amount(ledger, "reserved")] == [400, 200])
            Self.expectIdentity(ledger)

            let credit = try await fund("CREDIT", 500)
            #expect(credit.status == 200, "\(credit.text)")
            #expect(credit.header("X-Cycles-Tenant") == "acme")
            #expect(credit.json["operation"] == "CREDIT")
            #expect(Self.amount(credit.json, "previous_allocated") == 1000)
            #expect(Self.amount(credit.json, "new_allocated") == 1500)
            #expect(Self.amount(credit.json, "previous_remaining") == 400)
            #expect(Self.amount(credit.json, "new_remaining") == 900)
            #expect(Self.amount(credit.json, "new_debt") == 100)
            #expect(Self.amount(credit.json, "new_spent") == 300)
            #expect(credit.json["timestamp"] == "2027-01-15T08:00:00.000Z")
            Self.expectIdentity(try await Self.lookup(client, "tenant:acme/app:ops"))

            let overdrawn = try await fund("DEBIT", 901)
            #expect(overdrawn.status == 409)
            #expect(overdrawn.json["error"] == "BUDGET_EXCEEDED")
            let debit = try await fund("DEBIT", 900)
            #expect(Self.amount(debit.json, "new_allocated") == 600)
            #expect(Self.amount(debit.json, "new_remaining") == 0)
            Self.expectIdentity(try await Self.lookup(client, "tenant:acme/app:ops"))

            let reset = try await fund("RESET", 2000)
            #expect(Self.amount(reset.json, "new_allocated") == 2000)
            #expect(Self.amount(reset.json, "new_remaining") == 1400)
            #expect(Self.amount(reset.json, "new_spent") == 300)
            Self.expectIdentity(try await Self.lookup(client, "tenant:acme/app:ops"))

            // 150 against 100 of debt: the debt is gone, 100 returns to remaining, the extra 50 is credited.
            let repay = try await fund("REPAY_DEBT", 150)
            #expect(Self.amount(repay.json, "previous_debt") == 100)
            #expect(Self.amount(repay.json, "new_debt") == 0)
            #expect(Self.amount(repay.json, "new_allocated") == 2050)
            #expect(Self.amount(repay.json, "new_remaining") == 1550)
            Self.expectIdentity(try await Self.lookup(client, "tenant:acme/app:ops"))

            let period = try await fund("RESET_SPENT", 1000, spent: 50)
            #expect(Self.amount(period.json, "previous_spent") == 300)
            #expect(Self.amount(period.json, "new_spent") == 50)
            #expect(Self.amount(period.json, "new_remaining") == 750)
            ledger = try await Self.lookup(client, "tenant:acme/app:ops")
            Self.expectIdentity(ledger)
            #expect(Self.amount(ledger, "reserved") == 200)

            let fresh = try await fund("RESET_SPENT", 100)
            #expect(Self.amount(fresh.json, "new_spent") == 0)
            // remaining may go negative (reserved 200 > allocated 100).
            #expect(Self.amount(fresh.json, "new_remaining") == -100)
            Self.expectIdentity(try await Self.lookup(client, "tenant:acme/app:ops"))
            #expect(try await server.ledger.checkInvariants().isEmpty)
        }
    }

    @Test("Funding replays the stored answer for the same key and body; another body under the key is 409 IDEMPOTENCY_MISMATCH")
    func fundingIdempotency() async throws {
        try await HTTPTestClient.withServer { client, server in
            let path = "/v1/admin/budgets/fund?scope=tenant:acme&unit=USD_MICROCENTS"
            let body = #"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":250},"idempotency_key":"topup-1","reason":"monthly"}"#
            let first = try await client.send(.POST, path, body: body)
            #expect(first.status == 200)
            try await server.ledger.advanceClock(namespace: "default", byMs: 60_000)
            let again = try await client.send(.POST, path, body: body)
            #expect(again.status == 200)
            #expect(again.text == first.text)
            // Same key through the admin key for the same tenant: the same stored answer.
            let viaAdmin = try await Self.send(client, .POST, path + "&tenant_id=acme", body: body)
            #expect(viaAdmin.text == first.text)
            #expect(Self.amount(try await Self.lookup(client, "tenant:acme"), "allocated") == 1_000_250)

            let changed = try await client.send(
                .POST, path, body: #"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":251},"idempotency_key":"topup-1","reason":"monthly"}"#)
            #expect(changed.status == 409)
            #expect(changed.json["error"] == "IDEMPOTENCY_MISMATCH")
            let otherScope = try await client.send(
                .POST, "/v1/admin/budgets/fund?scope=tenant:acme/agent:bot&unit=USD_MICROCENTS", body: body)
            #expect(otherScope.status == 409)
            #expect(otherScope.json["error"] == "IDEMPOTENCY_MISMATCH")
            // Keys are per tenant: other's identical key is its own.
            let otherTenant = try await client.send(
                .POST, "/v1/admin/budgets/fund?scope=tenant:other&unit=USD_MICROCENTS", body: body, apiKey: Fixture.otherKey)
            #expect(otherTenant.status == 200)
            #expect(Self.amount(otherTenant.json, "new_allocated") == 1_000_250)
            // Without a key nothing is remembered: two calls credit twice.
            let keyless = #"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":1}}"#
            _ = try await client.send(.POST, path, body: keyless)
            _ = try await client.send(.POST, path, body: keyless)
            #expect(Self.amount(try await Self.lookup(client, "tenant:acme"), "allocated") == 1_000_252)
        }
    }

    @Test("Fund errors: 400 naming the field, UNIT_MISMATCH, 401, 403 for another tenant's scope or a missing permission, 404, 409 TENANT_CLOSED")
    func fundingErrors() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let path = "/v1/admin/budgets/fund?scope=tenant:acme&unit=USD_MICROCENTS"
            let credit = #"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":5}}"#
            for (body, field, code) in [
                (#"{"operation":"GIFT","amount":{"unit":"USD_MICROCENTS","amount":5}}"#, "operation", "INVALID_REQUEST"),
                (#"{"operation":"CREDIT"}"#, "amount", "INVALID_REQUEST"),
                (#"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":-5}}"#, "amount.amount", "INVALID_REQUEST"),
                (#"{"operation":"CREDIT","amount":{"unit":"TOKENS","amount":5}}"#, "amount.unit", "UNIT_MISMATCH"),
                (#"{"operation":"RESET_SPENT","amount":{"unit":"USD_MICROCENTS","amount":5},"spent":{"unit":"USD_MICROCENTS","amount":-1}}"#, "spent.amount", "INVALID_REQUEST"),
                (#"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":5},"idempotency_key":""}"#, "idempotency_key", "INVALID_REQUEST"),
                (#"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":5},"note":"x"}"#, "note", "INVALID_REQUEST"),
                (#"{"operation":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":9223372036854775807}}"#, "amount", "INVALID_REQUEST"),
            ] {
                let reply = try await client.send(.POST, path, body: body)
                #expect(reply.status == 400, "\(body) → \(reply.text)")
                #expect(reply.json["error"] == JSONValue.string(code), "\(body) → \(reply.text)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body) → \(reply.text)")
            }
            let noTenant = try await Self.send(client, .POST, path, body: credit)
            #expect(noTenant.status == 400)
            #expect(noTenant.json["message"]?.stringValue?.contains("tenant_id") == true)
            #expect(try await Self.send(client, .POST, "/v1/admin/budgets/fund?unit=USD_MICROCENTS&tenant_id=acme", body: credit).status == 400)

            #expect(try await client.send(.POST, path, body: credit, apiKey: nil).status == 401)
            let foreign = try await client.send(
                .POST, "/v1/admin/budgets/fund?scope=tenant:other&unit=USD_MICROCENTS&tenant_id=other", body: credit)
            #expect(foreign.status == 403)
            #expect(Self.amount(try await Self.lookup(client, "tenant:other"), "allocated") == 1_000_000)
            let readOnly = try await Self.key(client, ["budgets:read", "admin:read"])
            #expect(try await client.send(.POST, path, body: credit, apiKey: readOnly).status == 403)
            let wildcard = try await Self.key(client, ["admin:write"])
            #expect(try await client.send(.POST, path, body: credit, apiKey: wildcard).status == 200)

            let missing = try await client.send(.POST, "/v1/admin/budgets/fund?scope=tenant:acme/app:none&unit=USD_MICROCENTS", body: credit)
            #expect(missing.status == 404)
            #expect(missing.json["error"] == "BUDGET_NOT_FOUND")
            // The admin key names the tenant; a scope of another tenant is simply not that tenant's budget.
            #expect(try await Self.send(client, .POST, "/v1/admin/budgets/fund?scope=tenant:other&unit=USD_MICROCENTS&tenant_id=acme", body: credit).status == 404)

            #expect(try await Self.send(client, .PATCH, "/v1/admin/tenants/other", body: #"{"status":"CLOSED"}"#).status == 200)
            let closed = try await Self.send(
                client, .POST, "/v1/admin/budgets/fund?scope=tenant:other&unit=USD_MICROCENTS&tenant_id=other", body: credit)
            #expect(closed.status == 409)
            #expect(closed.json["error"] == "TENANT_CLOSED")
        }
    }

    // MARK: - Bulk actions

    @Test("Budget bulk action applies to every match, reports per-row failures and skips, and replays by key")
    func budgetBulkAction() async throws {
        var seed = Self.seed()
        seed.budgets.append(SeedBudget(tenantID: "acme", scope: "tenant:acme/app:cold", unit: .usdMicrocents, allocated: 10, status: "FROZEN"))
        try await HTTPTestClient.withServer(seed) { client, _ in
            let debit = #"{"filter":{"tenant_id":"acme"},"action":"DEBIT","amount":{"unit":"USD_MICROCENTS","amount":50000},"expected_count":5,"idempotency_key":"bulk-1"}"#
            let reply = try await Self.send(client, .POST, "/v1/admin/budgets/bulk-action", body: debit)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.json["action"] == "DEBIT")
            #expect(reply.json["total_matched"] == 5)
            #expect(reply.json["idempotency_key"] == "bulk-1")
            func ids(_ bucket: String) -> [String] { reply.json[bucket]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [] }
            let root = try await Self.lookup(client, "tenant:acme")
            let bot = try await Self.lookup(client, "tenant:acme/agent:bot")
            #expect(Set(ids("succeeded")) == Set([root["ledger_id"]?.stringValue, bot["ledger_id"]?.stringValue].compactMap { $0 }))
            let failures = reply.json["failed"]?.arrayValue ?? []
            #expect(failures.count == 3)
            let codes = failures.compactMap { $0["error_code"]?.stringValue }.sorted()
            // app:ops has only 600 remaining (BUDGET_EXCEEDED), app:cold is FROZEN, workspace:tok is in TOKENS.
            #expect(codes == ["BUDGET_EXCEEDED", "INVALID_TRANSITION", "INVALID_TRANSITION"])
            #expect(failures.allSatisfy { $0["message"]?.stringValue?.isEmpty == false })
            #expect(Self.amount(root, "allocated") == 950_000)
            Self.expectIdentity(root)
            #expect(Self.amount(try await Self.lookup(client, "tenant:acme/app:ops"), "allocated") == 1000)

            // Same key, same body: the same answer, nothing applied twice.
            let replay = try await Self.send(client, .POST, "/v1/admin/budgets/bulk-action", body: debit)
            #expect(replay.text == reply.text)
            #expect(Self.amount(try await Self.lookup(client, "tenant:acme"), "allocated") == 950_000)
            let mismatch = try await Self.send(
                client, .POST, "/v1/admin/budgets/bulk-action",
                body: debit.replacingOccurrences(of: "50000", with: "50001"))
            #expect(mismatch.status == 409)
            #expect(mismatch.json["error"] == "IDEMPOTENCY_MISMATCH")

            // REPAY_DEBT skips ledgers without debt.
            let repay = try await Self.send(
                client, .POST, "/v1/admin/budgets/bulk-action",
                body: #"{"filter":{"tenant_id":"acme","unit":"USD_MICROCENTS","status":"ACTIVE"},"action":"REPAY_DEBT","amount":{"unit":"USD_MICROCENTS","amount":40},"idempotency_key":"bulk-2"}"#)
            #expect(repay.json["succeeded"]?.arrayValue?.count == 1)
            #expect(repay.json["skipped"]?.arrayValue?.count == 2)
            #expect(repay.json["skipped"]?.arrayValue?.allSatisfy { $0["reason"] == "ALREADY_IN_TARGET_STATE" } == true)
            let ops = try await Self.lookup(client, "tenant:acme/app:ops")
            #expect(Self.amount(ops, "debt") == 60)
            Self.expectIdentity(ops)
        }
    }

    @Test("Budget bulk action safety: 409 COUNT_MISMATCH and 400 LIMIT_EXCEEDED write nothing; payload and filter are validated first")
    func budgetBulkActionSafety() async throws {
        var seed = Fixture.seed()
        seed.budgets += (0..<501).map {
            SeedBudget(tenantID: "other", scope: "tenant:other/agent:a\($0)", unit: .tokens, allocated: 10)
        }
        try await HTTPTestClient.withServer(seed) { client, _ in
            let miscount = try await Self.send(
                client, .POST, "/v1/admin/budgets/bulk-action",
                body: #"{"filter":{"tenant_id":"acme"},"action":"CREDIT","amount":{"unit":"USD_MICROCENTS","amount":5},"expected_count":2,"idempotency_key":"b"}"#)
            #expect(miscount.status == 409)
            #expect(miscount.json["error"] == "COUNT_MISMATCH")
            #expect(miscount.json["details"]?["total_matched"] == 3)
            #expect(Self.amount(try await Self.lookup(client, "tenant:acme"), "allocated") == 1_000_000)

            let tooMany = try await Self.send(
                client, .POST, "/v1/admin/budgets/bulk-action",
                body: #"{"filter":{"tenant_id":"other"},"action":"CREDIT","amount":{"unit":"TOKENS","amount":5},"idempotency_key":"c"}"#)
            #expect(tooMany.status == 400)
            #expect(tooMany.json["error"] == "LIMIT_EXCEEDED")
            #expect(tooMany.json["details"]?["total_matched"] == 502)
            #expect(Self.amount(try await Self.lookup(client, "tenant:other/agent:a0", unit: "TOKENS"), "allocated") == 10)

            for (body, field) in [
                (#"{"filter":{"tenant_id":"acme"},"action":"CREDIT","idempotency_key":"d"}"#, "amount"),
                (#"{"filter":{"tenant_id":"acme"},"action":"GIFT","amount":{"unit":"TOKENS","amount":1},"idempotency_key":"d"}"#, "action"),
                (#"{"filter":{"tenant_id":"acme"},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1},"spent":{"unit":"TOKENS","amount":1},"idempotency_key":"d"}"#, "spent"),
                (#"{"filter":{},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1},"idempotency_key":"d"}"#, "tenant_id"),
                (#"{"filter":{"tenant_id":"acme","utilization_min":0.9,"utilization_max":0.1},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1},"idempotency_key":"d"}"#, "utilization_min"),
                (#"{"filter":{"tenant_id":"acme","colour":"red"},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1},"idempotency_key":"d"}"#, "filter.colour"),
                (#"{"filter":{"tenant_id":"acme"},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1},"idempotency_key":""}"#, "idempotency_key"),
                (#"{"filter":{"tenant_id":"acme"},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1}}"#, "idempotency_key"),
            ] {
                let reply = try await Self.send(client, .POST, "/v1/admin/budgets/bulk-action", body: body)
                #expect(reply.status == 400, "\(body) → \(reply.text)")
                #expect(reply.json["message"]?.stringValue?.contains(field) == true, "\(body) → \(reply.text)")
            }
            let unknownTenant = try await Self.send(
                client, .POST, "/v1/admin/budgets/bulk-action",
                body: #"{"filter":{"tenant_id":"ghost"},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1},"idempotency_key":"e"}"#)
            #expect(unknownTenant.status == 404)
            // Tenants cannot bulk-mutate, not even their own budgets.
            #expect(try await client.send(
                .POST, "/v1/admin/budgets/bulk-action",
                body: #"{"filter":{"tenant_id":"acme"},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1},"idempotency_key":"f"}"#
            ).status == 401)
        }
    }

    @Test("Tenant bulk action: suspend, reactivate and close by filter with skipped and failed rows; safety gates")
    func tenantBulkAction() async throws {
        var seed = Fixture.seed()
        seed.tenants += [SeedTenant(tenantID: "acme-labs", name: "Acme Labs"), SeedTenant(tenantID: "acme-old", name: "Old", status: "CLOSED")]
        try await HTTPTestClient.withServer(seed) { client, _ in
            let suspend = #"{"filter":{"search":"acme"},"action":"SUSPEND","expected_count":3,"idempotency_key":"t-1"}"#
            let reply = try await Self.send(client, .POST, "/v1/admin/tenants/bulk-action", body: suspend)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.json["total_matched"] == 3)
            #expect(reply.json["succeeded"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["acme", "acme-labs"])
            #expect(reply.json["failed"]?.arrayValue?.first?["id"] == "acme-old")
            #expect(reply.json["failed"]?.arrayValue?.first?["error_code"] == "INVALID_TRANSITION")
            // The runtime plane sees the suspension at once.
            let blocked = try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
            #expect(blocked.status == 403)
            #expect(try await Self.send(client, .GET, "/v1/admin/tenants/acme").json["status"] == "SUSPENDED")
            #expect(try await Self.send(client, .POST, "/v1/admin/tenants/bulk-action", body: suspend).text == reply.text)

            let again = try await Self.send(
                client, .POST, "/v1/admin/tenants/bulk-action",
                body: #"{"filter":{"search":"acme","status":"SUSPENDED"},"action":"SUSPEND","idempotency_key":"t-2"}"#)
            #expect(again.json["skipped"]?.arrayValue?.count == 2)
            #expect(again.json["skipped"]?.arrayValue?.first?["reason"] == "ALREADY_IN_TARGET_STATE")

            let reactivate = try await Self.send(
                client, .POST, "/v1/admin/tenants/bulk-action",
                body: #"{"filter":{"search":"acme-labs"},"action":"REACTIVATE","idempotency_key":"t-3"}"#)
            #expect(reactivate.json["succeeded"]?.arrayValue?.first?["id"] == "acme-labs")

            let close = try await Self.send(
                client, .POST, "/v1/admin/tenants/bulk-action",
                body: #"{"filter":{"status":"SUSPENDED"},"action":"CLOSE","expected_count":1,"idempotency_key":"t-4"}"#)
            #expect(close.json["succeeded"]?.arrayValue?.first?["id"] == "acme")
            // The full cascade ran: budgets closed, keys revoked.
            #expect(try await Self.lookup(client, "tenant:acme")["status"] == "CLOSED")
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme").status == 401)

            for (body, field, status) in [
                (#"{"filter":{},"action":"CLOSE","idempotency_key":"x"}"#, "filter", 400),
                (#"{"filter":{"observe_mode":"ON"},"action":"CLOSE","idempotency_key":"x"}"#, "filter", 400),
                (#"{"filter":{"status":"GONE"},"action":"CLOSE","idempotency_key":"x"}"#, "filter.status", 400),
                (#"{"filter":{"status":"ACTIVE"},"action":"DELETE","idempotency_key":"x"}"#, "action", 400),
                (#"{"filter":{"status":"ACTIVE"},"action":"CLOSE","idempotency_key":"x","expected_count":-1}"#, "expected_count", 400),
                (#"{"filter":{"status":"ACTIVE"},"action":"CLOSE","idempotency_key":"x","expected_count":7}"#, "expected_count", 409),
            ] {
                let bad = try await Self.send(client, .POST, "/v1/admin/tenants/bulk-action", body: body)
                #expect(bad.status == status, "\(body) → \(bad.text)")
                #expect(bad.json["message"]?.stringValue?.contains(field) == true, "\(body) → \(bad.text)")
            }
            #expect(try await Self.send(client, .GET, "/v1/admin/tenants/other").json["status"] == "ACTIVE")
            #expect(try await client.send(
                .POST, "/v1/admin/tenants/bulk-action", body: suspend, apiKey: Fixture.otherKey).status == 401)
        }
    }

    @Test("Tenant bulk action refuses more than 500 matches with LIMIT_EXCEEDED and total_matched, changing nothing")
    func tenantBulkLimit() async throws {
        var seed = Fixture.seed()
        seed.tenants += (0..<500).map { SeedTenant(tenantID: "bulk-\($0)") }
        try await HTTPTestClient.withServer(seed) { client, _ in
            let reply = try await Self.send(
                client, .POST, "/v1/admin/tenants/bulk-action",
                body: #"{"filter":{"status":"ACTIVE"},"action":"SUSPEND","idempotency_key":"too-many"}"#)
            #expect(reply.status == 400)
            #expect(reply.json["error"] == "LIMIT_EXCEEDED")
            #expect(reply.json["details"]?["total_matched"] == 502)
            #expect(try await Self.send(client, .GET, "/v1/admin/tenants/bulk-7").json["status"] == "ACTIVE")
        }
    }

    @Test("Bulk answers replay by key until a namespace reset, which forgets them with the data they described")
    func bulkReplayEndsWithReset() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        let suspend = TenantBulkActionRequest(filter: TenantBulkFilter(search: "acme"), action: "SUSPEND", idempotencyKey: "k")
        let first = try await ledger.bulkActionTenants(suspend)
        #expect(first.succeeded.map(\.id) == ["acme"])
        let close = TenantBulkActionRequest(filter: TenantBulkFilter(search: "acme"), action: "CLOSE", idempotencyKey: "k")
        await expectLedgerError(.idempotencyMismatch) { _ = try await ledger.bulkActionTenants(close) }
        try await ledger.resetNamespace("default")
        try await ledger.applySeed(Fixture.seed())
        let fresh = try await ledger.bulkActionTenants(close)
        #expect(fresh.succeeded.map(\.id) == ["acme"])
        #expect(try await ledger.state(namespace: "default").tenants.first { $0.tenantID == "acme" }?.status == "CLOSED")
    }

    // MARK: - Seeds

    @Test("Seeded budgets come out of the admin create and fund path: answered by the admin API, same ledger state as before")
    func seedsUseTheAdminPath() async throws {
        var seed = Self.seed()
        seed.budgets.append(
            SeedBudget(tenantID: "acme", scope: "tenant:acme/app:ice", unit: .tokens, allocated: 50, status: "FROZEN", spent: 5))
        let ledger = try await Fixture.ledger(seed)
        defer { try? ledger.close() }
        let ops = try await ledger.lookupBudget(scope: "tenant:acme/app:ops", unit: .usdMicrocents, as: .admin)
        #expect(ops.allocated.amount == 1000)
        #expect(ops.spent?.amount == 300)
        #expect(ops.debt?.amount == 100)
        #expect(ops.remaining.amount == 600)
        #expect(ops.isOverLimit == false)
        #expect(ops.overdraftLimit?.amount == 500)
        let ice = try await ledger.lookupBudget(scope: "tenant:acme/app:ice", unit: .tokens, as: .admin)
        #expect(ice.status == "FROZEN")
        #expect(ice.remaining.amount == 45)
        #expect(try await ledger.checkInvariants().isEmpty)
        // The runtime plane still refuses a frozen budget.
        await expectLedgerError(.budgetFrozen) {
            _ = try await ledger.reserveValue(
                ReservationCreateRequest(
                    idempotencyKey: "ice", subject: Subject(tenant: "acme", app: "ice"),
                    action: Action(kind: "llm.completion", name: "gpt"), estimate: .tokens(1)))
        }
        // A seed's budget problems name its JSON path and apply nothing.
        let bad = SeedDocument(
            tenants: [SeedTenant(tenantID: "t-3", apiKeys: [SeedAPIKey(key: "key-t3-0123456789")])],
            budgets: [SeedBudget(tenantID: "t-3", scope: "tenant:t-3", unit: .tokens, allocated: 1),
                      SeedBudget(tenantID: "t-3", scope: "tenant:t-3/agent:a", unit: .tokens, allocated: -1)])
        let error = await expectLedgerError(.invalidRequest) { try await ledger.applySeed(bad, namespace: "ns-bad") }
        #expect(error?.message.contains("budgets[1].allocated.amount") == true)
        #expect(try await ledger.state(namespace: "ns-bad").budgets.isEmpty)
        let twice = SeedDocument(budgets: [SeedBudget(tenantID: "acme", scope: "tenant:acme", unit: .usdMicrocents, allocated: 1)])
        let duplicate = await expectLedgerError(.invalidRequest) { try await ledger.applySeed(twice) }
        #expect(duplicate?.message.hasPrefix("budgets[0]: A budget for tenant:acme in USD_MICROCENTS already exists") == true)
    }
}
