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

    /// At most this many harnesses run at once in this test process.
    ///
    /// Why: the catalogue test alone has one case per check and provisioner (hundreds), each with its own server,
    /// and Swift Testing starts them all together. On a two-core runner that queue made every task hop (each
    /// database read is two) wait behind hundreds of others, until unrelated tests' 7-second client deadlines
    /// expired. Throughput is bound by the cores anyway, so a few harnesses at a time finish the catalogue no later.
    static let gate = ConcurrencyGate(permits: 3)

    /// Starts a harness, runs `body` with it and stops it (also when `body` throws), holding one of `gate`'s permits
    /// throughout.
    static func with<T>(
        _ kind: ProvisionerKind = .controlAPI, _ body: (ConformanceHarness) async throws -> T
    ) async throws -> T {
        try await gate.withPermit {
            let harness = try await start(kind)
            do {
                let value = try await body(harness)
                await harness.stop()
                return value
            } catch {
                await harness.stop()
                throw error
            }
        }
    }

    /// Starts a server on an ephemeral port with an in-memory ledger (outside `gate`: prefer `with`).
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

/// An async counting semaphore: at most `permits` bodies run at once; waiters are admitted first come, first served.
actor ConcurrencyGate {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) { available = permits }

    /// Runs `body` once a permit is free, and frees it afterwards (also when `body` throws).
    nonisolated func withPermit<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            // The permit passes straight to the longest waiter.
            waiters.removeFirst().resume()
        }
    }
}
