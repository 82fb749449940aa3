public import CyclesProtocol

/// Provisions through the reference governance admin API (`cycles-governance-admin-v0.1.25.yaml`):
/// `POST /v1/admin/tenants`, `POST /v1/admin/api-keys`, `POST /v1/admin/budgets` (operator key, `tenant_id`
/// in the body), `POST /v1/admin/budgets/fund` for top-ups, `POST /v1/admin/budgets/freeze` for FROZEN budgets
/// and `PATCH /v1/admin/tenants/{id}` to close a tenant. The admin API has no clock control.
public struct AdminAPIProvisioner: Provisioner {
    private let client: WireClient
    private let adminKey: String

    /// `admin-api`.
    public var name: String { "admin-api" }

    /// Creates a provisioner for the server behind `client`.
    public init(client: WireClient, adminKey: String) {
        self.client = client
        self.adminKey = adminKey
    }

    /// Creates each tenant, one key per tenant and the planned budgets.
    public func provision(_ plan: FixturePlan) async throws -> Fixture {
        var tenants: [ProvisionedTenant] = []
        for tenantPlan in plan.tenants {
            if tenantPlan.budgets.contains(where: { $0.debt > 0 }) {
                throw CheckSkipped("the admin API cannot create a budget that already carries debt")
            }
            if tenantPlan.budgets.contains(where: { $0.status == .closed }) {
                throw CheckSkipped("the admin API cannot create a CLOSED budget without closing its tenant")
            }
            let tenantID = FixtureNaming.tenantID()
            var tenantBody: [String: JSONValue] = [
                "tenant_id": .string(tenantID), "name": .string("Conformance \(tenantID)"),
            ]
            if let maxExtensions = tenantPlan.maxReservationExtensions {
                tenantBody["max_reservation_extensions"] = .integer(Int64(maxExtensions))
            }
            try await expectSuccess(
                .json("POST", "/v1/admin/tenants", .object(tenantBody), headers: adminHeaders), "create tenant")
            let key = try await expectSuccess(
                .json(
                    "POST", "/v1/admin/api-keys",
                    ["tenant_id": .string(tenantID), "name": "conformance"], headers: adminHeaders),
                "create API key")
            guard let secret = key.json?["key_secret"]?.stringValue else {
                throw ProvisioningError(step: "create API key: no key_secret in the answer", exchange: key)
            }
            var scopes: [String] = []
            for budget in tenantPlan.budgets {
                let scope = budget.scope(tenantID: tenantID)
                scopes.append(scope)
                let unit = JSONValue.string(budget.unit.rawValue)
                try await expectSuccess(
                    .json(
                        "POST", "/v1/admin/budgets",
                        [
                            "tenant_id": .string(tenantID), "scope": .string(scope), "unit": unit,
                            "allocated": ["unit": unit, "amount": .integer(budget.allocated)],
                            "overdraft_limit": ["unit": unit, "amount": .integer(budget.overdraftLimit)],
                        ], headers: adminHeaders), "create budget \(scope)")
                if budget.status == .frozen {
                    try await expectSuccess(
                        .json("POST", "/v1/admin/budgets/freeze?" + query(scope, budget.unit, tenantID), [:],
                            headers: adminHeaders), "freeze budget \(scope)")
                }
            }
            tenants.append(ProvisionedTenant(tenantID: tenantID, apiKey: secret, budgetScopes: scopes))
        }
        return Fixture(namespace: nil, tenants: tenants)
    }

    /// Adds `amount` to a budget's allocation (`CREDIT`).
    public func fund(scope: String, unit: BudgetUnit, tenantID: String, amount: Int64) async throws {
        try await expectSuccess(
            .json(
                "POST", "/v1/admin/budgets/fund?" + query(scope, unit, tenantID),
                [
                    "operation": "CREDIT", "amount": ["unit": .string(unit.rawValue), "amount": .integer(amount)],
                    "idempotency_key": .string(FixtureNaming.idempotencyKey("fund")),
                ], headers: adminHeaders), "fund \(scope)")
    }

    /// The admin API has no clock control.
    public func clock(for fixture: Fixture) async throws -> any FixtureClock {
        throw CheckSkipped("the admin API has no clock control")
    }

    /// `PATCH /v1/admin/tenants/{id}` with status CLOSED.
    public func closeTenant(_ tenantID: String, in fixture: Fixture) async throws {
        try await expectSuccess(
            .json("PATCH", "/v1/admin/tenants/\(tenantID)", ["status": "CLOSED"], headers: adminHeaders),
            "close tenant \(tenantID)")
    }

    /// Nothing to clean up: tenants are unique per check.
    public func dispose(_ fixture: Fixture) async {}

    @discardableResult
    private func expectSuccess(_ request: WireRequest, _ step: String) async throws -> WireExchange {
        let answer = try await client.send(request)
        guard (200..<300).contains(answer.status) else { throw ProvisioningError(step: step, exchange: answer) }
        return answer
    }

    private func query(_ scope: String, _ unit: BudgetUnit, _ tenantID: String) -> String {
        "scope=\(FixtureNaming.queryEscape(scope))&unit=\(unit.rawValue)&tenant_id=\(tenantID)"
    }

    private var adminHeaders: [WireHeader] { [WireHeader(CyclesHeader.adminAPIKey, adminKey)] }
}
