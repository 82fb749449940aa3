import CyclesProtocol
public import Cycles
public import CyclesServer
public import Logging

/// An in-process Cycles mock server for tests: real ledger (temporary database), real HTTP on an ephemeral
/// port, a ready `CyclesClient`, and typed helpers for the control API.
///
/// Works from Swift Testing and XCTest alike (this module imports neither):
/// ```swift
/// let server = try await CyclesTestServer.start()
/// defer { Task { await server.stop() } }   // or call `await server.stop()` at the end
/// try await server.inject(.dropResponse(on: .commit))
/// // … drive your agent against server.baseURL with server.apiKey …
/// try await server.assertInvariants()
/// ```
/// The helpers act on the `default` namespace; `makeNamespace` gives a test its own isolated namespace on
/// the same server.
public final class CyclesTestServer: Sendable {
    /// The running server.
    public let server: ReferenceServer
    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { server.baseURL }
    /// The admin key the control API accepts.
    public let adminKey: String
    /// The control API client.
    public let controls: CyclesMockControlClient
    /// The `default` namespace, which holds the seed passed to `start`.
    public let defaultNamespace: CyclesTestNamespace
    /// The seed the server started with.
    public let startSeed: SeedDocument
    /// A ready client acting with the start seed's first key and tenant (test-speed retries; see `makeClient`).
    public let client: CyclesClient
    /// What `nextEvent` and `nextDelivery` already returned (`CyclesTestServer+Events.swift`).
    let awaitedRecords = AwaitedRecords()

    /// The first API key of the start seed (the key tests usually act with).
    public var apiKey: String? { defaultNamespace.apiKey }

    private init(server: ReferenceServer, adminKey: String, seed: SeedDocument) {
        self.server = server
        self.adminKey = adminKey
        self.controls = CyclesMockControlClient(baseURL: server.baseURL, adminKey: adminKey)
        self.defaultNamespace = CyclesTestNamespace(
            name: "default", apiKey: seed.firstAPIKey, controls: controls, initialSeed: seed)
        self.startSeed = seed
        self.client = CyclesClient(
            config: Self.clientConfig(
                baseURL: server.baseURL, apiKey: seed.firstAPIKey, tenant: seed.tenants.first?.tenantID))
    }

    /// Starts a server on `127.0.0.1`, port 0, with a temporary database, loading `seed` into the `default`
    /// namespace.
    ///
    /// - Parameters:
    ///   - seed: tenants, keys and budgets to start with (default: one tenant `test-tenant` with a random key
    ///     and a $1 budget).
    ///   - deterministicIDSeed: makes reservation, event and request ids reproducible.
    ///   - logLevel: the server's log level.
    public static func start(
        seed: SeedDocument = .testing(), deterministicIDSeed: UInt64? = nil, logLevel: Logger.Level = .warning
    ) async throws -> CyclesTestServer {
        let adminKey = "cyc_admin_\(RandomIdentifier.secretHex(byteCount: 16))"
        let configuration = ReferenceServerConfiguration(
            host: "127.0.0.1", port: 0, databasePath: ":memory:", seed: seed, adminKey: adminKey, mock: true,
            logLevel: logLevel, deterministicIDSeed: deterministicIDSeed)
        let server = try await ReferenceServer.start(configuration)
        return CyclesTestServer(server: server, adminKey: adminKey, seed: seed)
    }

    /// Starts a server, runs `body` with it, and stops it afterwards whether `body` returns or throws.
    public static func withRunning<T>(
        seed: SeedDocument = .testing(), deterministicIDSeed: UInt64? = nil,
        _ body: (CyclesTestServer) async throws -> T
    ) async throws -> T {
        let server = try await start(seed: seed, deterministicIDSeed: deterministicIDSeed)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Stops the server gracefully (pending writes finish).
    public func stop() async {
        await server.stop()
    }

    /// Creates an isolated namespace. With a `seed` it is loaded into the namespace; without one a
    /// one-tenant seed with a tenant id unique to the namespace is loaded, and its key is `apiKey`.
    public func makeNamespace(_ name: String? = nil, seed: SeedDocument? = nil) async throws -> CyclesTestNamespace {
        let created = try await controls.createNamespace(name)
        let document = seed ?? .testing(tenantID: "tenant-\(created)")
        try await controls.seed(document, namespace: created)
        return CyclesTestNamespace(
            name: created, apiKey: document.firstAPIKey, controls: controls, initialSeed: document)
    }

    // MARK: - Helpers on the default namespace

    /// Loads more tenants and budgets into the default namespace.
    @discardableResult
    public func seed(_ document: SeedDocument) async throws -> SeedSummary {
        try await defaultNamespace.seed(document)
    }

    /// Moves the default namespace's clock forward; returns after every expiry that fell due has run.
    @discardableResult
    public func advanceClock(by duration: Duration) async throws -> ClockAdvance {
        try await defaultNamespace.advanceClock(by: duration)
    }

    /// Freezes the default namespace's clock at `epochMs` (now when `nil`).
    @discardableResult
    public func freezeClock(at epochMs: Int64? = nil) async throws -> ClockReading {
        try await defaultNamespace.freezeClock(at: epochMs)
    }

    /// Sets the default namespace's clock mode.
    @discardableResult
    public func setClock(_ mode: ClockMode) async throws -> ClockReading {
        try await defaultNamespace.setClock(mode)
    }

    /// The default namespace's clock.
    public func clock() async throws -> ClockReading {
        try await defaultNamespace.clock()
    }

    /// Adds a fault rule (server-wide unless the rule names a namespace).
    @discardableResult
    public func inject(_ fault: FaultRule) async throws -> FaultRule {
        try await controls.inject(fault)
    }

    /// Every fault rule with its counters.
    public func faults() async throws -> [FaultRule] {
        try await controls.faults()
    }

    /// Removes every fault rule.
    public func clearFaults() async throws {
        try await controls.clearFaults()
    }

    /// Journal entries (all namespaces) passing `query`, oldest first.
    public func journal(_ query: JournalQuery = JournalQuery()) async throws -> [JournalEntry] {
        try await controls.journal(query)
    }

    /// The default namespace's ledger state.
    public func state() async throws -> LedgerState {
        try await defaultNamespace.state()
    }

    /// The default namespace's budgets with every ledger field.
    public func balances() async throws -> [LedgerState.Budget] {
        try await defaultNamespace.balances()
    }

    /// Throws `InvariantViolationError` unless every invariant holds in every namespace.
    public func assertInvariants() async throws {
        let violations = try await controls.invariantViolations(namespace: nil)
        guard violations.isEmpty else { throw InvariantViolationError(namespace: nil, violations: violations) }
    }

    /// Resets the default namespace (data, scoped faults, journal, clock) and loads the start seed again.
    public func reset() async throws {
        try await defaultNamespace.reset()
    }
}
