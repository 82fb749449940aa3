import CyclesProtocol
import CyclesServer
import CyclesTesting

/// Shared set-up: a fresh in-process server per test (port 0, temporary database), so tests run in parallel.
enum TestFixtures {
    static let tenant = "acme"
    static let apiKey = "cyc_test_acme_0123456789abcdef"

    static func seed(tenant: String = tenant, apiKey: String = apiKey, allocated: Int64 = 1_000_000) -> SeedDocument {
        .testing(tenantID: tenant, apiKey: apiKey, allocated: allocated)
    }

    /// Runs `body` with a started server and stops it afterwards, whether `body` throws or not.
    static func withServer<T: Sendable>(
        seed: SeedDocument = seed(), deterministicIDSeed: UInt64? = nil,
        _ body: (CyclesTestServer, RuntimeCaller) async throws -> T
    ) async throws -> T {
        let server = try await CyclesTestServer.start(seed: seed, deterministicIDSeed: deterministicIDSeed)
        let caller = RuntimeCaller(baseURL: server.baseURL, apiKey: seed.firstAPIKey, adminKey: server.adminKey)
        do {
            let result = try await body(server, caller)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}
