import ArgumentParser
import CyclesProtocol
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

    @Flag(
        inversion: .prefixedNo,
        help: "Serve the live dashboard at /dashboard (needs the admin key; --no-dashboard serves only the API).")
    var dashboard = true

    @Option(help: "trace, debug, info (logs every request), notice, warning, error or critical.")
    var logLevel = "warning"

    @Flag(help: "Serve GET /metrics in Prometheus text format (needs the admin key: X-Admin-API-Key or Authorization: Bearer).")
    var metrics = false

    @Option(help: "With --metrics: budgets that get per-scope gauges of their own, worst first; the rest are summed under __other__.")
    var metricsScopeLimit = ServerMetrics.defaultScopeLimit

    // Spelled out: ArgumentParser would derive `--seed-i-ds` from `seedIDs`.
    @Option(name: .customLong("seed-ids"), help: "Make reservation, event and request ids reproducible from this seed.")
    var seedIDs: UInt64?

    @Option(help: "Keep idempotent answers this long (and always until their replay window closes); e.g. 24h. Default 24h, minimum 24h.")
    var retentionIdempotency: String?

    @Option(help: "Keep committed, released and expired reservations (and direct-debit charges) this long after they end. Default 30d, minimum 24h.")
    var retentionReservations: String?

    @Option(help: "Keep events this long (never while a delivery of them is pending). Default 90d, minimum 24h; follows --retention-audit when only that is given.")
    var retentionEvents: String?

    @Option(help: "Keep finished webhook deliveries this long. Default 14d, minimum 24h.")
    var retentionDeliveries: String?

    @Option(help: "Keep audit log entries this long. Default 90d, minimum 24h; follows --retention-events when only that is given.")
    var retentionAudit: String?

    @Option(help: "How often the retention purge runs, e.g. 60s (default).")
    var retentionInterval = "60s"

    /// Flag errors found here are reported with `serve`'s own usage (errors thrown from `run()` would show the
    /// top-level `cycles` usage instead).
    func validate() throws {
        guard metricsScopeLimit >= 0 else { throw ValidationError("--metrics-scope-limit must be 0 or more") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        _ = try retentionSettings()
    }

    /// The retention policy and purge interval the flags ask for; a malformed duration or a policy the server
    /// refuses (below a minimum, events and audit differing) is a usage error naming the flag.
    func retentionSettings() throws -> (policy: RetentionPolicy, interval: Duration) {
        func parse(_ text: String?, _ flag: String) throws -> Int64? {
            guard let text else { return nil }
            guard let ms = RetentionPolicy.parseDuration(text) else {
                throw ValidationError("\(flag) '\(text)': expected a positive duration such as 90s, 15m, 24h or 30d")
            }
            return ms
        }
        var policy = RetentionPolicy.defaults
        if let ms = try parse(retentionIdempotency, "--retention-idempotency") { policy.idempotencyMs = ms }
        if let ms = try parse(retentionReservations, "--retention-reservations") { policy.reservationsMs = ms }
        if let ms = try parse(retentionDeliveries, "--retention-deliveries") { policy.deliveriesMs = ms }
        // Events follow the audit log's retention (the admin spec), so either flag alone sets both.
        let events = try parse(retentionEvents, "--retention-events")
        let audit = try parse(retentionAudit, "--retention-audit")
        if let value = events ?? audit {
            policy.eventsMs = events ?? value
            policy.auditMs = audit ?? value
        }
        do {
            try policy.validate()
        } catch {
            throw ValidationError(error.message)
        }
        guard let interval = try parse(retentionInterval, "--retention-interval") else {
            throw ValidationError("--retention-interval must be given")
        }
        return (policy, .milliseconds(interval))
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
        let retention = try retentionSettings()
        let server: ReferenceServer
        do {
            server = try await ReferenceServer.start(
                .init(
                    host: host, port: port, databasePath: database, seed: document, adminKey: adminKey,
                    mock: mock, dashboard: dashboard, logLevel: level, deterministicIDSeed: seedIDs,
                    retention: retention.policy, retentionInterval: retention.interval, metrics: metrics,
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
        if dashboard, let admin = adminKey ?? document.adminKey {
            // Under --mock (a local, throw-away server) the link logs straight in: the key rides in the fragment,
            // which the browser never sends; the page posts it once and drops it from the address bar.
            print(
                mock
                    ? "Dashboard: \(server.baseURL)/dashboard/login#key=\(PercentEncoding.encode(admin))"
                    : "Dashboard: \(server.baseURL)/dashboard (log in with the admin key)")
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
