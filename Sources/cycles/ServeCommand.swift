import ArgumentParser
import CyclesServer
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cycles serve`: runs the reference server until Ctrl-C (or SIGTERM), then shuts down gracefully.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run a Cycles reference server backed by SQLite.")

    @Option(help: "Interface to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0 picks a free port and prints it).")
    var port = 7878

    @Option(help: "SQLite file; ':memory:' keeps nothing after exit.")
    var database = ":memory:"

    @Option(help: "Seed JSON file (tenants, API keys, budgets, admin key). Default: an embedded demo seed.")
    var seed: String?

    @Option(help: "Accept this X-Admin-API-Key on list, get and release.")
    var adminKey: String?

    @Flag(help: "Enable the mock layer: the /__cycles control API and faults (both need the admin key), and the request journal.")
    var mock = false

    @Option(help: "trace, debug, info (logs every request), notice, warning, error or critical.")
    var logLevel = "warning"

    @Flag(help: "Serve GET /metrics in Prometheus text format (needs the admin key: X-Admin-API-Key or Authorization: Bearer).")
    var metrics = false

    @Option(help: "With --metrics: budgets that get per-scope gauges of their own, worst first; the rest are summed under __other__.")
    var metricsScopeLimit = ServerMetrics.defaultScopeLimit

    // Spelled out: ArgumentParser would derive `--seed-i-ds` from `seedIDs`.
    @Option(name: .customLong("seed-ids"), help: "Make reservation, event and request ids reproducible from this seed.")
    var seedIDs: UInt64?

    /// Flag errors found here are reported with `serve`'s own usage (errors thrown from `run()` would show the
    /// top-level `cycles` usage instead).
    func validate() throws {
        guard metricsScopeLimit >= 0 else { throw ValidationError("--metrics-scope-limit must be 0 or more") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        let document: SeedDocument
        if let seed {
            do {
                document = try SeedDocument.load(contentsOf: seed)
            } catch let error as SeedError {
                throw StartupError("invalid seed \(seed): \(error)")
            }
        } else {
            document = .demo
        }
        let server: ReferenceServer
        do {
            server = try await ReferenceServer.start(
                .init(
                    host: host, port: port, databasePath: database, seed: document, adminKey: adminKey,
                    mock: mock, logLevel: level, deterministicIDSeed: seedIDs, metrics: metrics,
                    metricsScopeLimit: metricsScopeLimit))
        } catch let error as LedgerError {
            throw StartupError("cannot apply seed\(seed.map { " \($0)" } ?? ""): \(error.message)")
        } catch let error as ServerStartError {
            throw StartupError(error.message)
        }
        print("Cycles server listening on \(server.baseURL)")
        if seed != nil {
            print("Seeded \(document.tenants.count) tenant(s) and \(document.budgets.count) budget(s) from \(seed ?? "")")
        }
        // With a seed as without one: the first tenant that has a key, so the printed `curl` works as it is.
        func usableKey(_ tenant: SeedTenant) -> SeedAPIKey? { tenant.apiKeys.first { $0.status != "REVOKED" } }
        if let tenant = document.tenants.first(where: { usableKey($0) != nil }), let key = usableKey(tenant) {
            print("\(seed == nil ? "Demo tenant" : "Tenant"): \(tenant.tenantID)   API key: \(key.key)")
            if let admin = adminKey ?? document.adminKey { print("Admin key: \(admin)") }
            print("Try: curl -s '\(server.baseURL)/v1/balances?tenant=\(tenant.tenantID)' -H 'X-Cycles-API-Key: \(key.key)'")
        }
        if metrics, let admin = adminKey ?? document.adminKey {
            print("Metrics: curl -s '\(server.baseURL)/metrics' -H 'Authorization: Bearer \(admin)'")
        }
        print("Press Ctrl-C to stop.")
        // Flush now so the URL and key appear immediately even when stdout is a pipe or a file.
        fflush(nil)
        await Self.waitForTerminationSignal()
        print("Shutting down…")
        await server.stop()
    }

    /// Suspends until SIGINT or SIGTERM arrives. The signals are turned into a stream so the server can stop
    /// gracefully (in-flight writes commit) instead of the process dying mid-transaction.
    static func waitForTerminationSignal() async {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        SignalRelay.install(continuation)
        for await _ in stream { break }
    }
}

/// A start-up failure of `serve`: printed as `Error: …` without a usage text, because the flags were fine.
struct StartupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
