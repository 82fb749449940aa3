public import CyclesProtocol
public import CyclesServer

extension SeedDocument {
    /// A one-tenant seed for tests: tenant `tenantID` with one API key and one tenant-level budget.
    ///
    /// Tenant ids are unique across namespaces, so tests that share a server should pass distinct ids
    /// (`CyclesTestServer.makeNamespace` does this for you).
    public static func testing(
        tenantID: String = "test-tenant", apiKey: String? = nil, allocated: Int64 = 100_000_000,
        unit: BudgetUnit = .usdMicrocents, commitOveragePolicy: CommitOveragePolicy? = nil,
        overdraftLimit: Int64? = nil
    ) -> SeedDocument {
        let key = apiKey ?? "cyc_test_\(RandomIdentifier.secretHex(byteCount: 12))"
        return SeedDocument(
            tenants: [
                SeedTenant(tenantID: tenantID, name: tenantID, status: "ACTIVE", apiKeys: [SeedAPIKey(key: key, name: "test")])
            ],
            budgets: [
                SeedBudget(
                    tenantID: tenantID, scope: "tenant:\(tenantID)", unit: unit, allocated: allocated,
                    overdraftLimit: overdraftLimit, commitOveragePolicy: commitOveragePolicy, status: "ACTIVE")
            ])
    }

    /// The first API key of the first tenant, if any: the key tests usually act with.
    public var firstAPIKey: String? {
        tenants.lazy.flatMap(\.apiKeys).first?.key
    }
}
