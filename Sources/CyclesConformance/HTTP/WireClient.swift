import AsyncHTTPClient
import CyclesProtocol
import NIOCore
import NIOHTTP1

/// Sends ``WireRequest``s byte for byte over AsyncHTTPClient and records the full answer.
///
/// The kit owns its `HTTPClient` (rather than `HTTPClient.shared`) so it can raise the per-host connection
/// limit: a stampede of 40 reserves must really be 40 requests in flight, not 8 connections taking turns.
public final class WireClient: Sendable {
    private let client: HTTPClient
    /// The base URL every request path is appended to.
    public let baseURL: String
    /// The longest a single request may take.
    public let requestTimeout: Duration

    /// Creates a client for `baseURL` (no trailing slash needed).
    public init(baseURL: String, maxConnections: Int = 64, requestTimeout: Duration = .seconds(30)) {
        var trimmed = baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.baseURL = trimmed
        self.requestTimeout = requestTimeout
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maxConnections
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends `request` and returns what came back. Throws only on transport failure (no HTTP answer).
    public func send(_ request: WireRequest) async throws -> WireExchange {
        var outgoing = HTTPClientRequest(url: baseURL + request.path)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(string: body))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let timeout = TimeAmount.milliseconds(Int64(requestTimeout.components.seconds * 1000))
        let response = try await client.execute(outgoing, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let elapsed = clock.now - start
        let milliseconds = elapsed.wholeMilliseconds
        return WireExchange(
            baseURL: baseURL, request: request, status: Int(response.status.code),
            headers: response.headers.map { WireHeader($0.name, $0.value) },
            body: String(buffer: buffer), durationMs: milliseconds)
    }

    /// Closes connections. Call once when the run is over.
    public func shutdown() async {
        try? await client.shutdown()
    }
}
