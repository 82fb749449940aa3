import CyclesProtocol
import CyclesServer
import Foundation
import GRDB
import Testing

struct SeedTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("The documented seed shape loads")
    func loadsDocumentedShape() throws {
        let path = try write(
            """
            { "tenants": [ { "tenant_id": "acme", "name": "Acme", "status": "ACTIVE",
                             "api_keys": [ { "key": "cyc_test_acme_0123456789abcdef", "name": "ci" } ],
                             "default_commit_overage_policy": "REJECT", "max_reservation_extensions": 3 } ],
              "budgets": [ { "tenant_id": "acme", "scope": "tenant:acme", "unit": "USD_MICROCENTS", "allocated": 100000000,
                             "overdraft_limit": 0, "commit_overage_policy": "ALLOW_IF_AVAILABLE", "status": "ACTIVE",
                             "caps": { "max_tokens": 4096 } } ],
              "admin_key": "admin-0123456789abcdef" }
            """)
        let seed = try SeedDocument.load(contentsOf: path)
        #expect(seed.tenants.first?.defaultCommitOveragePolicy == .reject)
        #expect(seed.tenants.first?.maxReservationExtensions == 3)
        #expect(seed.budgets.first?.caps?.maxTokens == 4096)
        #expect(seed.adminKey == "admin-0123456789abcdef")
    }

    @Test("Seed errors name the file, the JSON path and the reason")
    func errorsNameThePath() throws {
        let cases: [(String, String)] = [
            (#"{"tenants": [{"tenant_id": "acme", "bogus": 1}]}"#, "$.tenants[0].bogus"),
            (#"{"budgets": [{"tenant_id": "acme", "scope": "tenant:acme", "unit": "USD", "allocated": 1}]}"#, "$.budgets[0].unit"),
            (#"{"budgets": [{"tenant_id": "acme", "scope": "tenant:other", "unit": "TOKENS", "allocated": 1}]}"#, "$.budgets[0].scope"),
            (#"{"budgets": [{"tenant_id": "acme", "scope": "tenant:acme", "unit": "TOKENS", "allocated": -1}]}"#, "$.budgets[0].allocated"),
            (#"{"tenants": [{"tenant_id": "acme", "api_keys": [{"key": "short"}]}]}"#, "$.tenants[0].api_keys[0].key"),
            (#"{"tenants": "#, "$"),
        ]
        for (text, path) in cases {
            let file = try write(text)
            let error = #expect(throws: SeedError.self) { try SeedDocument.load(contentsOf: file) }
            #expect(error?.source == file)
            #expect(error?.path == path, "\(String(describing: error))")
            #expect(error?.reason.isEmpty == false)
            #expect(error?.description.hasPrefix(file) == true)
        }
        #expect(throws: SeedError.self) { try SeedDocument.load(contentsOf: "/nonexistent/seed.json") }
    }

    @Test("The shipped fixture seeds load and apply")
    func fixturesLoad() async throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/seeds")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        #expect(!files.isEmpty)
        for file in files {
            let seed = try SeedDocument.load(contentsOf: directory.appendingPathComponent(file).path)
            let ledger = try Ledger()
            try await ledger.applySeed(seed)
            #expect(try await ledger.state(namespace: "default").budgets.count == seed.budgets.count)
            try ledger.close()
        }
    }

    @Test("applySeed rejects a budget for an unknown tenant and applies nothing")
    func applySeedIsAtomic() async throws {
        let ledger = try Ledger()
        let bad = SeedDocument(
            tenants: [SeedTenant(tenantID: "t1", apiKeys: [SeedAPIKey(key: "key-t1-0123456789")])],
            budgets: [SeedBudget(tenantID: "ghost", scope: "tenant:ghost", unit: .tokens, allocated: 1)])
        await expectLedgerError(.invalidRequest) { try await ledger.applySeed(bad) }
        #expect(try await ledger.state(namespace: "default").tenants.isEmpty)
        #expect(throws: LedgerError.self) { try ledger.authenticate(apiKey: "key-t1-0123456789") }
        try ledger.close()
    }
}

struct NamespaceTests {
    @Test("Namespaces isolate tenants; reset and delete touch only their own namespace")
    func isolation() async throws {
        let ledger = try Ledger()
        try await ledger.createNamespace("ns1")
        try await ledger.createNamespace("ns1")  // idempotent
        try await ledger.applySeed(Fixture.seed(), namespace: "ns1")
        try await ledger.applySeed(
            SeedDocument(
                tenants: [SeedTenant(tenantID: "zed", apiKeys: [SeedAPIKey(key: "zed-key-0123456789")])],
                budgets: [SeedBudget(tenantID: "zed", scope: "tenant:zed", unit: .tokens, allocated: 10)]))
        #expect(try ledger.authenticate(apiKey: Fixture.acmeKey).namespace == "ns1")
        // A tenant id is unique across namespaces.
        await expectLedgerError(.invalidRequest) { try await ledger.applySeed(Fixture.seed(), namespace: "ns2") }
        var request = Fixture.reserve(5)
        request.idempotencyKey = "x"
        _ = try await ledger.reserve(request, as: TenantIdentity(tenantID: "acme", namespace: "ns1"))
        #expect(try await ledger.state(namespace: "ns1").reservations.count == 1)
        try await ledger.resetNamespace("ns1")
        #expect(try await ledger.state(namespace: "ns1").budgets.isEmpty)
        #expect(try await ledger.state(namespace: "default").budgets.count == 1)
        #expect(throws: LedgerError.self) { try ledger.authenticate(apiKey: Fixture.acmeKey) }
        try await ledger.deleteNamespace("ns1")
        #expect(try await ledger.namespaces() == ["default"])
        try ledger.close()
    }

    @Test("Invariant checker: clean ledger passes; tampered rows are reported by kind")
    func invariantChecker() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inv-\(UUID().uuidString).sqlite").path
        let ledger = try Ledger(databasePath: path)
        try await ledger.applySeed(Fixture.seed())
        let id = try #require(try await ledger.reserveValue(Fixture.reserve(100)).reservationID)
        #expect(try await ledger.checkInvariants().isEmpty)
        // Tamper behind the engine's back through a second connection.
        let tamper = try DatabaseQueue(path: path)
        try await tamper.write { db in
            try db.execute(sql: "UPDATE budget SET spent = spent + 1 WHERE scope_path = 'tenant:acme' AND unit = 'USD_MICROCENTS'")
            try db.execute(
                sql: "UPDATE budget SET reserved = reserved + 7, remaining = remaining - 7 WHERE scope_path = 'tenant:acme/agent:bot'")
            try db.execute(
                sql: "UPDATE reservation SET transitions = transitions || ';COMMITTED>ACTIVE@0' WHERE reservation_id = ?",
                arguments: [id.rawValue])
        }
        try tamper.close()
        let kinds = Set(try await ledger.checkInvariants(namespace: "default").map(\.kind))
        #expect(kinds == ["ledger_identity", "reserved_mismatch", "illegal_transition"])
        try ledger.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test("Deterministic ids: the same seed gives the same reservation ids")
    func deterministicIDs() async throws {
        func ids() async throws -> [String] {
            let ledger = try Ledger(deterministicIDSeed: 42)
            try await ledger.applySeed(Fixture.seed())
            var result: [String] = []
            for index in 0..<3 {
                result.append(
                    try #require(
                        try await ledger.reserveValue(Fixture.reserve(1, key: IdempotencyKey("k\(index)"))).reservationID?.rawValue))
            }
            try ledger.close()
            return result
        }
        let first = try await ids()
        #expect(first == (try await ids()))
        #expect(Set(first).count == 3)
    }
}
