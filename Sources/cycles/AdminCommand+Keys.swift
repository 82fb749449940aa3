import ArgumentParser
import CyclesProtocol

/// `cycles admin keys …`: create (the secret is printed once), list, revoke.
struct AdminKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke tenant API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AdminOperation {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key for a tenant and print its secret (shown this once, never again).")
        @OptionGroup var connection: AdminConnection
        @Option(name: .customLong("tenant"), help: "The owning tenant's id.")
        var tenantID: String
        @Option(help: "Display name.")
        var name: String
        @Option(name: .customLong("permission"), help: "A permission such as reservations:create (repeatable; default: the tenant defaults).")
        var permissions: [String] = []
        @Option(name: .customLong("expires-at"), help: "Expiry as an RFC 3339 date-time.")
        var expiresAt: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let body = APIKeyCreateRequest(
                tenantID: tenantID, name: name, permissions: permissions.isEmpty ? nil : permissions.map(Permission.init(rawValue:)),
                expiresAt: expiresAt)
            let answer = try await client.send("POST", "/v1/admin/api-keys", body: body, as: APIKeyCreateResponse.self)
            let key = answer.value
            let table = AdminTable.record([
                ("key_id", key.keyID), ("tenant_id", key.tenantID), ("key_secret", key.keySecret),
                ("permissions", key.permissions.map(\.rawValue).joined(separator: ",")), ("expires_at", key.expiresAt),
            ])
            return AdminOutput(
                json: answer.json, text: table + "\n\nStore key_secret now: the server keeps only its hash and will not show it again.")
        }
    }

    struct List: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their secrets), newest first.")
        @OptionGroup var connection: AdminConnection
        @Option(name: .customLong("tenant"), help: "Only this tenant's keys.")
        var tenantID: String?
        @Option(help: "Only ACTIVE, REVOKED or EXPIRED keys.")
        var status: String?
        @Option(help: "Page size (1-100).")
        var limit: Int?
        @Option(help: "The cursor a previous page printed.")
        var cursor: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let answer = try await client.get(
                "/v1/admin/api-keys",
                query: [("tenant_id", tenantID), ("status", status), ("limit", limit.map(String.init)), ("cursor", cursor)],
                as: APIKeyListResponse.self)
            let table = AdminTable(
                columns: ["KEY", "TENANT", "NAME", "STATUS", "PREFIX", "CREATED"],
                rows: answer.value.keys.map { [$0.keyID, $0.tenantID, $0.name ?? "", $0.status, $0.keyPrefix, $0.createdAt] })
            return AdminOutput(json: answer.json, text: AdminTable.page(table, nextCursor: answer.value.nextCursor))
        }
    }

    struct Revoke: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key (permanent).")
        @OptionGroup var connection: AdminConnection
        @Argument(help: "The key id (key_...).")
        var keyID: String
        @Option(help: "Why, kept with the key and in the audit log.")
        var reason: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let answer = try await client.send(
                "DELETE", "/v1/admin/api-keys/\(AdminClient.segment(keyID))", query: [("reason", reason)],
                body: String?.none, as: APIKey.self)
            let key = answer.value
            return AdminOutput(
                json: answer.json,
                text: AdminTable.record([
                    ("key_id", key.keyID), ("tenant_id", key.tenantID), ("status", key.status),
                    ("revoked_at", key.revokedAt), ("revoked_reason", key.revokedReason),
                ]))
        }
    }
}
