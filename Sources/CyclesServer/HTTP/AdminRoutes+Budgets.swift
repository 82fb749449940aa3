import CyclesProtocol
import Hummingbird

/// `POST/GET/PATCH /v1/admin/budgets`, `GET /v1/admin/budgets/lookup`, `POST /v1/admin/budgets/fund`, `/freeze`,
/// `/unfreeze` and `/bulk-action` (reference operations). Create, list, lookup and fund accept either credential
/// (the spec's dual auth: a tenant key for its own budgets, with `budgets:write` / `budgets:read`); patch, freeze,
/// unfreeze and the bulk action take the admin key only.
extension AdminRoutes {
    func addBudgetRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/admin/budgets") { request, _ in
            await respond(to: request) {
                let caller = try budgetCaller(request, requiring: .budgetsWrite, or: .adminBudgetsWrite)
                let body = try await decode(BudgetCreateRequest.self, from: request)
                return try .json(try await ledger.createBudget(body, as: caller), status: 201, tenant: caller.tenantID)
            }
        }
        router.get("/v1/admin/budgets") { request, _ in
            await respond(to: request) {
                let caller = try budgetCaller(request, requiring: .budgetsRead, or: .adminBudgetsRead)
                let parameters = try QueryParameters(request)
                var query = Ledger.BudgetQuery(
                    tenantID: parameters["tenant_id"], scopePrefix: parameters["scope_prefix"],
                    unit: try parameters.typed("unit", expecting: "a unit").map(BudgetUnit.init(rawValue:)),
                    status: try parameters.typed("status", expecting: "a status"),
                    overLimit: try parameters.optionalBool("over_limit"), hasDebt: try parameters.optionalBool("has_debt"),
                    utilizationMin: try parameters.fraction("utilization_min"),
                    utilizationMax: try parameters.fraction("utilization_max"), search: parameters["search"],
                    sortBy: try parameters.typed("sort_by", expecting: "a sort field"),
                    sortDirection: try parameters.typed("sort_dir", expecting: "asc or desc"), cursor: parameters["cursor"])
                query.limit = try parameters.limit(in: 1...100, default: query.limit)
                return try .json(try await ledger.listBudgets(query, as: caller), tenant: caller.tenantID)
            }
        }
        router.get("/v1/admin/budgets/lookup") { request, _ in
            await respond(to: request) {
                let caller = try budgetCaller(request, requiring: .budgetsRead, or: .adminBudgetsRead)
                let (scope, unit) = try budgetKey(of: request)
                return try .json(try await ledger.lookupBudget(scope: scope, unit: unit, as: caller), tenant: caller.tenantID)
            }
        }
        router.patch("/v1/admin/budgets") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let (scope, unit) = try budgetKey(of: request)
                let body = try await decode(BudgetUpdateRequest.self, from: request)
                return try .json(try await ledger.updateBudget(scope: scope, unit: unit, body), tenant: nil)
            }
        }
        for (path, target) in [("/v1/admin/budgets/freeze", "FROZEN"), ("/v1/admin/budgets/unfreeze", "ACTIVE")] {
            router.post(RouterPath(path)) { request, _ in
                await respond(to: request) {
                    try requireAdmin(request)
                    let (scope, unit) = try budgetKey(of: request)
                    // The body is optional ("an empty body (or no body) is valid").
                    let body = try await decodeIfPresent(BudgetStatusTransitionRequest.self, from: request)
                    return try .json(
                        try await ledger.transitionBudget(scope: scope, unit: unit, to: target, body), tenant: nil)
                }
            }
        }
        router.post("/v1/admin/budgets/fund") { request, _ in
            await respond(to: request) {
                let caller = try budgetCaller(request, requiring: .budgetsWrite, or: .adminBudgetsWrite)
                let (scope, unit) = try budgetKey(of: request)
                let tenantID = try QueryParameters(request)["tenant_id"]
                let body = try await decode(BudgetFundingRequest.self, from: request)
                let reply = try await ledger.fundBudget(scope: scope, unit: unit, tenantID: tenantID, body, as: caller)
                return HTTPExchange.Reply(reply, tenant: caller.tenantID)
            }
        }
        router.post("/v1/admin/budgets/bulk-action") { request, _ in
            await respond(to: request) {
                try requireAdmin(request)
                let body = try await decode(BudgetBulkActionRequest.self, from: request)
                return try .json(try await ledger.bulkActionBudgets(body), tenant: nil)
            }
        }
    }

    /// Dual auth: a present `X-Admin-API-Key` must be valid and wins (as on the other dual-auth routes); otherwise
    /// the tenant key must grant `permission` or its granular admin equivalent (403 FORBIDDEN otherwise).
    func budgetCaller(_ request: Request, requiring permission: Permission, or granular: Permission) throws
        -> Ledger.AdminCaller
    {
        if request.headers[HTTPExchange.adminKeyField] != nil {
            try requireAdmin(request)
            return .admin
        }
        return try ledger.adminCaller(apiKey: request.headers[HTTPExchange.apiKeyField], requiringAnyOf: [permission, granular])
    }

    /// The required `scope` and `unit` query parameters that name one budget (400 naming a missing one).
    func budgetKey(of request: Request) throws -> (scope: String, unit: BudgetUnit) {
        let parameters = try QueryParameters(request)
        guard let scope = parameters["scope"] else { throw LedgerError.invalid("scope: required query parameter") }
        guard let unit = parameters["unit"] else { throw LedgerError.invalid("unit: required query parameter") }
        return (scope, BudgetUnit(rawValue: unit))
    }
}

extension Ledger.AdminCaller {
    /// The tenant for `X-Cycles-Tenant` (none under the admin key).
    var tenantID: String? {
        if case .tenant(let tenantID, _, _) = self { tenantID } else { nil }
    }
}

extension QueryParameters {
    /// A boolean filter that may be absent (`nil`); blank or anything but true/false is a 400 naming it.
    func optionalBool(_ name: String) throws -> Bool? {
        guard values[name] != nil else { return nil }
        return try bool(name)
    }

    /// A number in [0, 1] (absent: `nil`; blank, not a number or out of range: a 400 naming it).
    func fraction(_ name: String) throws -> Double? {
        guard let text = try typed(name, expecting: "a number between 0 and 1") else { return nil }
        guard let value = Double(text), value.isFinite, (0...1).contains(value) else {
            throw LedgerError.invalid("\(name) must be a number between 0 and 1")
        }
        return value
    }
}
