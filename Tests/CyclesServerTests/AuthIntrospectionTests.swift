import Foundation
import CyclesProtocol
import CyclesServer
import NIOHTTP1
import Testing

/// `GET /v1/auth/introspect` (normative) and `POST /v1/auth/validate` over HTTP, and permission enforcement on the
/// runtime routes.
struct AuthIntrospectionTests {
    static let readerKey = "cyc_test_reader_0123456789abcdef"
    static let legacyAdminKey = "cyc_test_legacy_0123456789abcdef"
    static let revokedKey = "cyc_test_revoked_0123456789abcdef"
    static let expiringKey = "cyc_test_expiring_0123456789abcdef"
    static let filteredKey = "cyc_test_filtered_0123456789abcdef"
    static let suspendedKey = "cyc_test_suspended_0123456789abcdef"
    static let adminHeader = [(CyclesHeader.adminAPIKey, Fixture.adminKey)]

    /// The fixture seed plus keys with chosen permissions, a revoked key, a key expiring one minute after the
    /// frozen start, and a key of a suspended tenant.
    static func seed() -> SeedDocument {
        var document = Fixture.seed()
        document.tenants[0].apiKeys += [
            SeedAPIKey(key: readerKey, permissions: [.balancesRead]),
            SeedAPIKey(key: legacyAdminKey, permissions: [.adminRead, .adminWrite, .adminTenantsWrite, .adminAPIKeysRead]),
            SeedAPIKey(key: revokedKey, status: "REVOKED"),
            SeedAPIKey(key: expiringKey, expiresAtMs: Fixture.start + 60_000),
        ]
        document.tenants.append(
            SeedTenant(tenantID: "dormant", status: "SUSPENDED", apiKeys: [SeedAPIKey(key: suspendedKey)]))
        return document
    }

    static let adminOnlyFlags = [
        "view_overview", "view_audit", "view_tenants", "view_api_keys", "manage_tenants", "manage_api_keys",
    ]

    @Test("Introspect under the admin key: auth_type admin, permissions [*], every capability true, no tenant")
    func introspectAdmin() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            let reply = try await client.send(.GET, "/v1/auth/introspect", apiKey: nil, headers: Self.adminHeader)
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "application/json")
            #expect(reply.header("X-Request-Id") != nil)
            #expect(reply.json["authenticated"] == true)
            #expect(reply.json["auth_type"] == "admin")
            #expect(reply.json["permissions"] == ["*"])
            #expect(reply.json["tenant_id"] == nil)
            #expect(reply.json["scope_filter"] == nil)
            let capabilities = try #require(reply.json["capabilities"]?.objectValue)
            #expect(capabilities.count == 15)
            #expect(capabilities.values.allSatisfy { $0 == true })
        }
    }

    @Test("Introspect under a default tenant key: its tenant, the default permissions and the table's capabilities")
    func introspectTenantDefaults() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            let reply = try await client.send(.GET, "/v1/auth/introspect")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "application/json")
            #expect(reply.header("X-Cycles-Tenant") == "acme")
            #expect(reply.json["auth_type"] == "tenant")
            #expect(reply.json["tenant_id"] == "acme")
            #expect(reply.json["permissions"]?.arrayValue?.compactMap(\.stringValue)
                == Permission.tenantDefaults.map(\.rawValue))
            let expected: [String: Bool] = [
                "view_overview": false, "view_budgets": true, "view_events": false, "view_webhooks": false,
                "view_audit": false, "view_tenants": false, "view_api_keys": false, "view_policies": true,
                "view_reservations": true, "manage_budgets": true, "manage_policies": true, "manage_webhooks": false,
                "manage_tenants": false, "manage_api_keys": false, "manage_reservations": true,
            ]
            let capabilities = try #require(reply.json["capabilities"]?.objectValue)
            #expect(capabilities.mapValues { $0 == true } == expected)
        }
    }

    @Test("Admin-plane capabilities stay false under tenant auth even for a key holding admin:* permissions")
    func legacyAdminPermissionsDoNotElevate() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            let reply = try await client.send(.GET, "/v1/auth/introspect", apiKey: Self.legacyAdminKey)
            #expect(reply.status == 200)
            let capabilities = try #require(reply.json["capabilities"]?.objectValue)
            for flag in Self.adminOnlyFlags { #expect(capabilities[flag] == false, "\(flag)") }
            for flag in ["view_budgets", "view_events", "view_webhooks", "view_policies", "view_reservations",
                "manage_budgets", "manage_policies", "manage_webhooks", "manage_reservations"]
            {
                #expect(capabilities[flag] == true, "\(flag)")
            }
        }
    }

    @Test("Introspect is 401 without a key, with an unknown, revoked or expired key, and with a wrong admin key")
    func introspectRejects() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, server in
            #expect(try await client.send(.GET, "/v1/auth/introspect", apiKey: nil).status == 401)
            #expect(try await client.send(.GET, "/v1/auth/introspect", apiKey: "cyc_test_nobody_0123456789").status == 401)
            #expect(try await client.send(.GET, "/v1/auth/introspect", apiKey: Self.revokedKey).status == 401)
            #expect(try await client.send(.GET, "/v1/auth/introspect", apiKey: Self.expiringKey).status == 200)
            try await server.ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 60_000))
            let expired = try await client.send(.GET, "/v1/auth/introspect", apiKey: Self.expiringKey)
            #expect(expired.status == 401)
            #expect(expired.json["error"] == "UNAUTHORIZED")
            #expect(expired.header("Content-Type") == "application/json")
            let wrongAdmin = try await client.send(
                .GET, "/v1/auth/introspect", headers: [(CyclesHeader.adminAPIKey, "not-the-admin-key")])
            #expect(wrongAdmin.status == 401)
        }
    }

    @Test("Runtime routes enforce the key's permissions: 403 FORBIDDEN without, admin:read grants only reads")
    func permissionsEnforced() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            let reader = try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: Self.readerKey)
            #expect(reader.status == 200)
            let denied = try await client.send(
                .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody, apiKey: Self.readerKey)
            #expect(denied.status == 403)
            #expect(denied.json["error"] == "FORBIDDEN")
            #expect(denied.json["message"]?.stringValue?.contains("reservations:create") == true)
            #expect(try await client.send(.GET, "/v1/reservations?tenant=acme", apiKey: Self.readerKey).status == 403)
            #expect(try await client.send(
                .POST, "/v1/decide", body: #"{"idempotency_key":"d1","subject":{"tenant":"acme"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"USD_MICROCENTS","amount":1}}"#,
                apiKey: Self.readerKey).status == 403)

            // admin:read satisfies balances:read (a *:read) but admin:write does not satisfy reservations:create.
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: Self.legacyAdminKey).status == 200)
            #expect(try await client.send(
                .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody, apiKey: Self.legacyAdminKey).status == 403)

            // The default key can do all of it; commit needs reservations:commit, which the reader lacks.
            let reserved = try await client.send(.POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
            #expect(reserved.status == 200)
            let id = try #require(reserved.json["reservation_id"]?.stringValue)
            let commitBody = #"{"idempotency_key":"c1","actual":{"unit":"USD_MICROCENTS","amount":10}}"#
            #expect(try await client.send(
                .POST, "/v1/reservations/\(id)/commit", body: commitBody, apiKey: Self.readerKey).status == 403)
            #expect(try await client.send(.POST, "/v1/reservations/\(id)/commit", body: commitBody).status == 200)
        }
    }

    @Test("An expired key is 401 on the runtime routes once the namespace clock passes its expiry")
    func expiredKeyIsUnauthorized() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, server in
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: Self.expiringKey).status == 200)
            try await server.ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 60_000))
            let reply = try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: Self.expiringKey)
            #expect(reply.status == 401)
            #expect(reply.json["message"] == "API key is expired")
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: Self.revokedKey).status == 401)
        }
    }

    @Test("POST /v1/auth/validate needs the admin key and reports valid keys and why others are not")
    func validate() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, server in
            func validate(_ secret: String) async throws -> HTTPTestClient.Reply {
                try await client.send(
                    .POST, "/v1/auth/validate", body: #"{"key_secret":"\#(secret)"}"#, apiKey: nil,
                    headers: Self.adminHeader)
            }
            let unauthenticated = try await client.send(
                .POST, "/v1/auth/validate", body: #"{"key_secret":"\#(Fixture.acmeKey)"}"#)
            #expect(unauthenticated.status == 401)

            let valid = try await validate(Fixture.acmeKey)
            #expect(valid.status == 200)
            #expect(valid.header("Content-Type") == "application/json")
            #expect(valid.json["valid"] == true)
            #expect(valid.json["tenant_id"] == "acme")
            #expect(valid.json["key_id"]?.stringValue?.hasPrefix("key_") == true)
            #expect(valid.json["reason"] == nil)
            #expect(valid.json["permissions"]?.arrayValue?.count == Permission.tenantDefaults.count)
            #expect(!valid.text.contains(Fixture.acmeKey))

            let unknown = try await validate("cyc_test_nobody_0123456789")
            #expect(unknown.json["valid"] == false)
            #expect(unknown.json["reason"] == "KEY_NOT_FOUND")
            #expect(unknown.json["tenant_id"] == "")
            #expect(try await validate(Self.revokedKey).json["reason"] == "KEY_REVOKED")
            #expect(try await validate(Self.suspendedKey).json["reason"] == "TENANT_SUSPENDED")
            #expect(try await validate(Self.expiringKey).json["valid"] == true)
            try await server.ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start + 60_000))
            let expired = try await validate(Self.expiringKey)
            #expect(expired.json["valid"] == false)
            #expect(expired.json["reason"] == "KEY_EXPIRED")
            #expect(expired.json["expires_at"] == "2027-01-15T08:01:00.000Z")
        }
    }

    @Test("POST /v1/auth/validate answers bad bodies with 400 naming the field, never 500")
    func validateRejectsBadBodies() async throws {
        try await HTTPTestClient.withServer(Self.seed()) { client, _ in
            let cases: [(body: String, mentions: String)] = [
                (#"{"key_secret":"x","extra":1}"#, "extra"),
                (#"{}"#, "key_secret"),
                (#"{"key_secret":42}"#, "key_secret"),
                (#"{"key_secret":""}"#, "key_secret"),
                (#"[1,2]"#, "object"),
                ("not json", "JSON"),
            ]
            for (body, mentions) in cases {
                let reply = try await client.send(
                    .POST, "/v1/auth/validate", body: body, apiKey: nil, headers: Self.adminHeader)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["error"] == "INVALID_REQUEST", "\(body)")
                #expect(reply.json["message"]?.stringValue?.contains(mentions) == true, "\(body): \(reply.text)")
                #expect(reply.header("Content-Type") == "application/json")
            }
        }
    }

    @Test("A seed key with an unknown permission is rejected with its JSON path")
    func seedRejectsUnknownPermission() throws {
        let json = #"{"tenants":[{"tenant_id":"t1","api_keys":[{"key":"cyc_test_0123456789","permissions":["balances:read","root"]}]}]}"#
        #expect {
            _ = try SeedDocument.parse(Data(json.utf8))
        } throws: { error in
            "\(error)".contains("tenants[0].api_keys[0].permissions[1]")
        }
    }
}
