import Foundation
import CyclesProtocol
import GRDB
import NIOHTTP1
import Testing

@testable import CyclesServer

/// `GET /v1/admin/audit/logs` and the entries admin mutations write: one per mutation in its own transaction,
/// correlated to the request; failures get a failure entry and never a success one; filters and the keyset cursor.
struct AdminAuditTests {
    static func send(
        _ client: HTTPTestClient, _ method: HTTPMethod, _ path: String, body: String? = nil
    ) async throws -> HTTPTestClient.Reply {
        try await AdminTenantTests.send(client, method, path, body: body)
    }

    /// The entries matching `query` (one page of up to 100).
    static func logs(_ client: HTTPTestClient, _ query: String = "") async throws -> [JSONValue] {
        let reply = try await send(client, .GET, "/v1/admin/audit/logs?limit=100" + (query.isEmpty ? "" : "&" + query))
        #expect(reply.status == 200, "\(query): \(reply.text)")
        return reply.json["logs"]?.arrayValue ?? []
    }

    @Test("Every admin mutation writes one entry with its operation, resource, status, actor and the request's ids")
    func mutationsAreAudited() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let created = try await Self.send(client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"globex","name":"Globex"}"#)
            #expect(created.status == 201)
            let patched = try await Self.send(client, .PATCH, "/v1/admin/tenants/globex", body: #"{"status":"SUSPENDED"}"#)
            let key = try await Self.send(client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"acme","name":"ci"}"#)
            let keyID = try #require(key.json["key_id"]?.stringValue)
            let renamed = try await Self.send(client, .PATCH, "/v1/admin/api-keys/\(keyID)", body: #"{"name":"ci-2"}"#)
            let revoked = try await Self.send(client, .DELETE, "/v1/admin/api-keys/\(keyID)?reason=rotated")
            #expect([patched.status, renamed.status, revoked.status] == [Int](repeating: 200, count: 3))

            let entries = try await Self.logs(client, "sort_dir=asc")
            #expect(entries.map { $0["operation"] } == ["createTenant", "updateTenant", "createApiKey", "updateApiKey", "revokeApiKey"])
            #expect(entries.map { $0["resource_id"] } == ["globex", "globex", .string(keyID), .string(keyID), .string(keyID)])
            #expect(entries.map { $0["resource_type"] } == ["tenant", "tenant", "api_key", "api_key", "api_key"])
            #expect(entries.map { $0["tenant_id"] } == ["globex", "globex", "acme", "acme", "acme"])
            #expect(entries.map { $0["status"] } == [201, 200, 201, 200, 200])
            #expect(entries.allSatisfy { $0["metadata"]?["actor_type"] == "admin" && $0["error_code"] == nil })
            #expect(entries.allSatisfy { $0["timestamp"] == "2027-01-15T08:00:00.000Z" })
            let replies = [created, patched, key, renamed, revoked]
            for (entry, reply) in zip(entries, replies) {
                #expect(entry["request_id"]?.stringValue == reply.header("X-Request-Id"))
                #expect(entry["trace_id"]?.stringValue == reply.header("X-Cycles-Trace-Id"))
                #expect(entry["log_id"]?.stringValue?.hasPrefix("log_") == true)
            }
            #expect(entries[1]["metadata"]?["new_status"] == "SUSPENDED")
            #expect(entries[3]["metadata"]?["changed_fields"] == ["name"])
            #expect(entries[4]["metadata"]?["reason"] == "rotated")
            // The secret appears nowhere in the log.
            let secret = try #require(key.json["key_secret"]?.stringValue)
            let raw = try await Self.send(client, .GET, "/v1/admin/audit/logs")
            #expect(!raw.text.contains(secret))
            // The caller's User-Agent is kept.
            _ = try await client.send(
                .POST, "/v1/admin/tenants", body: #"{"tenant_id":"initech","name":"Initech"}"#, apiKey: nil,
                headers: AdminTenantTests.admin + [("User-Agent", "audit-suite/1.0")])
            #expect(try await Self.logs(client, "resource_id=initech").first?["user_agent"] == "audit-suite/1.0")
        }
    }

    @Test("Budget mutations are audited: create and fund by actor, patch, freeze, bulk rows; a refused fund writes only a failure entry")
    func budgetMutationsAreAudited() async throws {
        try await HTTPTestClient.withServer(AdminBudgetsTests.seed()) { client, _ in
            let scope = "tenant:acme/workspace:audit"
            let created = try await Self.send(
                client, .POST, "/v1/admin/budgets",
                body: #"{"tenant_id":"acme","scope":"\#(scope)","unit":"TOKENS","allocated":{"unit":"TOKENS","amount":100}}"#)
            #expect(created.status == 201, "\(created.text)")
            let key = try await AdminBudgetsTests.key(client, ["budgets:write"])
            let funded = try await client.send(
                .POST, "/v1/admin/budgets/fund?scope=\(scope)&unit=TOKENS",
                body: #"{"operation":"CREDIT","amount":{"unit":"TOKENS","amount":5},"idempotency_key":"audit-fund-1"}"#, apiKey: key)
            #expect(funded.status == 200, "\(funded.text)")
            let refused = try await client.send(
                .POST, "/v1/admin/budgets/fund?scope=\(scope)&unit=TOKENS",
                body: #"{"operation":"DEBIT","amount":{"unit":"TOKENS","amount":1000000}}"#, apiKey: key)
            #expect(refused.status == 409)
            #expect(try await Self.send(client, .PATCH, "/v1/admin/budgets?scope=\(scope)&unit=TOKENS", body: #"{"metadata":{"a":"b"}}"#).status == 200)
            #expect(try await Self.send(client, .POST, "/v1/admin/budgets/freeze?scope=\(scope)&unit=TOKENS", body: #"{"reason":"audit"}"#).status == 200)
            #expect(try await Self.send(client, .POST, "/v1/admin/budgets/unfreeze?scope=\(scope)&unit=TOKENS").status == 200)
            let bulk = try await Self.send(
                client, .POST, "/v1/admin/budgets/bulk-action",
                body: #"{"filter":{"tenant_id":"acme","unit":"TOKENS"},"action":"CREDIT","amount":{"unit":"TOKENS","amount":1},"idempotency_key":"audit-bulk-1"}"#)
            #expect(bulk.status == 200, "\(bulk.text)")

            let entries = try await Self.logs(client, "resource_type=budget&sort_dir=asc")
            let operations = entries.map { $0["operation"]?.stringValue ?? "" }
            #expect(Array(operations.prefix(5)) == ["createBudget", "fundBudget", "updateBudget", "freezeBudget", "unfreezeBudget"])
            #expect(operations.dropFirst(5).allSatisfy { $0 == "bulkActionBudgets" } && operations.count > 5)
            #expect(entries.first?["status"] == 201)
            #expect(entries.first?["metadata"]?["actor_type"] == "admin_on_behalf_of")
            #expect(entries[1]["metadata"]?["actor_type"] == "api_key")
            #expect(entries[1]["key_id"] != nil && entries[1]["key_id"] != .null)
            #expect(entries[1]["metadata"]?["operation"] == "CREDIT")
            #expect(entries.allSatisfy { $0["tenant_id"] == "acme" && $0["error_code"] == nil })
            // The refused DEBIT changed nothing, so it has a failure entry and no success entry.
            #expect(!entries.contains { $0["metadata"]?["operation"] == "DEBIT" })
            let failures = try await Self.logs(client, "error_code=BUDGET_EXCEEDED")
            #expect(failures.count == 1)
            #expect(failures.first?["status"] == 409)
            // A replayed fund (same key, same body) is not a second mutation.
            _ = try await client.send(
                .POST, "/v1/admin/budgets/fund?scope=\(scope)&unit=TOKENS",
                body: #"{"operation":"CREDIT","amount":{"unit":"TOKENS","amount":5},"idempotency_key":"audit-fund-1"}"#, apiKey: key)
            #expect(try await Self.logs(client, "operation=fundBudget").count == 1)
        }
    }

    @Test("Budget and policy administration emits its events in the same transaction: created, funded, frozen, policy created and updated")
    func budgetAndPolicyEvents() async throws {
        try await HTTPTestClient.withServer { client, server in
            let scope = "tenant:acme/workspace:events"
            #expect(try await Self.send(
                client, .POST, "/v1/admin/budgets",
                body: #"{"tenant_id":"acme","scope":"\#(scope)","unit":"TOKENS","allocated":{"unit":"TOKENS","amount":100}}"#).status == 201)
            let funded = try await Self.send(
                client, .POST, "/v1/admin/budgets/fund?scope=\(scope)&unit=TOKENS&tenant_id=acme",
                body: #"{"operation":"CREDIT","amount":{"unit":"TOKENS","amount":5},"reason":"top-up"}"#)
            #expect(funded.status == 200, "\(funded.text)")
            #expect(try await Self.send(client, .POST, "/v1/admin/budgets/fund?scope=\(scope)&unit=TOKENS&tenant_id=acme",
                body: #"{"operation":"DEBIT","amount":{"unit":"TOKENS","amount":1000}}"#).status == 409)
            #expect(try await Self.send(client, .POST, "/v1/admin/budgets/freeze?scope=\(scope)&unit=TOKENS").status == 200)
            let policy = try await Self.send(
                client, .POST, "/v1/admin/policies", body: #"{"tenant_id":"acme","name":"p","scope_pattern":"agent:*"}"#)
            let policyID = try #require(policy.json["policy_id"]?.stringValue)
            #expect(try await Self.send(client, .PATCH, "/v1/admin/policies/\(policyID)", body: #"{"priority":3}"#).status == 200)

            let events = try await server.ledger.listEvents(.init(tenantID: "acme", sortDirection: "asc", limit: 100)).events
            let types = events.map(\.eventType.rawValue)
            #expect(types.filter { $0.hasPrefix("budget.") || $0.hasPrefix("policy.") }
                == ["budget.created", "budget.funded", "budget.frozen", "policy.created", "policy.updated"])
            let fundEvent = try #require(events.first { $0.eventType == .budgetFunded })
            #expect(fundEvent.data?["previous_state"]?["allocated"] == 100)
            #expect(fundEvent.data?["new_state"]?["allocated"] == 105)
            #expect(fundEvent.data?["reason"] == "top-up")
            #expect(fundEvent.requestID == funded.header("X-Request-Id"))
            #expect(events.first { $0.eventType == .policyUpdated }?.data?["changed_fields"] == ["priority"])
            // The event actor is the audit actor: the admin key on a dual-auth operation (create, fund, policies) acts
            // on the tenant's behalf; freeze is admin-only.
            #expect(events.first { $0.eventType == .budgetCreated }?.actor?.type == "admin_on_behalf_of")
            #expect(fundEvent.actor?.type == "admin_on_behalf_of")
            #expect(events.first { $0.eventType == .policyCreated }?.actor?.type == "admin_on_behalf_of")
            #expect(events.first { $0.eventType == .budgetFrozen }?.actor?.type == "admin")
        }
    }

    @Test("Concurrent mutations (group-committed together) each carry their own request's ids")
    func concurrentMutationsKeepTheirRequestIDs() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let replies = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let reply = try await Self.send(
                            client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"burst-\#(index)","name":"B"}"#)
                        return ("burst-\(index)", reply.header("X-Request-Id"))
                    }
                }
                return try await group.reduce(into: [String: String?]()) { $0[$1.0] = $1.1 }
            }
            let entries = try await Self.logs(client, "operation=createTenant")
            #expect(entries.count == 24)
            for entry in entries {
                let tenant = try #require(entry["resource_id"]?.stringValue)
                #expect(entry["request_id"]?.stringValue == replies[tenant] ?? nil, "\(tenant)")
            }
        }
    }

    @Test("A refused mutation leaves no success entry and changes nothing; it gets one failure entry with its code")
    func failuresAreNotSuccesses() async throws {
        try await HTTPTestClient.withServer { client, _ in
            _ = try await Self.send(client, .PATCH, "/v1/admin/tenants/other", body: #"{"status":"CLOSED"}"#)
            let refused = try await Self.send(client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"other","name":"late"}"#)
            #expect(refused.status == 409)
            let invalid = try await Self.send(client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"X!","name":"Bad"}"#)
            #expect(invalid.status == 400)
            let unauthenticated = try await client.send(
                .POST, "/v1/admin/tenants", body: #"{"tenant_id":"sneaky","name":"S"}"#, apiKey: nil)
            #expect(unauthenticated.status == 401)

            #expect(try await Self.logs(client, "operation=createApiKey").isEmpty)
            #expect(try await Self.logs(client, "operation=createTenant").isEmpty)
            #expect(try await Self.send(client, .GET, "/v1/admin/tenants/sneaky").status == 404)

            let failures = try await Self.logs(client, "status_min=400&sort_dir=asc")
            #expect(failures.map { $0["operation"] } == ["POST:/v1/admin/api-keys", "POST:/v1/admin/tenants", "POST:/v1/admin/tenants", "GET:/v1/admin/tenants/sneaky"])
            #expect(failures.map { $0["status"] } == [409, 400, 401, 404])
            #expect(failures.map { $0["error_code"] } == ["TENANT_CLOSED", "INVALID_REQUEST", "UNAUTHORIZED", "TENANT_NOT_FOUND"])
            #expect(failures.map { $0["tenant_id"] } == ["__admin__", "__admin__", "__unauth__", "__admin__"])
            #expect(failures[0]["request_id"]?.stringValue == refused.header("X-Request-Id"))
            let unauthenticatedOnly = try await Self.logs(client, "tenant_id=__unauth__")
            #expect(unauthenticatedOnly.count == 1)

            // Each mutation that fails its checks: exactly the successful calls have success entries.
            let key = try await Self.send(client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"acme","name":"once"}"#)
            let keyID = try #require(key.json["key_id"]?.stringValue)
            #expect(try await Self.send(client, .DELETE, "/v1/admin/api-keys/\(keyID)").status == 200)
            #expect(try await Self.send(client, .DELETE, "/v1/admin/api-keys/\(keyID)").status == 409)
            #expect(try await Self.send(client, .PATCH, "/v1/admin/api-keys/\(keyID)", body: #"{"name":"x"}"#).status == 409)
            #expect(try await Self.send(client, .PATCH, "/v1/admin/api-keys/key_nope", body: #"{"name":"x"}"#).status == 404)
            #expect(try await Self.send(client, .PATCH, "/v1/admin/tenants/other", body: #"{"name":"Renamed"}"#).status == 409)
            #expect(try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: #"{"status":"PAUSED"}"#).status == 400)
            func successes(_ operation: String) async throws -> Int {
                try await Self.logs(client, "operation=\(operation)&status_max=299").count
            }
            #expect(try await successes("revokeApiKey") == 1)
            #expect(try await successes("updateApiKey") == 0)
            #expect(try await successes("updateTenant") == 1)
            #expect(try await Self.logs(client, "status_min=400&status_max=499").count == 4 + 5)
        }
    }

    @Test("Closing a tenant writes one cascade entry per mutated object, sharing the patch's request id")
    func closeCascadeEntries() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let reserved = try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
            let reservationID = try #require(reserved.json["reservation_id"]?.stringValue)
            let closed = try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: #"{"status":"CLOSED"}"#)
            let requestID = try #require(closed.header("X-Request-Id"))
            let entries = try await Self.logs(client, "request_id=\(requestID)&sort_dir=asc")
            let operations = entries.compactMap { $0["operation"]?.stringValue }
            #expect(operations.filter { $0 == "reservation.released_via_tenant_cascade" }.count == 1)
            #expect(operations.filter { $0 == "budget.closed_via_tenant_cascade" }.count == 3)
            #expect(operations.filter { $0 == "api_key.revoked_via_tenant_cascade" }.count == 1)
            #expect(operations.last == "updateTenant")
            #expect(entries.first?["resource_id"]?.stringValue == reservationID)
            #expect(entries.allSatisfy { $0["tenant_id"] == "acme" })
            // Closing again is a no-op for the objects: no second cascade.
            _ = try await Self.send(client, .PATCH, "/v1/admin/tenants/acme", body: #"{"status":"CLOSED"}"#)
            #expect(try await Self.logs(client, "operation=budget.closed_via_tenant_cascade").count == 3)
            let ledgerID = Ledger.ledgerID(tenantID: "acme", scope: "tenant:acme", unit: .usdMicrocents)
            let entry = try await Self.logs(client, "resource_type=budget&resource_id=\(ledgerID)")
            #expect(entry.count == 1, "budgets are named by ledger id, as the budget operations name them")
            #expect(entry.first?["metadata"]?["scope"] == "tenant:acme")
        }
    }

    @Test("An operator release is audited as admin_on_behalf_of for the reservation's tenant")
    func adminReleaseIsAudited() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let reserved = try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
            let id = try #require(reserved.json["reservation_id"]?.stringValue)
            let released = try await client.send(
                .POST, "/v1/reservations/\(id)/release", body: #"{"idempotency_key":"a1","reason":"[INCIDENT_FORCE_RELEASE]"}"#,
                apiKey: nil, headers: AdminTenantTests.admin)
            #expect(released.status == 200)
            let entries = try await Self.logs(client, "operation=releaseReservation")
            #expect(entries.count == 1)
            #expect(entries.first?["tenant_id"] == "acme")
            #expect(entries.first?["resource_id"]?.stringValue == id)
            #expect(entries.first?["metadata"]?["actor_type"] == "admin_on_behalf_of")
            #expect(entries.first?["metadata"]?["reason"] == "[INCIDENT_FORCE_RELEASE]")
            #expect(entries.first?["request_id"]?.stringValue == released.header("X-Request-Id"))
            // A tenant's own release is not an admin action.
            let second = try await client.send(
                .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody.replacingOccurrences(of: "k1", with: "k2"))
            let secondID = try #require(second.json["reservation_id"]?.stringValue)
            _ = try await client.send(.POST, "/v1/reservations/\(secondID)/release", body: #"{"idempotency_key":"t1"}"#)
            #expect(try await Self.logs(client, "operation=releaseReservation").count == 1)
        }
    }

    @Test("An entry written in a transaction that rolls back is gone with it")
    func rolledBackEntryIsGone() async throws {
        let ledger = try await Fixture.ledger()
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await ledger.write { db in
                try ledger.recordAudit(db, AuditRecord(
                    operation: "createBudget", tenantID: "acme", resourceType: "budget", resourceID: "tenant:acme"))
                throw Boom()
            }
        }
        #expect(try await ledger.listAuditLogs(.init()).logs.isEmpty)
        // Outside HTTP an entry has no request ids, and the actor is whoever the caller says.
        try await ledger.write { db in
            try ledger.recordAudit(db, AuditRecord(
                operation: "createBudget", tenantID: "acme", resourceType: "budget", resourceID: "tenant:acme",
                status: 201, actor: .system))
        }
        let logs = try await ledger.listAuditLogs(.init()).logs
        #expect(logs.count == 1)
        #expect(logs.first?.requestID == nil)
        #expect(logs.first?.metadata?["actor_type"] == "system")
        try ledger.close()
    }

    @Test("Filters: tenant, key, operation and resource IN-lists, status and ranges, error codes, time, search")
    func filters() async throws {
        try await HTTPTestClient.withServer { client, _ in
            for id in ["f-one", "f-two"] {
                _ = try await Self.send(client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"\#(id)","name":"\#(id)"}"#)
            }
            let key = try await Self.send(client, .POST, "/v1/admin/api-keys", body: #"{"tenant_id":"f-one","name":"k"}"#)
            let keyID = try #require(key.json["key_id"]?.stringValue)
            _ = try await Self.send(client, .GET, "/v1/admin/tenants/nobody")
            _ = try await Self.send(client, .PATCH, "/v1/admin/tenants/nobody", body: #"{"name":"n"}"#)

            func count(_ query: String) async throws -> Int { try await Self.logs(client, query).count }
            #expect(try await count("") == 5)
            #expect(try await count("tenant_id=f-one") == 2)
            #expect(try await count("operation=createTenant,createApiKey") == 3)
            #expect(try await count("resource_type=api_key") == 1)
            #expect(try await count("resource_id=\(keyID)") == 1)
            #expect(try await count("status=201") == 3)
            #expect(try await count("status_min=200&status_max=299") == 3)
            #expect(try await count("status_min=404&status_max=404") == 2)
            #expect(try await count("error_code=TENANT_NOT_FOUND") == 2)
            #expect(try await count("error_code=BUDGET_NOT_FOUND,SOMETHING_NEW") == 0)
            // Excluding a code never hides the successes.
            #expect(try await count("error_code_exclude=TENANT_NOT_FOUND") == 3)
            #expect(try await count("search=F-TWO") == 1)
            #expect(try await count("search=") == 5)
            #expect(try await count("from=2027-01-15T08:00:00Z&to=2027-01-15T08:00:00Z") == 5)
            #expect(try await count("from=2027-01-15T08:00:00.001Z") == 0)
            #expect(try await count("tenant_id=__admin__") == 2)
            #expect(try await count("key_id=key_none") == 0)
            let sorted = try await Self.logs(client, "sort_by=operation&sort_dir=asc")
            let operations = sorted.compactMap { $0["operation"]?.stringValue }
            #expect(operations == operations.sorted())
        }
    }

    @Test("Bad audit queries are 400 INVALID_REQUEST naming the parameter; no admin key or a tenant key is 401")
    func badQueries() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let many = (0...25).map { "op\($0)" }.joined(separator: ",")
            for (query, name) in [
                ("status=200&status_min=100", "status"), ("status_min=99", "status_min"), ("status_max=600", "status_max"),
                ("status_min=500&status_max=400", "status_min"), ("operation=\(many)", "operation"),
                ("resource_type=\(many)", "resource_type"), ("error_code=\(many)", "error_code"),
                ("error_code_exclude=\(many)", "error_code_exclude"), ("search=\(String(repeating: "s", count: 129))", "search"),
                ("sort_by=colour", "sort_by"), ("sort_dir=up", "sort_dir"), ("limit=0", "limit"), ("limit=101", "limit"),
                ("status=ok", "status"), ("from=yesterday", "from"), ("cursor=garbage", "cursor"),
                ("from=2027-01-16T00:00:00Z&to=2027-01-15T00:00:00Z", "from"),
            ] {
                let reply = try await Self.send(client, .GET, "/v1/admin/audit/logs?\(query)")
                #expect(reply.status == 400, "\(query)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(query)")
                #expect(reply.json["message"]?.stringValue?.contains(name) == true, "\(query): \(reply.text)")
            }
            #expect(try await client.send(.GET, "/v1/admin/audit/logs", apiKey: nil).status == 401)
            // A tenant's API key cannot read the audit log, its own tenant's included.
            #expect(try await client.send(.GET, "/v1/admin/audit/logs?tenant_id=acme").status == 401)
            #expect(try await client.send(.GET, "/v1/admin/overview").status == 401)
        }
    }

    @Test("The audit cursor visits every entry once, in order, even when entries are added between pages")
    func pagination() async throws {
        try await HTTPTestClient.withServer { client, _ in
            for index in 0..<7 {
                _ = try await Self.send(client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"p-\#(index)","name":"P"}"#)
            }
            for direction in ["desc", "asc"] {
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let path = "/v1/admin/audit/logs?operation=createTenant&limit=3&sort_dir=\(direction)" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try await Self.send(client, .GET, path)
                    #expect(page.status == 200)
                    seen += page.json["logs"]?.arrayValue?.compactMap { $0["resource_id"]?.stringValue } ?? []
                    cursor = page.json["next_cursor"]?.stringValue
                    #expect((page.json["has_more"] == true) == (cursor != nil))
                    if pages == 0 {
                        // Inserted after the first page: newest-first pages never see it, oldest-first ones do at the end.
                        _ = try await Self.send(client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"late-\#(direction)","name":"L"}"#)
                    }
                    pages += 1
                } while cursor != nil
                let expected = (0..<7).map { "p-\($0)" } + (direction == "asc" ? ["late-desc", "late-asc"] : [])
                #expect(Set(seen).count == seen.count, "\(direction): duplicates in \(seen)")
                if direction == "desc" {
                    #expect(seen == expected.reversed())
                } else {
                    #expect(seen == expected)
                }
            }
            let first = try await Self.send(client, .GET, "/v1/admin/audit/logs?limit=1")
            let cursor = try #require(first.json["next_cursor"]?.stringValue)
            let foreign = try await Self.send(client, .GET, "/v1/admin/audit/logs?limit=1&operation=createTenant&cursor=\(cursor)")
            #expect(foreign.status == 400)
        }
    }

    @Test("The overview counts tenants by status and budgets by status, unit, over-limit and debt, across tenants")
    func overview() async throws {
        var seed = Fixture.seed()
        seed.budgets.append(SeedBudget(
            tenantID: "other", scope: "tenant:other/agent:spender", unit: .tokens, allocated: 100, overdraftLimit: 500,
            debt: 300, isOverLimit: true))
        seed.budgets.append(SeedBudget(
            tenantID: "other", scope: "tenant:other/agent:frozen", unit: .tokens, allocated: 100, status: "FROZEN"))
        try await HTTPTestClient.withServer(seed) { client, _ in
            _ = try await Self.send(client, .POST, "/v1/admin/tenants", body: #"{"tenant_id":"quiet","name":"Q"}"#)
            _ = try await Self.send(client, .PATCH, "/v1/admin/tenants/quiet", body: #"{"status":"SUSPENDED"}"#)
            // One dry-run denial (far over the budget) and one subscription, for the event and webhook figures.
            let denied = try await client.send(
                .POST, "/v1/reservations",
                body: #"{"idempotency_key":"overview-deny","subject":{"tenant":"acme"},"action":{"kind":"llm","name":"x"},"estimate":{"unit":"USD_MICROCENTS","amount":900000000000},"dry_run":true}"#)
            #expect(denied.json["decision"] == "DENY", "\(denied.text)")
            let hook = try await Self.send(
                client, .POST, "/v1/admin/webhooks?tenant_id=acme",
                body: #"{"url":"https://hooks.example.com/cycles","event_types":["budget.exhausted"]}"#)
            #expect(hook.status == 201, "\(hook.text)")
            let reply = try await Self.send(client, .GET, "/v1/admin/overview")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "application/json")
            let overview = try CyclesJSON.decode(AdminOverviewResponse.self, from: Data(reply.text.utf8))
            #expect(overview.tenantCounts == .init(total: 3, active: 2, suspended: 1, closed: 0))
            #expect(overview.budgetCounts.total == 6)
            #expect(overview.budgetCounts.frozen == 1)
            #expect(overview.budgetCounts.active == 5)
            #expect(overview.budgetCounts.overLimit == 1)
            #expect(overview.budgetCounts.withDebt == 1)
            #expect(overview.budgetCounts.byUnit == ["USD_MICROCENTS": 3, "TOKENS": 3])
            #expect(overview.overLimitScopes.map(\.scope) == ["tenant:other/agent:spender"])
            #expect(overview.debtScopes == [.init(scope: "tenant:other/agent:spender", unit: .tokens, debt: 300, overdraftLimit: 500)])
            #expect(overview.asOf == "2027-01-15T08:00:00.000Z")
            #expect(overview.eventWindowSeconds == 3600)
            #expect(overview.webhookCounts == .init(total: 1, active: 1, disabled: 0, withFailures: 0))
            #expect(overview.failingWebhooks.isEmpty)
            #expect(overview.recentDenials.count == 1)
            #expect(overview.recentDenials.first?["event_type"] == "reservation.denied")
            #expect((overview.eventCounts.byCategory["reservation"] ?? 0) >= 1)
            #expect(overview.eventCounts.totalRecent == overview.eventCounts.byCategory.values.reduce(0, +))
            #expect(overview.recentExpiries.isEmpty)
            // Every required member is on the wire, even the empty ones.
            for member in ["webhook_counts", "failing_webhooks", "event_counts", "recent_denials", "recent_expiries"] {
                #expect(reply.json[member] != nil, "\(member)")
            }
        }
    }
}
