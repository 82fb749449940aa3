import CyclesProtocol
import CyclesServer
import Foundation
import NIOHTTP1
import Testing

/// An API key's `scope_filter` on the runtime plane: requests naming an uncovered scope are 403 FORBIDDEN naming the
/// scope, reservations outside the filter cannot be settled or read, and lists show only covered scopes.
struct ScopeFilterTests {
    /// The fixture plus a budget under each of two workspaces.
    static let seed: SeedDocument = {
        var seed = Fixture.seed()
        for workspace in ["eng", "ops"] {
            seed.budgets.append(SeedBudget(
                tenantID: "acme", scope: "tenant:acme/workspace:\(workspace)", unit: .usdMicrocents,
                allocated: 100_000))
        }
        return seed
    }()

    /// Creates an acme key with the given `scope_filter` through the admin API and returns its secret.
    static func filteredKey(_ client: HTTPTestClient, filter: String = #"["workspace:eng"]"#) async throws -> String {
        let created = try await client.send(
            .POST, "/v1/admin/api-keys",
            body: #"{"tenant_id":"acme","name":"eng only","scope_filter":\#(filter)}"#, apiKey: nil,
            headers: AdminAPIKeyTests.admin)
        #expect(created.status == 201, "\(created.text)")
        let secret = try #require(created.json["key_secret"]?.stringValue)
        // The create answer carries no scope_filter; introspection shows the stored one.
        let introspected = try await client.send(.GET, "/v1/auth/introspect", apiKey: secret)
        #expect(introspected.json["scope_filter"] == ["workspace:eng"], "\(introspected.text)")
        return secret
    }

    static func subject(_ workspace: String) -> String {
        #"{"tenant":"acme","workspace":"\#(workspace)","agent":"bot"}"#
    }

    static func reserveBody(_ workspace: String, key: String, dryRun: Bool = false) -> String {
        #"{"idempotency_key":"\#(key)","subject":\#(subject(workspace)),"action":{"kind":"llm","name":"gpt"},"estimate":{"unit":"USD_MICROCENTS","amount":100},"ttl_ms":30000,"dry_run":\#(dryRun)}"#
    }

    /// A 403 FORBIDDEN whose message names the denied scope.
    static func expectDenied(_ reply: HTTPTestClient.Reply, scope: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 403, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.json["error"] == "FORBIDDEN", "\(reply.text)", sourceLocation: sourceLocation)
        #expect(
            reply.json["message"]?.stringValue?.contains(scope) == true, "\(reply.text)", sourceLocation: sourceLocation)
    }

    @Test("A workspace:eng key reserves (live and dry run) under workspace:eng and gets 403 naming the scope under workspace:ops")
    func reserve() async throws {
        try await HTTPTestClient.withServer(Self.seed) { client, server in
            let key = try await Self.filteredKey(client)
            let allowed = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody("eng", key: "r1"), apiKey: key)
            #expect(allowed.status == 200 && allowed.json["decision"] == "ALLOW", "\(allowed.text)")
            let dry = try await client.send(
                .POST, "/v1/reservations", body: Self.reserveBody("eng", key: "r2", dryRun: true), apiKey: key)
            #expect(dry.status == 200 && dry.json["decision"] == "ALLOW", "\(dry.text)")

            let denied = try await client.send(.POST, "/v1/reservations", body: Self.reserveBody("ops", key: "r3"), apiKey: key)
            Self.expectDenied(denied, scope: "tenant:acme/workspace:ops/agent:bot")
            let deniedDry = try await client.send(
                .POST, "/v1/reservations", body: Self.reserveBody("ops", key: "r4", dryRun: true), apiKey: key)
            Self.expectDenied(deniedDry, scope: "workspace:ops")
            // The denied reserve held nothing.
            #expect(try await server.ledger.budget("tenant:acme/workspace:ops").reserved == 0)
        }
    }

    @Test("Decide and events are allowed under workspace:eng and 403 under workspace:ops for the filtered key")
    func decideAndEvents() async throws {
        try await HTTPTestClient.withServer(Self.seed) { client, server in
            let key = try await Self.filteredKey(client)
            for (workspace, allowed) in [("eng", true), ("ops", false)] {
                let decide = try await client.send(
                    .POST, "/v1/decide",
                    body: #"{"idempotency_key":"d-\#(workspace)","subject":\#(Self.subject(workspace)),"action":{"kind":"a","name":"b"},"estimate":{"unit":"USD_MICROCENTS","amount":5}}"#,
                    apiKey: key)
                let event = try await client.send(
                    .POST, "/v1/events",
                    body: #"{"idempotency_key":"e-\#(workspace)","subject":\#(Self.subject(workspace)),"action":{"kind":"a","name":"b"},"actual":{"unit":"USD_MICROCENTS","amount":7}}"#,
                    apiKey: key)
                if allowed {
                    #expect(decide.status == 200 && decide.json["decision"] == "ALLOW", "\(decide.text)")
                    #expect(event.status == 201 && event.json["status"] == "APPLIED", "\(event.text)")
                } else {
                    Self.expectDenied(decide, scope: "workspace:ops")
                    Self.expectDenied(event, scope: "workspace:ops")
                }
            }
            #expect(try await server.ledger.budget("tenant:acme/workspace:eng").spent == 7)
            #expect(try await server.ledger.budget("tenant:acme/workspace:ops").spent == 0)
        }
    }

    @Test("The filtered key cannot get, extend, commit or release a reservation outside its filter; its own it can")
    func settleOutsideFilter() async throws {
        try await HTTPTestClient.withServer(Self.seed) { client, server in
            let key = try await Self.filteredKey(client)
            // The unfiltered seeded key reserves under ops; the filtered key under eng.
            let opsID = try #require(try await client.send(
                .POST, "/v1/reservations", body: Self.reserveBody("ops", key: "o1")).json["reservation_id"]?.stringValue)
            let engID = try #require(try await client.send(
                .POST, "/v1/reservations", body: Self.reserveBody("eng", key: "e1"), apiKey: key
            ).json["reservation_id"]?.stringValue)

            Self.expectDenied(try await client.send(.GET, "/v1/reservations/\(opsID)", apiKey: key), scope: "workspace:ops")
            Self.expectDenied(try await client.send(
                .POST, "/v1/reservations/\(opsID)/extend", body: #"{"idempotency_key":"x1","extend_by_ms":1000}"#,
                apiKey: key), scope: "workspace:ops")
            Self.expectDenied(try await client.send(
                .POST, "/v1/reservations/\(opsID)/commit",
                body: #"{"idempotency_key":"c1","actual":{"unit":"USD_MICROCENTS","amount":50}}"#, apiKey: key),
                scope: "workspace:ops")
            Self.expectDenied(try await client.send(
                .POST, "/v1/reservations/\(opsID)/release", body: #"{"idempotency_key":"l1"}"#, apiKey: key),
                scope: "workspace:ops")
            #expect(try await server.ledger.budget("tenant:acme/workspace:ops").reserved == 100)

            #expect(try await client.send(.GET, "/v1/reservations/\(engID)", apiKey: key).status == 200)
            let committed = try await client.send(
                .POST, "/v1/reservations/\(engID)/commit",
                body: #"{"idempotency_key":"c2","actual":{"unit":"USD_MICROCENTS","amount":50}}"#, apiKey: key)
            #expect(committed.status == 200, "\(committed.text)")
            // The unfiltered key still settles the ops reservation.
            #expect(try await client.send(
                .POST, "/v1/reservations/\(opsID)/release", body: #"{"idempotency_key":"l2"}"#).status == 200)
        }
    }

    @Test("Balances and the reservation list show the filtered key only the scopes its filter covers")
    func listsAreNarrowed() async throws {
        try await HTTPTestClient.withServer(Self.seed) { client, _ in
            let key = try await Self.filteredKey(client)
            for workspace in ["eng", "ops"] {
                #expect(try await client.send(
                    .POST, "/v1/reservations", body: Self.reserveBody(workspace, key: "l-\(workspace)")).status == 200)
            }

            let balances = try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: key)
            #expect(balances.status == 200)
            let scopes = balances.json["balances"]?.arrayValue?.compactMap { $0["scope_path"]?.stringValue }
            #expect(scopes == ["tenant:acme/workspace:eng"])
            let opsOnly = try await client.send(.GET, "/v1/balances?workspace=ops", apiKey: key)
            #expect(opsOnly.status == 200 && opsOnly.json["balances"]?.arrayValue?.isEmpty == true)

            let listed = try await client.send(.GET, "/v1/reservations", apiKey: key)
            #expect(listed.status == 200)
            let paths = listed.json["reservations"]?.arrayValue?.compactMap { $0["scope_path"]?.stringValue }
            #expect(paths == ["tenant:acme/workspace:eng/agent:bot"])
        }
    }

    @Test("A key without a scope_filter is unaffected: it reserves anywhere in its tenant and lists every scope")
    func unfilteredKeyUnaffected() async throws {
        try await HTTPTestClient.withServer(Self.seed) { client, _ in
            for workspace in ["eng", "ops"] {
                let reserved = try await client.send(
                    .POST, "/v1/reservations", body: Self.reserveBody(workspace, key: "u-\(workspace)"))
                #expect(reserved.status == 200 && reserved.json["decision"] == "ALLOW", "\(reserved.text)")
            }
            let balances = try await client.send(.GET, "/v1/balances?tenant=acme")
            #expect(balances.json["balances"]?.arrayValue?.count == 5)
            let listed = try await client.send(.GET, "/v1/reservations")
            #expect(listed.json["reservations"]?.arrayValue?.count == 2)
        }
    }
}
