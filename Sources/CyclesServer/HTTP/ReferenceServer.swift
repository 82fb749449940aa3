import CyclesProtocol
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Cycles reference server: the runtime API over HTTP (Hummingbird 2) on top of a `Ledger`, startable in-process
/// with one call and stoppable gracefully.
public final class ReferenceServer: Sendable {
    /// The bound port.
    public let port: Int
    /// `http://<host>:<port>`.
    public let baseURL: String
    /// The engine behind the server, usable directly (no socket).
    public let ledger: Ledger
    /// This server's own metrics (`/metrics`), when `ReferenceServerConfiguration.metrics` is on.
    public let metrics: ServerMetrics?
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let sweeper: Task<Void, Never>
    /// Sends the webhook outbox (`WebhookDispatcher`).
    private let dispatcher: Task<Void, Never>
    /// Purges what the retention policy lets go (`Ledger.purgeExpiredRecords`).
    private let retention: Task<Void, Never>
    /// The `/dashboard` routes, when on; stopping the server ends their open streams.
    private let dashboard: Dashboard?
    private let stopped = Mutex(false)

    private init(
        port: Int, host: String, ledger: Ledger, metrics: ServerMetrics?, serviceGroup: ServiceGroup,
        runTask: Task<Void, any Error>, sweeper: Task<Void, Never>, dispatcher: Task<Void, Never>,
        retention: Task<Void, Never>, dashboard: Dashboard?
    ) {
        self.port = port
        self.baseURL = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        self.ledger = ledger
        self.metrics = metrics
        self.serviceGroup = serviceGroup
        self.runTask = runTask
        self.sweeper = sweeper
        self.dispatcher = dispatcher
        self.retention = retention
        self.dashboard = dashboard
    }

    /// Opens the ledger, applies the seed, binds the socket and starts the expiry sweeper. Returns once the server
    /// accepts connections.
    public static func start(_ configuration: ReferenceServerConfiguration = .init()) async throws -> ReferenceServer {
        var logger = Logger(label: "cycles-server")
        logger.logLevel = configuration.logLevel
        do {
            try configuration.retention.validate()
        } catch {
            throw ServerStartError(message: error.message)
        }
        let ledger = try Ledger(
            databasePath: configuration.databasePath, adminKey: configuration.adminKey,
            deterministicIDSeed: configuration.deterministicIDSeed)
        try ledger.setRetention(configuration.retention)
        if let seed = configuration.seed {
            // Budgets that survive in a persistent database keep their state across restarts.
            try await ledger.applySeed(seed, namespace: Ledger.defaultNamespace, keepExistingBudgets: true)
        }

        // One registry per server (never the global MetricsSystem): in-process servers never mix their counts.
        let metrics = configuration.metrics ? ServerMetrics(scopeLimit: configuration.metricsScopeLimit) : nil
        let exchange = HTTPExchange(
            ledger: ledger, maximumBodySize: configuration.maximumBodySize, metrics: metrics)
        let router = Router()
        // Every request (method and path, never headers, so keys stay out of logs) at `info`: `--log-level info`
        // shows the traffic. Added only when it would log, so the default `warning` costs the hot path nothing.
        if configuration.logLevel <= .info { router.add(middleware: LogRequestsMiddleware(.info)) }
        router.add(middleware: ProtocolErrorMiddleware(exchange: exchange))
        // Mock controls (opt-in): the `/__cycles` routes, and fault injection + journal around the runtime routes.
        // Without `mock` neither exists, so `/__cycles` is a 404 and the fault header is an ordinary unknown header.
        let controls = configuration.mock ? MockControls(hooks: MockLedgerHooks(ledger: ledger)) : nil
        if let controls {
            // Offline development delivers webhooks to loopback HTTP receivers (until an operator PUTs a config).
            ledger.useDevelopmentWebhookSecurityDefaults()
            MockControlRoutes.register(on: router, ledger: ledger, controls: controls)
        }
        // The dashboard shares the mock's journal and fault rules, so it shows what the control API sees.
        let dashboard = configuration.dashboard ? Dashboard(ledger: ledger, controls: controls) : nil
        dashboard?.addRoutes(to: router)
        configuration.configureRouter?(router, ledger)
        RuntimeRoutes.register(on: router, exchange: exchange)
        AdminRoutes.register(on: router, exchange: exchange)
        if let metrics { MetricsRoutes.register(on: router, exchange: exchange, metrics: metrics) }

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router,
            // Lets the fault middleware close a connection without writing an answer (drop faults).
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionDropHandler()])),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "cycles-server"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? -1)
                portContinuation.finish()
            },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            defer { portContinuation.finish() }
            try await serviceGroup.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await serviceGroup.triggerGracefulShutdown()
            _ = await runTask.result
            try? ledger.close()
            let address = "\(configuration.host):\(configuration.port)"
            if case .failure(let error) = await runTask.result {
                if let io = error as? IOError, io.errnoCode == EADDRINUSE {
                    throw ServerStartError(
                        message: "cannot listen on \(address): the port is already in use (another `cycles serve`?); "
                            + "stop it, or choose another port with --port (--port 0 picks a free one)")
                }
                throw ServerStartError(message: "cannot listen on \(address): \(error)")
            }
            throw ServerStartError(message: "the server did not bind \(address)")
        }
        let interval = configuration.sweepInterval
        let sweepLogger = logger
        let sweeper = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                do {
                    try await ledger.sweepAllNamespaces()
                } catch is CancellationError {
                    // stop() cancels the sweeper; GRDB then rolls the sweep back or never starts it. Not a failure.
                    break
                } catch {
                    sweepLogger.warning("expiry sweep failed: \(error)")
                }
            }
        }
        // The outbox is read when `OutboxWatch` says it may hold due work: a committed event's deliveries are sent
        // within about 50 ms, and the retry schedule follows the default namespace's clock (a frozen `--mock` clock
        // holds retries until it is advanced).
        let webhooks = WebhookDispatcher(ledger: ledger, logger: logger, metrics: metrics)
        let dispatcher = Task {
            while !Task.isCancelled {
                var sent = 0
                do {
                    if ledger.outboxWatch.shouldPoll(clockMs: ledger.now(namespace: Ledger.defaultNamespace)) {
                        sent = try await webhooks.runOnce()
                    }
                } catch is CancellationError {
                    break
                } catch {
                    sweepLogger.warning("webhook dispatch failed: \(error)")
                }
                if sent == 0 { try? await Task.sleep(for: .milliseconds(50)) }
            }
        }
        // Retention: every `retentionInterval`, a purge in short batches (each its own write transaction, so requests
        // interleave with it). Driven by the ledger clock, so under `--mock` an advanced clock makes records due.
        let retentionInterval = configuration.retentionInterval
        let retention = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: retentionInterval)
                if Task.isCancelled { break }
                do {
                    let report = try await ledger.purgeExpiredRecords()
                    if report.total > 0 {
                        sweepLogger.info(
                            "retention purged \(report.total) rows in \(report.batches) batches (longest \(report.longestBatchMs) ms)")
                    }
                } catch is CancellationError {
                    break
                } catch {
                    sweepLogger.warning("retention purge failed: \(error)")
                }
            }
        }
        return ReferenceServer(
            port: port, host: configuration.host, ledger: ledger, metrics: metrics, serviceGroup: serviceGroup,
            runTask: runTask, sweeper: sweeper, dispatcher: dispatcher, retention: retention, dashboard: dashboard)
    }

    /// Stops accepting connections, lets in-flight requests finish (their writes commit), stops the sweeper and
    /// closes the database. Safe to call more than once.
    public func stop() async {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        // An open dashboard stream is a response in progress: graceful shutdown would wait for it forever.
        dashboard?.close()
        await serviceGroup.triggerGracefulShutdown()
        _ = await runTask.result
        sweeper.cancel()
        _ = await sweeper.value
        dispatcher.cancel()
        _ = await dispatcher.value
        retention.cancel()
        _ = await retention.value
        try? ledger.close()
    }

    /// Runs until the task is cancelled or `stop()` is called (used by `cycles serve`).
    public func waitUntilStopped() async {
        _ = await runTask.result
    }
}

/// The server could not start.
public struct ServerStartError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public var message: String
    /// The message.
    public var description: String { message }
}
