import AsyncHTTPClient
import CyclesProtocol
import Crypto
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

import Foundation

/// Sends the outbox: every due delivery is POSTed to its subscription's URL with the spec's headers, and the attempt
/// is recorded (success, a retry on the subscription's `WebhookRetryPolicy`, or final failure). Deliveries live in
/// the ledger, so what is not yet delivered when the process stops is sent after the next start.
///
/// The body is the event's stored JSON, byte for byte; `X-Cycles-Signature` is `sha256=` and the lowercase hex
/// HMAC-SHA256 of exactly those bytes keyed by the subscription's signing secret. Before each POST the host's
/// addresses are checked against the security config's blocked ranges (resolving DNS names then, not at create,
/// so a name re-pointed at a private address is still refused), the connection goes to the address checked, and
/// redirects are never followed.
final class WebhookDispatcher: Sendable {
    let ledger: Ledger
    let logger: Logger
    /// Deliveries sent concurrently per pass.
    let batchSize = 16
    /// Per-attempt timeout.
    let timeout: TimeAmount = .seconds(10)

    /// Counts attempts by outcome (`/metrics`), when metrics are on.
    let metrics: ServerMetrics?

    init(ledger: Ledger, logger: Logger, metrics: ServerMetrics? = nil) {
        self.ledger = ledger
        self.logger = logger
        self.metrics = metrics
    }

    /// Sends everything due now; returns how many attempts were made.
    @discardableResult
    func runOnce() async throws -> Int {
        let due = try await ledger.dueDeliveries(limit: batchSize)
        guard !due.isEmpty else { return 0 }
        let policy = WebhookURLPolicy(config: try await ledger.webhookSecurityConfig())
        await withTaskGroup(of: Void.self) { group in
            for delivery in due {
                group.addTask {
                    let outcome = await self.attempt(delivery, policy: policy)
                    self.metrics?.recordWebhookAttempt(succeeded: outcome.succeeded)
                    do {
                        try await self.ledger.recordDeliveryAttempt(delivery, outcome)
                    } catch {
                        self.logger.warning("webhook delivery \(delivery.deliveryID): recording failed: \(error)")
                    }
                }
            }
        }
        return due.count
    }

    /// Sends a `/test` probe once (no retry, nothing recorded) and answers what the endpoint did.
    func test(_ probe: Ledger.DueDelivery) async throws -> WebhookTestResponse {
        let policy = WebhookURLPolicy(config: try await ledger.webhookSecurityConfig())
        let outcome = await attempt(probe, policy: policy)
        return WebhookTestResponse(
            success: outcome.succeeded, responseStatus: outcome.responseStatus, responseTimeMs: outcome.responseTimeMs,
            errorMessage: outcome.error, eventID: probe.eventID)
    }

    /// The headers of one delivery.
    static func headers(for delivery: Ledger.DueDelivery, body: [UInt8]) -> [(String, String)] {
        var headers = delivery.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        headers += [
            ("Content-Type", "application/json"),
            ("User-Agent", "cycles-server-webhooks"),
            (CyclesHeader.webhookEventID, delivery.eventID),
            (CyclesHeader.webhookEventType, delivery.eventType),
            (CyclesHeader.webhookDeliveryID, delivery.deliveryID),
            (CyclesHeader.traceID, delivery.traceID),
            (CyclesHeader.traceparent, TraceContext.makeTraceparent(traceID: delivery.traceID, flags: delivery.traceFlags)),
            (CyclesHeader.webhookSignature, signature(body: body, secret: delivery.secret)),
        ]
        return headers
    }

    /// `sha256=<hex HMAC-SHA256(body, secret)>`.
    static func signature(body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return CyclesHeader.webhookSignatureScheme + RandomIdentifier.hexString(Array(mac))
    }

    func attempt(_ delivery: Ledger.DueDelivery, policy: WebhookURLPolicy) async -> Ledger.DeliveryOutcome {
        let started = ContinuousClock.now
        func elapsedMs() -> Int64 { (ContinuousClock.now - started).wholeMilliseconds }
        let pinnedAddress: String?
        do {
            try policy.validate(delivery.url)
            // `getaddrinfo` blocks for as long as the resolver takes (seconds for a dead one): on NIO's thread pool
            // it holds none of the cooperative threads that serve requests.
            pinnedAddress = try await NIOThreadPool.singleton.runIfActive {
                try policy.validateResolvedAddresses(of: delivery.url)
            }
        } catch let error as LedgerError {
            return Ledger.DeliveryOutcome(responseStatus: nil, responseTimeMs: 0, error: error.message)
        } catch {
            return Ledger.DeliveryOutcome(responseStatus: nil, responseTimeMs: 0, error: "\(error)")
        }
        let body = Array(delivery.body.utf8)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        for (name, value) in Self.headers(for: delivery, body: body) { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let status = try await send(request, pinning: URL(string: delivery.url)?.host, to: pinnedAddress)
            return Ledger.DeliveryOutcome(
                responseStatus: status, responseTimeMs: elapsedMs(),
                error: (200..<300).contains(status) ? nil : "HTTP \(status)")
        } catch {
            return Ledger.DeliveryOutcome(responseStatus: nil, responseTimeMs: elapsedMs(), error: "\(error)")
        }
    }

    /// POSTs `request` and answers the response status. A DNS name goes through a client of its own whose only
    /// answer for `host` is `address`, the one the blocked ranges were checked against (TLS still verifies `host`);
    /// IP literals and `localhost`, which need no resolution to check, share `literalHostClient`.
    ///
    /// Why a client per pinned attempt: AsyncHTTPClient takes its DNS override per client, not per request. A
    /// delivery is background work, so a fresh connection per attempt costs nothing a request waits on.
    private func send(_ request: HTTPClientRequest, pinning host: String?, to address: String?) async throws -> Int {
        guard let host, let address else { return try await Self.status(of: request, via: Self.literalHostClient, timeout: timeout) }
        var configuration = Self.configuration
        configuration.dnsOverride = [host: address]
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let status = try await Self.status(of: request, via: client, timeout: timeout)
            try await client.shutdown()
            return status
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func status(of request: HTTPClientRequest, via client: HTTPClient, timeout: TimeAmount) async throws -> Int {
        let response = try await client.execute(request, timeout: timeout)
        // The answer's body is not needed; read a little so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }

    /// Never follows a redirect: a receiver answering 3xx could otherwise send the dispatcher to an address the
    /// blocked ranges forbid (a 301/302 turns the POST into a GET of any URL). A 3xx is a failed attempt.
    private static var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return configuration
    }

    /// The process-wide client for IP-literal and `localhost` receivers (like `HTTPClient.shared`, never shut down),
    /// configured to never follow redirects.
    private static let literalHostClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}
