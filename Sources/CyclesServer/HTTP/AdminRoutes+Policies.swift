import CyclesProtocol
import Hummingbird

/// `POST/GET /v1/admin/policies`, `PATCH /v1/admin/policies/{policy_id}` (reference operations), under either key:
/// a tenant's `X-Cycles-API-Key` acts on its own policies (`policies:read` / `policies:write`, or the granular
/// `admin:policies:*` a legacy key may hold), the `X-Admin-API-Key` on any tenant's (naming it: `tenant_id` in the
/// create body and the list query; the policy id pins it on patch).
extension AdminRoutes {
    func addPolicyRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/admin/policies") { request, _ in
            await respond(to: request) {
                let caller = try policyCaller(request, write: true)
                let body = try await decode(PolicyCreateRequest.self, from: request)
                let owner: String
                switch caller {
                case .admin:
                    guard let tenantID = body.tenantID, !tenantID.isEmpty else {
                        throw LedgerError.invalid("tenant_id: required when using \(CyclesHeader.adminAPIKey)")
                    }
                    owner = tenantID
                case .tenant(let identity):
                    guard body.tenantID == nil else {
                        throw LedgerError.invalid(
                            "tenant_id: must not be set when using \(CyclesHeader.apiKey) (the key's tenant is used)")
                    }
                    owner = identity.tenantID
                }
                return try .json(
                    try await ledger.createPolicy(body, owner: owner, actor: try policyActor(request)), status: 201,
                    tenant: caller.tenant?.tenantID)
            }
        }
        router.get("/v1/admin/policies") { request, _ in
            await respond(to: request) {
                let caller = try policyCaller(request, write: false)
                let parameters = try QueryParameters(request)
                let owner: String
                switch caller {
                case .admin:
                    guard let tenantID = parameters["tenant_id"] else {
                        throw LedgerError.invalid("tenant_id: required when using \(CyclesHeader.adminAPIKey)")
                    }
                    owner = tenantID
                // The spec: under a tenant key `tenant_id` is ignored, the key's tenant is always used.
                case .tenant(let identity): owner = identity.tenantID
                }
                // has_action_quotas and references_action_kind are v0.1.26 filters the spec tells a v0.1.25 server
                // to ignore without error; no v0.1.25 policy has quotas or action-kind lists.
                var query = Ledger.PolicyQuery(
                    tenantID: owner, scopePattern: parameters["scope_pattern"],
                    status: try parameters.typed("status", expecting: "ACTIVE or DISABLED"), cursor: parameters["cursor"])
                query.limit = try parameters.limit(in: 1...100, default: query.limit)
                return try .json(try await ledger.listPolicies(query), tenant: caller.tenant?.tenantID)
            }
        }
        router.patch("/v1/admin/policies/:policy_id") { request, context in
            await respond(to: request) {
                let caller = try policyCaller(request, write: true)
                let policyID = try context.parameters.require("policy_id")
                let body = try await decode(PolicyUpdateRequest.self, from: request)
                return try .json(
                    try await ledger.updatePolicy(
                        policyID, body, owner: caller.tenant?.tenantID, actor: try policyActor(request)),
                    tenant: caller.tenant?.tenantID)
            }
        }
    }

    /// Who the audit log names for a policy mutation: the operator on the tenant's behalf, or the tenant's key.
    func policyActor(_ request: Request) throws -> AuditActor {
        if request.headers[HTTPExchange.adminKeyField] != nil { return .adminOnBehalfOf }
        return .apiKey(try ledger.authEntry(apiKey: request.headers[HTTPExchange.apiKeyField]).keyID)
    }

    /// Who calls a policy route: a present `X-Admin-API-Key` must be valid and wins; otherwise the tenant key must
    /// grant `policies:write` (or `:read`), which `admin:write` (`admin:read`) and `admin:policies:write` (`:read`)
    /// also satisfy, as the spec's capability table maps `manage_policies` / `view_policies`. 401 / 403 otherwise.
    func policyCaller(_ request: Request, write: Bool) throws -> Principal {
        if request.headers[HTTPExchange.adminKeyField] != nil {
            try requireAdmin(request)
            return .admin
        }
        let entry = try ledger.authEntry(apiKey: request.headers[HTTPExchange.apiKeyField])
        let (plain, granular): (Permission, Permission) =
            write ? (.policiesWrite, .adminPoliciesWrite) : (.policiesRead, .adminPoliciesRead)
        guard entry.permissions.grants(plain) || entry.permissions.contains(granular) else {
            throw LedgerError(.forbidden, "API key lacks permission '\(plain.rawValue)'", tenant: entry.tenantID)
        }
        return .tenant(TenantIdentity(tenantID: entry.tenantID, namespace: entry.namespace))
    }
}
