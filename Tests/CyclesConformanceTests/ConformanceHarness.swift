import CyclesConformance
import CyclesServer

/// An in-process reference server plus a wire client and a provisioner for it, stopped gracefully by `stop()`.
struct ConformanceHarness {
    static let adminKey = "admin-conformance-0123456789"

    /// How fixtures reach the server: over HTTP through the `/__cycles` control API (what the CLI uses), straight
    /// into the ledger, or only through the governance admin API against a server without the mock layer (the path
    /// the owner of a foreign server takes).
    enum ProvisionerKind: String, CaseIterable, Sendable {
        case controlAPI
        case ledger
        case adminAPI
    }

    let server: ReferenceServer
    let client: WireClient
    let provisioner: any Provisioner

    /// Starts a server on an ephemeral port with an in-memory ledger.
    static func start(_ kind: ProvisionerKind = .controlAPI) async throws -> ConformanceHarness {
        let server = try await ReferenceServer.start(ReferenceServerConfiguration(adminKey: adminKey, mock: kind != .adminAPI))
        let client = WireClient(baseURL: server.baseURL)
        let provisioner: any Provisioner =
            switch kind {
            case .controlAPI: ControlAPIProvisioner(client: client, adminKey: adminKey)
            case .ledger: LedgerProvisioner(ledger: server.ledger)
            case .adminAPI: AdminAPIProvisioner(client: client, adminKey: adminKey)
            }
        return ConformanceHarness(server: server, client: client, provisioner: provisioner)
    }

    /// A runner that never sleeps in real time (time moves only through the namespace clocks).
    func runner(client: WireClient? = nil, expectedFailures: ExpectedFailures = ExpectedFailures()) -> ConformanceRunner {
        ConformanceRunner(
            client: client ?? self.client, provisioner: provisioner,
            options: RunOptions(adminKey: Self.adminKey, allowsRealTimeWaits: false, seed: 20_260_401, parallelism: 4),
            expectedFailures: expectedFailures)
    }

    func stop() async {
        await client.shutdown()
        await server.stop()
    }
}
