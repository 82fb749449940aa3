import CyclesProtocol
import CyclesServer
import CyclesTesting
import NIOHTTP1
import Testing

/// Every control endpoint, driven over raw HTTP exactly as `curl` would.
struct ControlAPIHTTPTests {
    @Test("Control routes require a valid admin key")
    func adminKeyRequired() async throws {
        try await TestFixtures.withServer { _, caller in
            var anonymous = caller
            anonymous.adminKey = nil
            let missing = try await anonymous.send(.GET, "/__cycles/state", admin: true)
            #expect(missing.status == 401)
            #expect(missing.errorCode == "UNAUTHORIZED")
            #expect(missing.json?["request_id"]?.stringValue != nil)
            var wrong = caller
            wrong.adminKey = "not-the-key"
            #expect(try await wrong.send(.GET, "/__cycles/faults", admin: true).status == 401)
            // A tenant API key is not an admin key.
            let tenantKey = try await caller.send(.GET, "/__cycles/journal", headers: [(CyclesHeader.apiKey, TestFixtures.apiKey)])
            #expect(tenantKey.status == 401)
            #expect(try await caller.send(.GET, "/__cycles/state", admin: true).status == 200)
        }
    }

    @Test("POST/DELETE /__cycles/namespaces create (named or generated) and delete namespaces")
    func namespaces() async throws {
        try await TestFixtures.withServer { _, caller in
            let named = try await caller.send(.POST, "/__cycles/namespaces", rawBody: #"{"name":"ns1"}"#, admin: true)
            #expect(named.status == 201)
            #expect(named.json?["namespace"]?.stringValue == "ns1")
            let generated = try await caller.send(.POST, "/__cycles/namespaces", admin: true)
            #expect(generated.status == 201)
            let generatedName = try #require(generated.json?["namespace"]?.stringValue)
            #expect(generatedName != "ns1")
            let invalid = try await caller.send(.POST, "/__cycles/namespaces", rawBody: #"{"name":"bad name!"}"#, admin: true)
            #expect(invalid.status == 400)
            #expect(invalid.errorCode == "INVALID_REQUEST")
            #expect(try await caller.send(.DELETE, "/__cycles/namespaces/\(generatedName)", admin: true).status == 204)
            #expect(try await caller.send(.DELETE, "/__cycles/namespaces/default", admin: true).status == 400)
        }
    }

    @Test("POST /__cycles/seed loads tenants and budgets into a namespace; the new key works")
    func seed() async throws {
        try await TestFixtures.withServer { _, caller in
            _ = try await caller.send(.POST, "/__cycles/namespaces", rawBody: #"{"name":"ns-seed"}"#, admin: true)
            let document = TestFixtures.seed(tenant: "beta", apiKey: "cyc_test_beta_0123456789", allocated: 5_000)
            let answer = try await caller.send(.POST, "/__cycles/seed?namespace=ns-seed", body: document, admin: true)
            #expect(answer.status == 200)
            #expect(answer.json?["tenants"]?.integerValue == 1)
            #expect(answer.json?["budgets"]?.integerValue == 1)
            var beta = caller
            beta.apiKey = "cyc_test_beta_0123456789"
            let reserve = try await beta.reserve(tenant: "beta", amount: 1_000)
            #expect(reserve.status == 200)
            let broken = try await caller.send(
                .POST, "/__cycles/seed?namespace=ns-seed", rawBody: #"{"tenants":[{"name":"no id"}]}"#, admin: true)
            #expect(broken.status == 400)
            #expect(broken.errorCode == "INVALID_REQUEST")
            #expect(try await caller.send(.POST, "/__cycles/seed", admin: true).status == 400)
        }
    }

    @Test("GET /__cycles/state shows budgets and reservations of one namespace only")
    func state() async throws {
        try await TestFixtures.withServer { _, caller in
            let reserve = try await caller.reserve(tenant: TestFixtures.tenant, amount: 1_000)
            let reservationID = try #require(RuntimeCaller.reservationID(of: reserve))
            let state = try await caller.send(.GET, "/__cycles/state?namespace=default", admin: true)
            #expect(state.status == 200)
            #expect(String(decoding: state.body, as: UTF8.self).contains(reservationID))
            _ = try await caller.send(.POST, "/__cycles/namespaces", rawBody: #"{"name":"empty"}"#, admin: true)
            let other = try await caller.send(.GET, "/__cycles/state?namespace=empty", admin: true)
            #expect(other.status == 200)
            #expect(!String(decoding: other.body, as: UTF8.self).contains(reservationID))
        }
    }

    @Test("GET/PUT /__cycles/clock read and set real, frozen and offset modes")
    func clockModes() async throws {
        try await TestFixtures.withServer { _, caller in
            let initial = try await caller.send(.GET, "/__cycles/clock", admin: true)
            #expect(initial.json?["mode"]?.stringValue == "real")
            let frozen = try await caller.send(
                .PUT, "/__cycles/clock", rawBody: #"{"mode":"frozen","at_ms":1700000000000}"#, admin: true)
            #expect(frozen.status == 200)
            #expect(frozen.json?["now_ms"]?.integerValue == 1_700_000_000_000)
            let read = try await caller.send(.GET, "/__cycles/clock?namespace=default", admin: true)
            #expect(read.json?["mode"]?.stringValue == "frozen")
            #expect(read.json?["now_ms"]?.integerValue == 1_700_000_000_000)
            let offset = try await caller.send(
                .PUT, "/__cycles/clock", rawBody: #"{"mode":"offset","offset_ms":3600000}"#, admin: true)
            #expect(offset.json?["mode"]?.stringValue == "offset")
            #expect(offset.json?["offset_ms"]?.integerValue == 3_600_000)
            let real = try await caller.send(.PUT, "/__cycles/clock", rawBody: #"{"mode":"real"}"#, admin: true)
            #expect(real.json?["mode"]?.stringValue == "real")
            for bad in [#"{"mode":"frozen"}"#, #"{"mode":"sideways"}"#, #"{"mode":"offset"}"#, "not json"] {
                let answer = try await caller.send(.PUT, "/__cycles/clock", rawBody: bad, admin: true)
                #expect(answer.status == 400, "\(bad)")
            }
        }
    }

    @Test("POST /__cycles/clock/advance expires due reservations before it returns")
    func advanceExpires() async throws {
        try await TestFixtures.withServer { _, caller in
            _ = try await caller.send(.PUT, "/__cycles/clock", rawBody: #"{"mode":"frozen","at_ms":1700000000000}"#, admin: true)
            let short = try await caller.reserve(tenant: TestFixtures.tenant, amount: 1_000, ttlMs: 1_000)
            let long = try await caller.reserve(tenant: TestFixtures.tenant, amount: 1_000, ttlMs: 600_000)
            let shortID = try #require(RuntimeCaller.reservationID(of: short))
            let longID = try #require(RuntimeCaller.reservationID(of: long))
            // ttl 1 s + default grace 5 s: 6 001 ms later the short one is past its final deadline.
            let advanced = try await caller.send(.POST, "/__cycles/clock/advance", rawBody: #"{"by_ms":6001}"#, admin: true)
            #expect(advanced.status == 200)
            #expect(advanced.json?["now_ms"]?.integerValue == 1_700_000_006_001)
            let expired = advanced.json?["expired"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(expired == [shortID])
            #expect(!expired.contains(longID))
            let commit = try await caller.commit(shortID, amount: 500)
            #expect(commit.status == 410)
            #expect(try await caller.send(.POST, "/__cycles/clock/advance", rawBody: #"{"by_ms":-1}"#, admin: true).status == 400)
        }
    }

    @Test("POST/GET/DELETE /__cycles/faults manage rules")
    func faultRules() async throws {
        try await TestFixtures.withServer { _, caller in
            let created = try await caller.send(
                .POST, "/__cycles/faults", rawBody: #"{"match":{"operation":"commit"},"effect":{"type":"drop_response"}}"#,
                admin: true)
            #expect(created.status == 201)
            let id = try #require(created.json?["id"]?.stringValue)
            _ = try await caller.send(.POST, "/__cycles/faults", rawBody: #"{"effect":{"type":"latency","ms":5}}"#, admin: true)
            let listed = try await caller.send(.GET, "/__cycles/faults", admin: true)
            #expect(listed.json?["rules"]?.arrayValue?.count == 2)
            #expect(try await caller.send(.DELETE, "/__cycles/faults/\(id)", admin: true).status == 204)
            #expect(try await caller.send(.DELETE, "/__cycles/faults/\(id)", admin: true).status == 404)
            #expect(try await caller.send(.DELETE, "/__cycles/faults", admin: true).status == 204)
            let empty = try await caller.send(.GET, "/__cycles/faults", admin: true)
            #expect(empty.json?["rules"]?.arrayValue?.isEmpty == true)
            let invalid = try await caller.send(.POST, "/__cycles/faults", rawBody: #"{"effect":{"type":"error","status":409}}"#, admin: true)
            #expect(invalid.status == 400)
            #expect(invalid.json?["message"]?.stringValue?.contains("error") == true)
        }
    }

    @Test("GET /__cycles/journal records runtime calls and filters them")
    func journal() async throws {
        try await TestFixtures.withServer { _, caller in
            let reserve = try await caller.reserve(tenant: TestFixtures.tenant, amount: 1_000, key: "reserve-key-1")
            let reservationID = try #require(RuntimeCaller.reservationID(of: reserve))
            _ = try await caller.commit(reservationID, amount: 400, key: "commit key 1")
            _ = try await caller.send(.GET, "/health")
            let all = try await caller.send(.GET, "/__cycles/journal", admin: true)
            let entries = all.json?["entries"]?.arrayValue ?? []
            #expect(entries.count == 2)  // /health and control calls are not journaled
            #expect(entries.first?["operation"]?.stringValue == "reserve")
            #expect(entries.first?["reservation_id"]?.stringValue == reservationID)
            #expect(entries.first?["tenant"]?.stringValue == TestFixtures.tenant)
            #expect(entries.first?["namespace"]?.stringValue == "default")
            #expect(entries.first?["idempotency_key"]?.stringValue == "reserve-key-1")
            #expect(entries.first?["status"]?.integerValue == 200)
            let commits = try await caller.send(
                .GET, "/__cycles/journal?operation=commit&idempotency_key=commit+key%201&reservation_id=\(reservationID)",
                admin: true)
            #expect(commits.json?["entries"]?.arrayValue?.count == 1, "the query is form-decoded: + and %20 are spaces")
            let limited = try await caller.send(.GET, "/__cycles/journal?limit=1", admin: true)
            #expect(limited.json?["entries"]?.arrayValue?.first?["operation"]?.stringValue == "commit")
            #expect(try await caller.send(.GET, "/__cycles/journal?operation=nap", admin: true).status == 400)
            #expect(try await caller.send(.GET, "/__cycles/journal?limit=-3", admin: true).status == 400)
        }
    }

    @Test("GET /__cycles/invariants reports ok on a consistent ledger")
    func invariants() async throws {
        try await TestFixtures.withServer { _, caller in
            let reserve = try await caller.reserve(tenant: TestFixtures.tenant, amount: 1_000)
            _ = try await caller.commit(try #require(RuntimeCaller.reservationID(of: reserve)), amount: 700)
            let answer = try await caller.send(.GET, "/__cycles/invariants?namespace=default", admin: true)
            #expect(answer.status == 200)
            #expect(answer.json?["ok"]?.boolValue == true)
            #expect(answer.json?["violations"]?.arrayValue?.isEmpty == true)
            let everywhere = try await caller.send(.GET, "/__cycles/invariants", admin: true)
            #expect(everywhere.json?["ok"]?.boolValue == true)
        }
    }

    @Test("POST /__cycles/reset wipes one namespace and leaves the others alone")
    func resetIsScoped() async throws {
        try await TestFixtures.withServer { _, caller in
            _ = try await caller.send(.POST, "/__cycles/namespaces", rawBody: #"{"name":"other"}"#, admin: true)
            let otherSeed = TestFixtures.seed(tenant: "other-tenant", apiKey: "cyc_test_other_0123456789")
            _ = try await caller.send(.POST, "/__cycles/seed?namespace=other", body: otherSeed, admin: true)
            var other = caller
            other.apiKey = "cyc_test_other_0123456789"
            #expect(try await other.reserve(tenant: "other-tenant", amount: 100).status == 200)
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 100).status == 200)
            _ = try await caller.send(.PUT, "/__cycles/clock?namespace=other", rawBody: #"{"mode":"frozen","at_ms":5}"#, admin: true)

            #expect(try await caller.send(.POST, "/__cycles/reset?namespace=other", admin: true).status == 204)
            // The reset namespace lost its tenants (the key no longer authenticates) and its clock is real again.
            #expect(try await other.reserve(tenant: "other-tenant", amount: 100).status == 401)
            let clock = try await caller.send(.GET, "/__cycles/clock?namespace=other", admin: true)
            #expect(clock.json?["mode"]?.stringValue == "real")
            // The default namespace is untouched.
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 100).status == 200)
            #expect(try await caller.send(.GET, "/__cycles/journal?namespace=other", admin: true).json?["entries"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("With --mock but without an admin key there is no control plane and X-Cycles-Mock-Fault is ignored")
    func noControlPlaneWithoutAdminKey() async throws {
        let server = try await ReferenceServer.start(ReferenceServerConfiguration(seed: TestFixtures.seed(), mock: true))
        let caller = RuntimeCaller(baseURL: server.baseURL, apiKey: TestFixtures.apiKey, adminKey: "any-guess")
        do {
            let answer = try await caller.reserve(
                tenant: TestFixtures.tenant, amount: 10, headers: [(FaultEffect.headerName, "error=503")])
            #expect(answer.status == 200)
            let control = try await caller.send(.GET, "/__cycles/state", admin: true)
            #expect(control.status == 401)
            #expect(control.json?["message"]?.stringValue?.contains("disabled") == true)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
