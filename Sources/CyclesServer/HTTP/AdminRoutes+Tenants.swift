import CyclesProtocol
import Hummingbird

/// `POST/GET /v1/admin/tenants`, `GET/PATCH /v1/admin/tenants/{tenant_id}`, `POST /v1/admin/tenants/bulk-action`
/// (reference operations).
extension AdminRoutes {
    func addTenantRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/admin/tenants") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let body = try await decode(TenantCreateRequest.self, from: request)
                switch try await ledger.createTenant(body) {
                case .created(let tenant): return try .json(tenant, status: 201, tenant: nil)
                case .existing(let tenant): return try .json(tenant, tenant: nil)
                }
            }
        }
        router.get("/v1/admin/tenants") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let parameters = try QueryParameters(request)
                var query = Ledger.TenantQuery(
                    status: try parameters.typed("status", expecting: "a status"), parentTenantID: parameters["parent_tenant_id"],
                    search: parameters["search"], cursor: parameters["cursor"])
                if let sortBy = try parameters.typed("sort_by", expecting: "a sort field") { query.sortBy = sortBy }
                if let direction = try parameters.typed("sort_dir", expecting: "asc or desc") { query.sortDirection = direction }
                query.limit = try parameters.limit(in: 1...100, default: query.limit)
                return try .json(try await ledger.listTenants(query), tenant: nil)
            }
        }
        router.post("/v1/admin/tenants/bulk-action") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let body = try await decode(TenantBulkActionRequest.self, from: request)
                return try .json(try await ledger.bulkActionTenants(body), tenant: nil)
            }
        }
        router.get("/v1/admin/tenants/:tenant_id") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                return try .json(try await ledger.tenant(try context.parameters.require("tenant_id")), tenant: nil)
            }
        }
        router.patch("/v1/admin/tenants/:tenant_id") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                let tenantID = try context.parameters.require("tenant_id")
                let body = try await decode(TenantUpdateRequest.self, from: request)
                return try .json(try await ledger.updateTenant(tenantID, body), tenant: nil)
            }
        }
    }
}
