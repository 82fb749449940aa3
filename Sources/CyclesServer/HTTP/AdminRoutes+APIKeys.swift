import CyclesProtocol
import Hummingbird

/// `POST/GET /v1/admin/api-keys`, `PATCH/DELETE /v1/admin/api-keys/{key_id}` (reference operations).
extension AdminRoutes {
    func addAPIKeyRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/admin/api-keys") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let body = try await decode(APIKeyCreateRequest.self, from: request)
                return try .json(try await ledger.createAPIKey(body), status: 201, tenant: nil)
            }
        }
        router.get("/v1/admin/api-keys") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let parameters = try QueryParameters(request)
                // sort_by / sort_dir are additive parameters the spec lets a server ignore: keys come newest first.
                var query = Ledger.APIKeyQuery(
                    tenantID: parameters["tenant_id"], status: try parameters.typed("status", expecting: "a status"), search: parameters["search"],
                    cursor: parameters["cursor"])
                query.limit = try parameters.limit(in: 1...100, default: query.limit)
                return try .json(try await ledger.listAPIKeys(query), tenant: nil)
            }
        }
        router.patch("/v1/admin/api-keys/:key_id") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                let keyID = try context.parameters.require("key_id")
                let body = try await decode(APIKeyUpdateRequest.self, from: request)
                return try .json(try await ledger.updateAPIKey(keyID, body), tenant: nil)
            }
        }
        router.delete("/v1/admin/api-keys/:key_id") { request, context in
            await respond(to: request) {
                try requireAdmin(request)
                let keyID = try context.parameters.require("key_id")
                let reason = try QueryParameters(request)["reason"]
                return try .json(try await ledger.revokeAPIKey(keyID, reason: reason), tenant: nil)
            }
        }
    }
}
