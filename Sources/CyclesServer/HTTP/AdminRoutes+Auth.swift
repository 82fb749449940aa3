import CyclesProtocol
import Hummingbird

/// `GET /v1/auth/introspect` (normative) and `POST /v1/auth/validate` (reference).
extension AdminRoutes {
    func addAuthRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/auth/introspect") { request, _ in
            await respond(to: request) {
                // Either credential: a present admin key must be valid and wins (as on the runtime plane's
                // admin-allowlisted routes); otherwise the tenant key is introspected.
                if request.headers[HTTPExchange.adminKeyField] != nil {
                    try requireAdmin(request)
                    return try .json(AuthIntrospectResponse.admin, tenant: nil)
                }
                let answer = try ledger.introspect(apiKey: request.headers[HTTPExchange.apiKeyField])
                return try .json(answer, tenant: answer.tenantID)
            }
        }
        router.post("/v1/auth/validate") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let body = try await decode(APIKeyValidationRequest.self, from: request)
                guard !body.keySecret.isEmpty else { throw LedgerError.invalid("key_secret: must not be empty") }
                return try .json(ledger.validateAPIKey(body.keySecret), tenant: nil)
            }
        }
    }
}
