import CyclesProtocol
import Hummingbird

/// `GET /v1/admin/audit/logs` and `GET /v1/admin/overview` (reference operations).
extension AdminRoutes {
    func addAuditRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/admin/audit/logs") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                return try .json(try await ledger.listAuditLogs(try Self.auditQuery(try QueryParameters(request))), tenant: nil)
            }
        }
        router.get("/v1/admin/overview") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                return try .json(try await ledger.adminOverview(), tenant: nil)
            }
        }
    }

    /// The audit list's query: IN-lists are the spec's comma-separated (`explode=false`) form; integers and
    /// date-times are strict (400 naming the parameter).
    static func auditQuery(_ parameters: QueryParameters) throws -> Ledger.AuditQuery {
        func list(_ name: String) -> [String]? {
            parameters[name].map { $0.split(separator: ",", omittingEmptySubsequences: true).map(String.init) }
        }
        func integer(_ name: String) throws -> Int? {
            guard let text = try parameters.typed(name, expecting: "an integer") else { return nil }
            guard let value = Int(text) else { throw LedgerError.invalid("\(name) must be an integer") }
            return value
        }
        var query = Ledger.AuditQuery(
            tenantID: parameters["tenant_id"], keyID: parameters["key_id"], operations: list("operation"),
            status: try integer("status"), resourceTypes: list("resource_type"), resourceID: parameters["resource_id"],
            errorCodes: list("error_code"), excludedErrorCodes: list("error_code_exclude"),
            statusMin: try integer("status_min"), statusMax: try integer("status_max"), fromMs: try parameters.instant("from"),
            toMs: try parameters.instant("to"), search: parameters["search"], traceID: parameters["trace_id"],
            requestID: parameters["request_id"], cursor: parameters["cursor"])
        if let sortBy = try parameters.typed("sort_by", expecting: "a sort field") { query.sortBy = sortBy }
        if let direction = try parameters.typed("sort_dir", expecting: "asc or desc") { query.sortDirection = direction }
        query.limit = try parameters.limit(in: 1...100, default: query.limit)
        return query
    }
}
