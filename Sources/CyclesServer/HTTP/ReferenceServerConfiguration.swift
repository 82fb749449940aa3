public import Hummingbird
public import Logging

/// Everything `ReferenceServer.start` needs. Every parameter has a default, so `.init()` is a working server on an
/// ephemeral loopback port with an empty in-memory ledger.
public struct ReferenceServerConfiguration: Sendable {
    /// Interface to bind (default `127.0.0.1`).
    public var host: String
    /// Port to bind; 0 picks a free one (default).
    public var port: Int
    /// SQLite file, or `:memory:` (default) for a throw-away database.
    public var databasePath: String
    /// Applied at start into namespace `default`.
    public var seed: SeedDocument?
    /// Accepted as `X-Admin-API-Key` (the seed's `admin_key` also counts).
    public var adminKey: String?
    /// Turns the mock layer on: the `/__cycles` control API, fault rules, `X-Cycles-Mock-Fault` and the request
    /// journal (`cycles serve --mock`; `CyclesTestServer` always sets it). Off by default, so an admin key means
    /// "operator" and nothing a caller sends can inject a fault. Even when on, the control API and the fault header
    /// need the admin key.
    public var mock: Bool
    /// Serves the live dashboard at `/dashboard` (default on). It answers only while an admin key is configured, and
    /// only to a browser that logged in with it; turn it off to serve nothing but the API (`--no-dashboard`).
    public var dashboard: Bool
    /// Server log level (default `.warning`).
    public var logLevel: Logger.Level
    /// How often the background sweeper expires stale reservations (default 1 s).
    public var sweepInterval: Duration
    /// Makes reservation, event and request ids reproducible (`--seed-ids N`).
    public var deterministicIDSeed: UInt64?
    /// Largest accepted request body in bytes (default 1 MiB); larger bodies get 400 INVALID_REQUEST.
    public var maximumBodySize: Int
    /// How long each kind of record is kept (`RetentionPolicy`; default `.defaults`). Checked at start: a value below
    /// its minimum, or events and audit differing, fails the start.
    public var retention: RetentionPolicy
    /// How often the background retention task purges (default 60 s; each purge runs in short batches).
    public var retentionInterval: Duration
    /// Serves `GET /metrics` (Prometheus text format, admin key required; `cycles serve --metrics`). Off by default.
    public var metrics: Bool
    /// With `metrics`: how many budgets get per-scope gauge series of their own (the rest are summed per unit under
    /// `__other__`), which bounds the gauges' cardinality. Default `ServerMetrics.defaultScopeLimit` (100).
    public var metricsScopeLimit: Int
    /// Called with the router before the runtime routes are registered, so extra routes (the mock's `/__cycles`
    /// controls) can be added, and middleware added here wraps the runtime routes too.
    public var configureRouter: (@Sendable (Router<BasicRequestContext>, Ledger) -> Void)?

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 0, databasePath: String = ":memory:", seed: SeedDocument? = nil,
        adminKey: String? = nil, mock: Bool = false, dashboard: Bool = true, logLevel: Logger.Level = .warning,
        sweepInterval: Duration = .seconds(1), deterministicIDSeed: UInt64? = nil, maximumBodySize: Int = 1 << 20,
        retention: RetentionPolicy = .defaults, retentionInterval: Duration = .seconds(60), metrics: Bool = false,
        metricsScopeLimit: Int = ServerMetrics.defaultScopeLimit,
        configureRouter: (@Sendable (Router<BasicRequestContext>, Ledger) -> Void)? = nil
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.seed = seed
        self.adminKey = adminKey
        self.mock = mock
        self.dashboard = dashboard
        self.logLevel = logLevel
        self.sweepInterval = sweepInterval
        self.deterministicIDSeed = deterministicIDSeed
        self.maximumBodySize = maximumBodySize
        self.retention = retention
        self.retentionInterval = retentionInterval
        self.metrics = metrics
        self.metricsScopeLimit = metricsScopeLimit
        self.configureRouter = configureRouter
    }
}
