import ArgumentParser
import CyclesProtocol

/// `cycles admin audit` (the audit log, newest first) and `cycles admin overview` (the dashboard snapshot).
struct AdminAuditCommand: AdminOperation {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "List audit-log entries, newest first.")
    @OptionGroup var connection: AdminConnection
    @Option(name: .customLong("tenant"), help: "Only this tenant's entries (or __admin__, __unauth__).")
    var tenantID: String?
    @Option(help: "Only these operations, comma-separated (e.g. createTenant,revokeApiKey).")
    var operation: String?
    @Option(name: .customLong("status-min"), help: "Only entries with at least this HTTP status (400 for failures).")
    var statusMin: Int?
    @Option(help: "Page size (1-100).")
    var limit: Int?
    @Option(help: "The cursor a previous page printed.")
    var cursor: String?

    func perform(_ client: AdminClient) async throws -> AdminOutput {
        let answer = try await client.get(
            "/v1/admin/audit/logs",
            query: [
                ("tenant_id", tenantID), ("operation", operation), ("status_min", statusMin.map(String.init)),
                ("limit", limit.map(String.init)), ("cursor", cursor),
            ],
            as: AuditLogListResponse.self)
        let table = AdminTable(
            columns: ["TIME", "TENANT", "OPERATION", "RESOURCE", "STATUS", "ERROR"],
            rows: answer.value.logs.map { entry in
                [
                    entry.timestamp, entry.tenantID, entry.operation, entry.resourceID ?? "", String(entry.status),
                    entry.errorCode ?? "",
                ]
            })
        return AdminOutput(json: answer.json, text: AdminTable.page(table, nextCursor: answer.value.nextCursor))
    }
}

struct AdminOverviewCommand: AdminOperation {
    static let configuration = CommandConfiguration(
        commandName: "overview", abstract: "Show tenant and budget counts and the worst over-limit and indebted budgets.")
    @OptionGroup var connection: AdminConnection

    func perform(_ client: AdminClient) async throws -> AdminOutput {
        let answer = try await client.get("/v1/admin/overview", as: AdminOverviewResponse.self)
        let overview = answer.value
        let tenants = overview.tenantCounts
        let budgets = overview.budgetCounts
        var text = AdminTable.record([
            ("as_of", overview.asOf),
            ("tenants", "\(tenants.total) (\(tenants.active) active, \(tenants.suspended) suspended, \(tenants.closed) closed)"),
            ("budgets", "\(budgets.total) (\(budgets.active) active, \(budgets.frozen) frozen, \(budgets.closed) closed)"),
            ("over_limit", String(budgets.overLimit)), ("with_debt", String(budgets.withDebt)),
        ])
        if !overview.debtScopes.isEmpty {
            text += "\n\n" + AdminTable(
                columns: ["SCOPE", "UNIT", "DEBT", "OVERDRAFT_LIMIT"],
                rows: overview.debtScopes.map { [$0.scope, $0.unit.rawValue, String($0.debt), String($0.overdraftLimit)] }
            ).rendered
        }
        return AdminOutput(json: answer.json, text: text)
    }
}
