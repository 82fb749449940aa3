public import CyclesProtocol

/// The reference admin operations the admin-plane checks drive themselves (`cycles-governance-admin-v0.1.25.yaml`):
/// creating and revoking API keys, changing a tenant's status and funding a budget. A target that does not serve
/// one (404, 405 or 501) skips the check with that reason; any other refusal of a setup step fails it.
extension CheckContext {
    /// A request carrying the operator key (skips the check when the run has none).
    public func adminRequest(_ method: String, _ path: String, json: JSONValue? = nil) throws -> WireRequest {
        let key = WireHeader(CyclesHeader.adminAPIKey, try requireAdminKey())
        if let json { return .json(method, path, json, headers: [key]) }
        return WireRequest(method: method, path: path, headers: [key])
    }

    /// `POST /v1/admin/api-keys` for `tenantID`, with `permissions` (`nil`: the server's default set). Returns the
    /// key's id and its secret, and the answer. A 400 is returned to the caller as `nil` (a server may refuse a
    /// permission set, for example `admin:*` on a new tenant key, which the spec says SHOULD NOT be assigned).
    public func createAPIKey(for tenantID: String, permissions: [String]?) async throws
        -> (keyID: String, secret: String, exchange: WireExchange)?
    {
        var body: [String: JSONValue] = ["tenant_id": .string(tenantID), "name": "conformance"]
        if let permissions { body["permissions"] = .array(permissions.map(JSONValue.string)) }
        let answer = try await send(try adminRequest("POST", "/v1/admin/api-keys", json: .object(body)))
        if answer.status == 400 { return nil }
        try requireAdminOperation(answer, "create an API key (POST /v1/admin/api-keys)")
        guard let keyID = answer.json?["key_id"]?.stringValue, let secret = answer.json?["key_secret"]?.stringValue
        else {
            throw CheckFailure(
                "\(answer.summary): no key_id or key_secret in the answer", expected: "ApiKeyCreateResponse",
                spec: "createApiKey 201", exchange: answer)
        }
        return (keyID, secret, answer)
    }

    /// `DELETE /v1/admin/api-keys/{key_id}`.
    public func revokeAPIKey(_ keyID: String) async throws {
        let answer = try await send(try adminRequest("DELETE", "/v1/admin/api-keys/\(keyID)"))
        try requireAdminOperation(answer, "revoke an API key (DELETE /v1/admin/api-keys/{key_id})")
    }

    /// `PATCH /v1/admin/tenants/{tenant_id}` with `{"status": status}`; fails unless the answer shows the new status.
    @discardableResult
    public func setTenantStatus(_ tenantID: String, _ status: String) async throws -> WireExchange {
        let answer = try await send(
            try adminRequest("PATCH", "/v1/admin/tenants/\(tenantID)", json: ["status": .string(status)]))
        try requireAdminOperation(answer, "set a tenant's status (PATCH /v1/admin/tenants/{tenant_id})")
        try expect(
            answer.json?["status"]?.stringValue == status, "\(answer.summary): the tenant's status is not \(status)",
            expected: "Tenant.status \(status)", spec: "updateTenant STATUS TRANSITIONS", exchange: answer)
        return answer
    }

    /// `POST /v1/admin/budgets/fund?scope=&unit=&tenant_id=` with the admin key and `body` (a BudgetFundingRequest).
    /// Returns the answer whatever its status, so replays and refusals can be judged; skips the check when the
    /// target does not serve the operation (405, 501, or a 404 that names neither the budget nor the tenant).
    public func fundBudget(tenantID: String, scope: String, unit: BudgetUnit = .tokens, _ body: JSONValue)
        async throws -> WireExchange
    {
        let path =
            "/v1/admin/budgets/fund?scope=\(FixtureNaming.queryEscape(scope))&unit=\(unit.rawValue)"
            + "&tenant_id=\(FixtureNaming.queryEscape(tenantID))"
        let answer = try await send(try adminRequest("POST", path, json: body))
        let namesLedger = [ErrorCode.budgetNotFound.rawValue, ErrorCode.tenantNotFound.rawValue].contains(answer.errorCode ?? "")
        if [404, 405, 501].contains(answer.status), !namesLedger {
            throw CheckSkipped("the target does not fund budgets (POST /v1/admin/budgets/fund): HTTP \(answer.status)")
        }
        return answer
    }

    /// `tenant` authenticated by another key of the same tenant.
    public func withKey(_ tenant: ProvisionedTenant, _ secret: String) -> ProvisionedTenant {
        var copy = tenant
        copy.apiKey = secret
        return copy
    }

    /// Skips when the target does not serve the operation, fails on any other non-2xx answer.
    private func requireAdminOperation(_ answer: WireExchange, _ what: String) throws {
        if [404, 405, 501].contains(answer.status), answer.errorCode != "TENANT_NOT_FOUND" {
            throw CheckSkipped("the target does not \(what): HTTP \(answer.status)")
        }
        guard (200..<300).contains(answer.status) else {
            throw ProvisioningError(step: what, exchange: answer)
        }
    }
}
