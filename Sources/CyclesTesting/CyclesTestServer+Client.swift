public import Cycles
import CyclesProtocol
import CyclesServer

extension CyclesTestServer {
    /// Retries tuned for tests: same semantics as the default policy (same key, backoff, `Retry-After` floor)
    /// but millisecond delays, so a recovery test finishes quickly.
    public static let testRetryPolicy = RetryPolicy(
        maxAttempts: 5, initialDelay: .milliseconds(5), multiplier: 2, maxDelay: .milliseconds(100),
        maxRetryAfter: .seconds(5), jitter: 0)

    /// A client for this server acting with `apiKey`, with `tenant` as its subject default.
    ///
    /// - Parameters:
    ///   - apiKey: the key to send (default: the start seed's first key).
    ///   - tenant: the subject's default tenant (default: the start seed's first tenant).
    ///   - configure: adjusts the configuration (timeouts, heartbeat, retry…) before the client is made.
    public func makeClient(
        apiKey: String? = nil, tenant: String? = nil, configure: (inout CyclesConfig) -> Void = { _ in }
    ) -> CyclesClient {
        var config = Self.clientConfig(
            baseURL: baseURL, apiKey: apiKey ?? self.apiKey, tenant: tenant ?? startSeed.tenants.first?.tenantID)
        configure(&config)
        return CyclesClient(config: config)
    }

    /// The configuration of the test clients: this server, `apiKey`, `tenant` as the subject default, and the
    /// test-speed retry policy.
    static func clientConfig(baseURL: String, apiKey: String?, tenant: String?) -> CyclesConfig {
        CyclesConfig(
            baseURL: baseURL, apiKey: apiKey ?? "", subjectDefaults: Subject(tenant: tenant),
            retry: testRetryPolicy)
    }
}

extension CyclesTestNamespace {
    /// A client acting with this namespace's key and tenant (see `CyclesTestServer.makeClient`).
    public func makeClient(
        baseURL: String, tenant: String? = nil, configure: (inout CyclesConfig) -> Void = { _ in }
    ) -> CyclesClient {
        var config = CyclesTestServer.clientConfig(
            baseURL: baseURL, apiKey: apiKey, tenant: tenant ?? initialSeed?.tenants.first?.tenantID)
        configure(&config)
        return CyclesClient(config: config)
    }
}
