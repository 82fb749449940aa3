public import AsyncHTTPClient
public import CyclesProtocol
public import Logging
public import Tracing

/// Everything a ``CyclesClient`` needs: where the server is, the API key, subject defaults, timeouts,
/// the settlement retry policy, logging and the clock.
///
/// Build one in code or read it from the environment with ``fromEnvironment(_:prefix:)``.
public struct CyclesConfig: Sendable {
    /// The server's base URL, for example `http://localhost:7878` (a trailing `/` is ignored).
    public var baseURL: String
    /// The tenant API key, sent as `X-Cycles-API-Key`.
    public var apiKey: String
    /// Subject levels applied wherever a request leaves them unset (`CYCLES_TENANT`, `CYCLES_WORKSPACE`, …).
    public var subjectDefaults: Subject
    /// Bound for establishing a connection (`CYCLES_CONNECT_TIMEOUT`, ms).
    public var connectTimeout: Duration
    /// Bound for receiving the answer once connected (`CYCLES_READ_TIMEOUT`, ms).
    public var readTimeout: Duration
    /// How commit and event settlement retry ambiguous failures.
    public var retry: RetryPolicy
    /// Whether reservations made through ``CyclesClient/reserve(estimate:action:subject:options:)`` and the
    /// helpers built on it keep their lease alive with a heartbeat.
    public var heartbeatEnabled: Bool
    /// Receives a structured event for every heartbeat step (extended, retrying, stopped). Runs on the
    /// heartbeat task; keep it fast.
    public var heartbeatObserver: (@Sendable (HeartbeatEvent) -> Void)?
    /// Where the client logs (swift-log). Request bodies are never logged.
    public var logger: Logger
    /// Time source for retries, heartbeats and latency; replace it in tests.
    public var clock: any CyclesClock
    /// The HTTP client to use; `nil` uses the process-wide `HTTPClient.shared`, which needs no shutdown.
    public var httpClient: HTTPClient?
    /// Responses larger than this are treated as transport failures.
    public var maxResponseBytes: Int
    /// The durable settlement journal (off by default; `CYCLES_JOURNAL_ENABLED`, `CYCLES_JOURNAL_DIR`).
    public var journal = JournalSettings()
    /// Where client spans go (one per protocol call; see `docs/client.md`, "Tracing"). `nil` (the default) uses
    /// `InstrumentationSystem.tracer` at each call, which is a no-op until the application bootstraps a tracer;
    /// set it to give this client its own tracer (tests inject an in-memory one).
    public var tracer: (any Tracer)?

    /// Creates a configuration. Only the base URL and API key are required.
    public init(
        baseURL: String, apiKey: String, subjectDefaults: Subject = Subject(),
        connectTimeout: Duration = .milliseconds(2_000), readTimeout: Duration = .milliseconds(5_000),
        retry: RetryPolicy = RetryPolicy(), heartbeatEnabled: Bool = true,
        heartbeatObserver: (@Sendable (HeartbeatEvent) -> Void)? = nil,
        logger: Logger = Logger(label: "cycles.client"), clock: any CyclesClock = SystemCyclesClock(),
        httpClient: HTTPClient? = nil, maxResponseBytes: Int = 4 * 1024 * 1024
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.subjectDefaults = subjectDefaults
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.retry = retry
        self.heartbeatEnabled = heartbeatEnabled
        self.heartbeatObserver = heartbeatObserver
        self.logger = logger
        self.clock = clock
        self.httpClient = httpClient
        self.maxResponseBytes = maxResponseBytes
    }

    /// Creates a configuration with subject defaults given level by level.
    public init(
        baseURL: String, apiKey: String, tenant: String?, workspace: String? = nil, app: String? = nil,
        workflow: String? = nil, agent: String? = nil, toolset: String? = nil
    ) {
        self.init(
            baseURL: baseURL, apiKey: apiKey,
            subjectDefaults: Subject(
                tenant: tenant, workspace: workspace, app: app, workflow: workflow, agent: agent, toolset: toolset))
    }

    /// The finite upper bound for one complete HTTP attempt (connect + read). Every request gets this deadline,
    /// and the heartbeat uses it as its `request_timeout_budget`.
    public var requestTimeout: Duration { connectTimeout + readTimeout }
}
