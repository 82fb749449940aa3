import CyclesProtocol

public import Foundation

/// The seed file of `cycles serve --seed` and `POST /__cycles/seed`: tenants with their API keys, budgets, and an
/// optional admin key. Field names follow the governance spec's Tenant and Budget schemas (snake_case on the wire).
public struct SeedDocument: Codable, Sendable, Hashable {
    /// Tenants to create (or update, when re-seeded into the same namespace).
    public var tenants: [SeedTenant]
    /// Budgets to create; each belongs to one of the seeded (or existing) tenants.
    public var budgets: [SeedBudget]
    /// An operator key accepted as `X-Admin-API-Key` on list, get and release.
    public var adminKey: String?

    /// Creates a seed document.
    public init(tenants: [SeedTenant] = [], budgets: [SeedBudget] = [], adminKey: String? = nil) {
        self.tenants = tenants
        self.budgets = budgets
        self.adminKey = adminKey
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tenants, budgets
        case adminKey = "admin_key"
    }

    /// Reads and strictly validates a seed file. Errors name the file, the JSON path inside it and the reason.
    public static func load(contentsOf path: String) throws -> SeedDocument {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SeedError(source: path, path: "$", reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(data, source: path)
    }

    /// Strictly validates seed JSON. `source` names the origin (a file path, or e.g. `"request body"`) in errors.
    public static func parse(_ data: Data, source: String = "seed") throws -> SeedDocument {
        let value: JSONValue
        do {
            value = try CyclesJSON.decode(JSONValue.self, from: data)
        } catch {
            throw SeedError(source: source, path: "$", reason: "not valid JSON")
        }
        return try SeedParser(source: source).document(value)
    }

    /// The embedded demo seed `cycles serve` uses when no `--seed` is given.
    public static let demo = SeedDocument(
        tenants: [
            SeedTenant(
                tenantID: "demo", name: "Demo tenant",
                apiKeys: [SeedAPIKey(key: "cyc_test_demo_0123456789abcdef0123456789", name: "demo")])
        ],
        budgets: [
            SeedBudget(tenantID: "demo", scope: "tenant:demo", unit: .usdMicrocents, allocated: 1_000_000_000),
            SeedBudget(tenantID: "demo", scope: "tenant:demo", unit: .tokens, allocated: 10_000_000),
            SeedBudget(
                tenantID: "demo", scope: "tenant:demo/agent:assistant", unit: .usdMicrocents, allocated: 100_000_000),
        ],
        adminKey: "admin_demo_0123456789abcdef")
}
