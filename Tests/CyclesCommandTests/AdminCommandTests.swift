import ArgumentParser
import CyclesProtocol
import CyclesServer
import Foundation
import Testing

@testable import cycles

/// `cycles admin …` run in-process (parsed exactly as the command line is, then performed) against a
/// `ReferenceServer` on port 0.
@Suite("cycles admin")
struct AdminCommandTests {
    static let adminKey = "admin-cli-0123456789abcdef"

    static func withServer(_ body: (String) async throws -> Void) async throws {
        let server = try await ReferenceServer.start(.init(adminKey: adminKey))
        do {
            try await body(server.baseURL)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Parses `arguments` as `cycles admin …` would and returns what the command prints.
    static func run(
        _ arguments: [String], baseURL: String?, adminKey: String? = Self.adminKey, environment: [String: String] = [:]
    ) async throws -> String {
        var full = arguments
        if let baseURL { full += ["--base-url", baseURL] }
        if let adminKey { full += ["--admin-key", adminKey] }
        let command = try AdminCommand.parseAsRoot(full)
        let operation = try #require(command as? any AdminOperation, "\(arguments) is not an admin operation")
        return try await operation.output(environment: environment)
    }

    /// The value of `name` in a FIELD/VALUE table.
    static func field(_ name: String, in table: String) -> String? {
        for line in table.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0] == name { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// The protocol error a refused command throws.
    static func failure(_ arguments: [String], baseURL: String, adminKey: String = Self.adminKey) async throws -> AdminAPIError {
        do {
            let output = try await run(arguments, baseURL: baseURL, adminKey: adminKey)
            Issue.record("\(arguments) succeeded: \(output)")
            return AdminAPIError(status: 0, code: "", message: "")
        } catch let error as AdminAPIError {
            return error
        }
    }

    @Test("tenants create, get, list, suspend, reactivate and close print tables; --json prints the wire answer")
    func tenantLifecycle() async throws {
        try await Self.withServer { url in
            let created = try await Self.run(["tenants", "create", "--id", "acme-cli", "--name", "Acme CLI"], baseURL: url)
            #expect(Self.field("tenant_id", in: created) == "acme-cli")
            #expect(Self.field("status", in: created) == "ACTIVE")
            let fetched = try await Self.run(["tenants", "get", "acme-cli"], baseURL: url)
            #expect(fetched.contains("Acme CLI"))

            _ = try await Self.run(["tenants", "create", "--id", "beta-cli", "--name", "Beta"], baseURL: url)
            let listed = try await Self.run(["tenants", "list"], baseURL: url)
            let lines = listed.split(separator: "\n")
            #expect(lines.first?.hasPrefix("TENANT") == true)
            #expect(lines.count == 3)
            #expect(listed.contains("acme-cli") && listed.contains("beta-cli"))
            let paged = try await Self.run(["tenants", "list", "--limit", "1"], baseURL: url)
            #expect(paged.contains("more: --cursor c2."))

            #expect(try await Self.run(["tenants", "suspend", "acme-cli"], baseURL: url).contains("SUSPENDED"))
            let suspendedOnly = try await Self.run(["tenants", "list", "--status", "SUSPENDED"], baseURL: url)
            #expect(suspendedOnly.contains("acme-cli") && !suspendedOnly.contains("beta-cli"))
            #expect(try await Self.run(["tenants", "reactivate", "acme-cli"], baseURL: url).contains("ACTIVE"))
            let closedJSON = try await Self.run(["tenants", "close", "acme-cli", "--json"], baseURL: url)
            let closed = try CyclesJSON.decode(Tenant.self, from: Data(closedJSON.utf8))
            #expect(closed.status == "CLOSED")
            #expect(closed.closedAt != nil)
        }
    }

    @Test("budgets create, get, list, fund (replayed by key), freeze and unfreeze; a refused DEBIT is the protocol's error")
    func budgetLifecycle() async throws {
        try await Self.withServer { url in
            _ = try await Self.run(["tenants", "create", "--id", "budget-cli", "--name", "Budgets"], baseURL: url)
            let ledger = ["--scope", "tenant:budget-cli/workspace:prod", "--unit", "USD_MICROCENTS"]
            let created = try await Self.run(["budgets", "create"] + ledger + ["--allocated", "5000"], baseURL: url)
            #expect(Self.field("remaining", in: created) == "5000")
            #expect(Self.field("status", in: created) == "ACTIVE")
            let fund = ["budgets", "fund"] + ledger + ["--operation", "CREDIT", "--amount", "250", "--idempotency-key", "cli-topup-1"]
            let funded = try await Self.run(fund, baseURL: url)
            #expect(Self.field("allocated", in: funded) == "5000 → 5250")
            #expect(try await Self.run(fund, baseURL: url) == funded, "the same key replays the first answer")
            let fetched = try await Self.run(["budgets", "get"] + ledger + ["--json"], baseURL: url)
            let budget = try CyclesJSON.decode(BudgetLedger.self, from: Data(fetched.utf8))
            #expect(budget.allocated.amount == 5_250 && budget.remaining.amount == 5_250)

            let refused = try await Self.failure(
                ["budgets", "fund"] + ledger + ["--operation", "DEBIT", "--amount", "999999"], baseURL: url)
            #expect(refused.status == 409 && refused.code == "BUDGET_EXCEEDED", "\(refused)")

            #expect(Self.field("status", in: try await Self.run(["budgets", "freeze"] + ledger + ["--reason", "audit"], baseURL: url)) == "FROZEN")
            let listed = try await Self.run(["budgets", "list", "--tenant", "budget-cli", "--status", "FROZEN"], baseURL: url)
            #expect(listed.split(separator: "\n").first?.hasPrefix("SCOPE") == true)
            #expect(listed.contains("tenant:budget-cli/workspace:prod"))
            #expect(Self.field("status", in: try await Self.run(["budgets", "unfreeze"] + ledger, baseURL: url)) == "ACTIVE")
        }
    }

    @Test("keys create prints the secret once; list shows only the prefix; revoke makes it REVOKED")
    func keyLifecycle() async throws {
        try await Self.withServer { url in
            _ = try await Self.run(["tenants", "create", "--id", "keys-cli", "--name", "Keys"], baseURL: url)
            let createdJSON = try await Self.run(
                ["keys", "create", "--tenant", "keys-cli", "--name", "ci", "--permission", "reservations:create",
                 "--permission", "balances:read", "--json"], baseURL: url)
            let created = try CyclesJSON.decode(APIKeyCreateResponse.self, from: Data(createdJSON.utf8))
            #expect(created.keySecret.hasPrefix("cyc_live_"))
            #expect(created.permissions.map(\.rawValue) == ["reservations:create", "balances:read"])

            let table = try await Self.run(["keys", "create", "--tenant", "keys-cli", "--name", "second"], baseURL: url)
            #expect(Self.field("key_secret", in: table)?.hasPrefix("cyc_live_") == true)
            #expect(table.contains("will not show it again"))

            let listed = try await Self.run(["keys", "list", "--tenant", "keys-cli"], baseURL: url)
            #expect(listed.contains(created.keyID))
            #expect(!listed.contains(created.keySecret))
            #expect(listed.split(separator: "\n").count == 3)

            let revoked = try await Self.run(["keys", "revoke", created.keyID, "--reason", "rotated"], baseURL: url)
            #expect(revoked.contains("REVOKED") && revoked.contains("rotated"))
            let revokedOnly = try await Self.run(["keys", "list", "--status", "REVOKED"], baseURL: url)
            #expect(revokedOnly.contains(created.keyID))
            #expect(revokedOnly.split(separator: "\n").count == 2)
        }
    }

    @Test("A refused request surfaces the protocol's status, code, message and request id")
    func errorsCarryTheProtocolError() async throws {
        try await Self.withServer { url in
            let missing = try await Self.failure(["tenants", "get", "nobody"], baseURL: url)
            #expect(missing.status == 404)
            #expect(missing.code == "TENANT_NOT_FOUND")
            #expect(missing.requestID != nil)
            #expect(missing.description.hasPrefix("404 TENANT_NOT_FOUND: "))

            let invalid = try await Self.failure(["tenants", "create", "--id", "No!", "--name", "x"], baseURL: url)
            #expect(invalid.status == 400)
            #expect(invalid.code == "INVALID_REQUEST")
            #expect(invalid.message.contains("tenant_id"))

            let badStatus = try await Self.failure(["keys", "list", "--status", "LOST"], baseURL: url)
            #expect(badStatus.status == 400 && badStatus.message.contains("status"))

            let wrongKey = try await Self.failure(["tenants", "list"], baseURL: url, adminKey: "not-the-key")
            #expect(wrongKey.status == 401)
            #expect(wrongKey.code == "UNAUTHORIZED")

            _ = try await Self.run(["tenants", "create", "--id", "gone-cli", "--name", "Gone"], baseURL: url)
            _ = try await Self.run(["tenants", "close", "gone-cli"], baseURL: url)
            let closed = try await Self.failure(["keys", "create", "--tenant", "gone-cli", "--name", "late"], baseURL: url)
            #expect(closed.status == 409 && closed.code == "TENANT_CLOSED")
        }
        // Nothing listening: a clear connection error, not a crash.
        let unreachable = try await Self.failure(["tenants", "list"], baseURL: "http://127.0.0.1:1")
        #expect(unreachable.code == "CONNECTION_FAILED")
    }

    @Test("The URL and admin key come from flags or CYCLES_BASE_URL / CYCLES_ADMIN_KEY; missing ones are usage errors")
    func connectionFromEnvironment() async throws {
        try await Self.withServer { url in
            let environment = ["CYCLES_BASE_URL": url, "CYCLES_ADMIN_KEY": Self.adminKey]
            let listed = try await Self.run(["tenants", "list"], baseURL: nil, adminKey: nil, environment: environment)
            #expect(listed == "(none)")
            // A flag wins over the environment.
            await #expect(throws: AdminAPIError.self) {
                _ = try await Self.run(["tenants", "list"], baseURL: nil, adminKey: "wrong", environment: environment)
            }
        }
        for (arguments, environment) in [
            (["tenants", "list"], [String: String]()), (["tenants", "list", "--base-url", "http://127.0.0.1:9"], [:]),
            (["tenants", "list", "--admin-key", "k"], [:]), (["tenants", "list", "--base-url", "localhost:9", "--admin-key", "k"], [:]),
        ] {
            let command = try #require(try AdminCommand.parseAsRoot(arguments) as? any AdminOperation)
            await #expect(throws: ValidationError.self, "\(arguments)") {
                _ = try await command.output(environment: environment)
            }
        }
    }

    @Test("audit lists what the other commands did, failures included; overview counts tenants")
    func auditAndOverview() async throws {
        try await Self.withServer { url in
            _ = try await Self.run(["tenants", "create", "--id", "audit-cli", "--name", "Audit"], baseURL: url)
            _ = try await Self.run(["tenants", "suspend", "audit-cli"], baseURL: url)
            _ = try? await Self.run(["tenants", "get", "nobody"], baseURL: url)
            let audit = try await Self.run(["audit", "--tenant", "audit-cli"], baseURL: url)
            let rows = audit.split(separator: "\n").dropFirst()
            #expect(rows.count == 2)
            #expect(rows.first?.contains("updateTenant") == true && rows.last?.contains("createTenant") == true)
            let failures = try await Self.run(["audit", "--status-min", "400", "--json"], baseURL: url)
            let page = try CyclesJSON.decode(AuditLogListResponse.self, from: Data(failures.utf8))
            #expect(page.logs.map(\.errorCode) == ["TENANT_NOT_FOUND"])
            let filtered = try await Self.run(["audit", "--operation", "createTenant,revokeApiKey"], baseURL: url)
            #expect(filtered.split(separator: "\n").count == 2)

            let overview = try await Self.run(["overview"], baseURL: url)
            #expect(Self.field("tenants", in: overview) == "1 (0 active, 1 suspended, 0 closed)")
            #expect(Self.field("budgets", in: overview) == "0 (0 active, 0 frozen, 0 closed)")
        }
    }

    /// Command lines starting with `prefix` in `text`, with `\`-continued lines joined, comments and `$`/`&` tails cut.
    static func commandLines(in text: String, after prefix: String) -> [[String]] {
        var lines: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if let hash = line.range(of: " #") { line = String(line[..<hash.lowerBound]) }
            if !pending.isEmpty {
                pending += " " + line
            } else if line.hasPrefix(prefix) {
                pending = line
            } else {
                continue
            }
            if pending.hasSuffix("\\") {
                pending.removeLast()
                continue
            }
            lines.append(pending)
            pending = ""
        }
        return lines.map { String($0.dropFirst(prefix.count)).split(separator: " ").map(String.init) }
    }

    @Test("Every `cycles admin` line in the README and in `cycles admin --help` parses, flags and all")
    func documentedCommandLinesParse() throws {
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let documented = Self.commandLines(in: readme, after: "swift run cycles admin ")
        let examples = Self.commandLines(in: AdminCommand.configuration.discussion, after: "cycles admin ")
        #expect(documented.count >= 15, "\(documented)")
        #expect(examples.count >= 7, "\(examples)")
        for arguments in documented + examples {
            #expect(throws: Never.self, "\(arguments)") { _ = try AdminCommand.parseAsRoot(arguments) }
        }
    }

    @Test("`cycles admin` is registered under `cycles`, and tables align their columns")
    func registrationAndTables() throws {
        let command = try CyclesCommand.parseAsRoot(["admin", "keys", "revoke", "key_x", "--base-url", "http://h", "--admin-key", "k"])
        #expect(command is AdminKeysCommand.Revoke)
        let table = AdminTable(columns: ["A", "LONGER"], rows: [["wide-cell", "x"], ["y", "z"]]).rendered
        #expect(table == "A          LONGER\nwide-cell  x\ny          z")
        #expect(AdminTable(columns: ["A", "B"], rows: [["a", ""]]).rendered == "A  B\na")
        #expect(AdminClient.queryString([("a", "x y&z"), ("b", nil)]) == "?a=x%20y%26z")
    }
}
