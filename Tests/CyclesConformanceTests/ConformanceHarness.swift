import CyclesConformance
import CyclesServer

/// An in-process reference server plus a wire client and a provisioner for it, stopped gracefully by `stop()`.
struct ConformanceHarness {
    static let adminKey = "admin-conformance-0123456789"

    let server: ReferenceServer
    let client: WireClient
    let provisioner: any Provisioner

    /// Starts a server on an ephemeral port with an in-memory ledger.
    static func start() async throws -> ConformanceHarness {
        let server = try await ReferenceServer.start(ReferenceServerConfiguration(adminKey: adminKey))
        let client = WireClient(baseURL: server.baseURL)
        return ConformanceHarness(server: server, client: client, provisioner: LedgerProvisioner(ledger: server.ledger))
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
