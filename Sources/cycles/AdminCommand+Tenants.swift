import ArgumentParser
import CyclesProtocol

/// `cycles admin tenants …`: create, list, get, suspend, reactivate, close.
struct AdminTenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants", abstract: "Create, list, inspect and change the status of tenants.",
        subcommands: [Create.self, List.self, Get.self, Suspend.self, Reactivate.self, Close.self])

    /// The one-object table of a tenant.
    static func render(_ tenant: Tenant) -> String {
        AdminTable.record([
            ("tenant_id", tenant.tenantID), ("name", tenant.name), ("status", tenant.status),
            ("parent_tenant_id", tenant.parentTenantID), ("created_at", tenant.createdAt),
            ("updated_at", tenant.updatedAt), ("suspended_at", tenant.suspendedAt), ("closed_at", tenant.closedAt),
        ])
    }

    struct Create: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Create a tenant (a retry with the same name is a no-op).")
        @OptionGroup var connection: AdminConnection
        @Option(name: .customLong("id"), help: "Tenant id: 3-64 characters of a-z, 0-9 and '-'.")
        var tenantID: String
        @Option(help: "Display name.")
        var name: String
        @Option(name: .customLong("parent"), help: "Parent tenant id.")
        var parentTenantID: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let body = TenantCreateRequest(tenantID: tenantID, name: name, parentTenantID: parentTenantID)
            let answer = try await client.send("POST", "/v1/admin/tenants", body: body, as: Tenant.self)
            return AdminOutput(json: answer.json, text: AdminTenantsCommand.render(answer.value))
        }
    }

    struct List: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "List tenants, newest first.")
        @OptionGroup var connection: AdminConnection
        @Option(help: "Only ACTIVE, SUSPENDED or CLOSED tenants.")
        var status: String?
        @Option(help: "Case-insensitive substring of the id or name.")
        var search: String?
        @Option(help: "Page size (1-100).")
        var limit: Int?
        @Option(help: "The cursor a previous page printed.")
        var cursor: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let answer = try await client.get(
                "/v1/admin/tenants",
                query: [("status", status), ("search", search), ("limit", limit.map(String.init)), ("cursor", cursor)],
                as: TenantListResponse.self)
            let table = AdminTable(
                columns: ["TENANT", "NAME", "STATUS", "CREATED"],
                rows: answer.value.tenants.map { [$0.tenantID, $0.name, $0.status, $0.createdAt] })
            return AdminOutput(json: answer.json, text: AdminTable.page(table, nextCursor: answer.value.nextCursor))
        }
    }

    struct Get: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Show one tenant.")
        @OptionGroup var connection: AdminConnection
        @Argument(help: "The tenant id.")
        var tenantID: String

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let answer = try await client.get("/v1/admin/tenants/\(AdminClient.segment(tenantID))", as: Tenant.self)
            return AdminOutput(json: answer.json, text: AdminTenantsCommand.render(answer.value))
        }
    }

    struct Suspend: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Suspend a tenant: its new reservations are refused.")
        @OptionGroup var connection: AdminConnection
        @Argument(help: "The tenant id.")
        var tenantID: String

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            try await AdminTenantsCommand.setStatus("SUSPENDED", of: tenantID, client)
        }
    }

    struct Reactivate: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Make a suspended tenant ACTIVE again.")
        @OptionGroup var connection: AdminConnection
        @Argument(help: "The tenant id.")
        var tenantID: String

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            try await AdminTenantsCommand.setStatus("ACTIVE", of: tenantID, client)
        }
    }

    struct Close: AdminOperation {
        static let configuration = CommandConfiguration(
            abstract: "Close a tenant for good: reservations released, budgets closed, keys revoked.")
        @OptionGroup var connection: AdminConnection
        @Argument(help: "The tenant id.")
        var tenantID: String

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            try await AdminTenantsCommand.setStatus("CLOSED", of: tenantID, client)
        }
    }

    static func setStatus(_ status: String, of tenantID: String, _ client: AdminClient) async throws -> AdminOutput {
        let answer = try await client.send(
            "PATCH", "/v1/admin/tenants/\(AdminClient.segment(tenantID))", body: TenantUpdateRequest(status: status),
            as: Tenant.self)
        return AdminOutput(json: answer.json, text: render(answer.value))
    }
}
