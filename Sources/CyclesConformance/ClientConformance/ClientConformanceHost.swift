import CyclesProtocol
public import CyclesServer
import CyclesTesting
import Foundation
import Hummingbird

/// The reference server in mock mode, in-process on a loopback port, as client mode runs SDKs against it:
/// per-scenario namespaces, fault rules, the request journal, and the wire capture.
public final class ClientConformanceHost: Sendable {
    /// The running server.
    public let server: ReferenceServer
    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { server.baseURL }
    let controls: CyclesMockControlClient
    let capture: WireCapture

    private init(server: ReferenceServer, controls: CyclesMockControlClient, capture: WireCapture) {
        self.server = server
        self.controls = controls
        self.capture = capture
    }

    /// Starts the server on 127.0.0.1, port 0, with an in-memory ledger.
    public static func start() async throws -> ClientConformanceHost {
        let adminKey = "cyc_admin_\(RandomIdentifier.secretHex(byteCount: 16))"
        let capture = WireCapture()
        // The mock controls (namespaces, faults, journal) are what client mode drives, so the mock layer is on.
        let configuration = ReferenceServerConfiguration(
            host: "127.0.0.1", port: 0, databasePath: ":memory:", adminKey: adminKey, mock: true,
            configureRouter: { router, _ in router.add(middleware: WireCaptureMiddleware(capture: capture)) })
        let server = try await ReferenceServer.start(configuration)
        return ClientConformanceHost(
            server: server, controls: CyclesMockControlClient(baseURL: server.baseURL, adminKey: adminKey),
            capture: capture)
    }

    /// Stops the server.
    public func stop() async {
        await server.stop()
    }

    /// A scenario's isolated world on the server.
    struct Stage: Sendable {
        var namespace: String
        var tenant: String
        var apiKey: String
    }

    /// Creates a namespace with one tenant and its budget, arms the faults and starts capturing.
    func prepare(_ scenario: ClientScenario) async throws -> Stage {
        let namespace = try await controls.createNamespace(nil)
        let tenant = "sdk-\(RandomIdentifier.secretHex(byteCount: 4))"
        let apiKey = "cyc_sdk_\(RandomIdentifier.secretHex(byteCount: 12))"
        let seed = SeedDocument(
            tenants: [SeedTenant(tenantID: tenant, name: tenant, status: "ACTIVE", apiKeys: [SeedAPIKey(key: apiKey)])],
            budgets: [
                SeedBudget(
                    tenantID: tenant, scope: "tenant:\(tenant)", unit: .tokens, allocated: scenario.budget.allocated,
                    status: "ACTIVE", caps: scenario.budget.caps)
            ])
        _ = try await controls.seed(seed, namespace: namespace)
        for var rule in scenario.faults {
            rule.match.namespace = namespace
            _ = try await controls.inject(rule)
        }
        capture.open(apiKey: apiKey, rewrites: scenario.rewrites)
        return Stage(namespace: namespace, tenant: tenant, apiKey: apiKey)
    }

    /// Collects the evidence of a finished scenario and removes its namespace and faults.
    func collect(_ stage: Stage, result: JSONValue) async throws -> ClientScenarioEvidence {
        let captured = capture.close(apiKey: stage.apiKey)
        let journal = try await controls.journal(JournalQuery(namespace: stage.namespace))
        let state = try await controls.state(namespace: stage.namespace)
        try? await controls.clearFaults(namespace: stage.namespace)
        try? await controls.deleteNamespace(stage.namespace)
        return ClientScenarioEvidence(
            journal: journal, captured: captured, budget: state.budgets.first { $0.tenantID == stage.tenant },
            reservations: state.reservations, result: result, apiKey: stage.apiKey, tenant: stage.tenant)
    }
}
