public import CyclesProtocol

/// Turns a ``FixturePlan`` into our server's seed document (the JSON of `POST /__cycles/seed`, the same shape
/// as `SeedDocument`), with fresh tenant ids and API keys.
public enum SeedPlanner {
    /// The seed document and the tenants it creates.
    public static func seed(for plan: FixturePlan) -> (document: JSONValue, tenants: [ProvisionedTenant]) {
        var tenants: [ProvisionedTenant] = []
        var tenantDocuments: [JSONValue] = []
        var budgetDocuments: [JSONValue] = []
        for tenantPlan in plan.tenants {
            let tenantID = FixtureNaming.tenantID()
            let apiKey = FixtureNaming.apiKey()
            var tenantDocument: [String: JSONValue] = [
                "tenant_id": .string(tenantID), "name": .string("Conformance \(tenantID)"), "status": "ACTIVE",
                "api_keys": [["key": .string(apiKey), "name": "conformance"]],
            ]
            if let maxExtensions = tenantPlan.maxReservationExtensions {
                tenantDocument["max_reservation_extensions"] = .integer(Int64(maxExtensions))
            }
            tenantDocuments.append(.object(tenantDocument))
            var scopes: [String] = []
            for budget in tenantPlan.budgets {
                let scope = budget.scope(tenantID: tenantID)
                scopes.append(scope)
                var budgetDocument: [String: JSONValue] = [
                    "tenant_id": .string(tenantID), "scope": .string(scope), "unit": .string(budget.unit.rawValue),
                    "allocated": .integer(budget.allocated), "overdraft_limit": .integer(budget.overdraftLimit),
                    "status": .string(budget.status.rawValue),
                ]
                if budget.debt > 0 {
                    // Seeded debt models a past overdraft that was not flagged over-limit (the state in which the
                    // spec's DEBT_OUTSTANDING applies), so the flag is written explicitly.
                    budgetDocument["debt"] = .integer(budget.debt)
                    budgetDocument["is_over_limit"] = false
                }
                budgetDocuments.append(.object(budgetDocument))
            }
            tenants.append(ProvisionedTenant(tenantID: tenantID, apiKey: apiKey, budgetScopes: scopes))
        }
        return (["tenants": .array(tenantDocuments), "budgets": .array(budgetDocuments)], tenants)
    }
}
