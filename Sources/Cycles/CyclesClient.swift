public import CyclesProtocol
import Logging

/// The Cycles runtime client: nine typed endpoint calls plus the lifecycle helpers (``reserve(estimate:action:subject:options:)``,
/// ``withCycles(_:estimate:action:subject:options:isolation:_:)``, streaming reservations).
///
/// A client is cheap to share: it is `Sendable`, holds no mutable state, and by default sends through the
/// process-wide `HTTPClient.shared`, so there is nothing to shut down.
///
/// The low-level calls make exactly one HTTP attempt and never retry (they are primitives); the lifecycle
/// helpers add heartbeats, same-key settlement retries and the expired-commit event fallback.
public final class CyclesClient: Sendable {
    /// The configuration the client was built with.
    public let config: CyclesConfig
    let transport: HTTPTransport

    /// Creates a client.
    public init(config: CyclesConfig) {
        self.config = config
        self.transport = HTTPTransport(config: config)
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
