public import CyclesProtocol
import Logging

/// The Cycles runtime client: nine typed endpoint calls plus the lifecycle helpers (``reserve(estimate:action:subject:options:)``,
/// ``withCycles(_:estimate:action:subject:options:isolation:_:)``, streaming reservations).
///
/// A client is cheap to share: it is `Sendable`, its only mutable state is the set of journal replays it runs,
/// and by default it sends through the process-wide `HTTPClient.shared`, so there is nothing to shut down
/// (with a journal, ``flushPendingCommits(timeout:)`` lets a graceful shutdown wait for replays).
///
/// With ``CyclesConfig/journal`` enabled, the lifecycle helpers settle durably: see ``SettlementJournal``.
///
/// The low-level calls make exactly one HTTP attempt and never retry (they are primitives); the lifecycle
/// helpers add heartbeats, same-key settlement retries and the expired-commit event fallback.
public final class CyclesClient: Sendable {
    /// The configuration the client was built with.
    public let config: CyclesConfig
    let transport: HTTPTransport
    /// The durable settlement journal of this client's identity, when ``CyclesConfig/journal`` enables it.
    let journal: SettlementJournal?
    /// Journal replays running in the background (awaited by ``flushPendingCommits(timeout:)``).
    let replays = ReplayTracker()

    /// Creates a client. With the journal enabled (and retries on), the records this identity left behind are
    /// replayed in the background, once per journal directory per process.
    public init(config: CyclesConfig) {
        self.config = config
        self.transport = HTTPTransport(config: config)
        self.journal = config.journal.isEnabled
            ? SettlementJournal(
                root: config.journal.directory, baseURL: config.baseURL, apiKey: config.apiKey,
                tenant: config.subjectDefaults.tenant)
            : nil
        if let journal, config.journal.replayOnStart, config.retry.isEnabled, ReplayTracker.claim(journal.directory) {
            startReplay()
        }
    }

    /// Creates a client from a base URL and API key with default settings.
    public convenience init(baseURL: String, apiKey: String) {
        self.init(config: CyclesConfig(baseURL: baseURL, apiKey: apiKey))
    }

    /// Creates a client from the `CYCLES_*` environment variables (see ``CyclesConfig/fromEnvironment(_:prefix:)``).
    public static func fromEnvironment() throws(CyclesConfigurationError) -> CyclesClient {
        CyclesClient(config: try CyclesConfig.fromEnvironment())
    }

    /// `subject` with every level it leaves unset taken from the configured defaults.
    public func resolvedSubject(_ subject: Subject?) -> Subject {
        (subject ?? Subject()).filling(from: config.subjectDefaults)
    }

    var logger: Logger { config.logger }
}
