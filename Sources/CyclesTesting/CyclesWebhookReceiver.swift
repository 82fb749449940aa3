public import CyclesProtocol
import CyclesServer
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A webhook endpoint for tests: an HTTP server on `127.0.0.1` (port 0) that records every POST — headers, exact
/// body, the status it answered — checks the Cycles signature when it knows the secret, and lets a test await what
/// arrives instead of sleeping.
///
/// ```swift
/// let receiver = try await CyclesWebhookReceiver.start(secret: "whsec_test")
/// try await server.subscribeWebhook(to: receiver, eventTypes: [.reservationDenied])
/// // … cause a denial …
/// let event = try await receiver.nextEvent(ofType: .reservationDenied)
/// await receiver.stop()
/// ```
///
/// It accepts `POST` on `/hook` and on any path below it (`/hook/<anything>`, see ``url(path:)``), so one receiver can
/// serve several subscriptions and tell them apart by ``Delivery/subscription``. It answers 200 unless scripted
/// otherwise with ``answer(_:)`` or ``answer(_:then:)``.
///
/// **Waiting.** ``nextDelivery(timeout:where:)`` and ``nextEvent(ofType:timeout:)`` return the first delivery, in
/// arrival order, that matches and that no earlier call of either returned, waiting (on continuations, not by
/// polling) until one arrives or throwing ``CyclesWaitTimeout``. Deliveries that arrived before the call count, so
/// "cause it, then await it" never races.
///
/// **Signatures.** With a secret, every delivery's ``Delivery/signatureValid`` says whether `X-Cycles-Signature`
/// verifies (HMAC-SHA256 of the raw body, compared in constant time). ``nextEvent(ofType:timeout:)`` throws
/// ``SignatureMismatch`` for a matching delivery whose signature does not verify, rather than skipping it: a wrong
/// secret is a failure a test should see at once, not a wait that times out. ``nextDelivery(timeout:where:)`` returns
/// deliveries as they came, valid or not, for tests about the signature itself.
public final class CyclesWebhookReceiver: Sendable {
    /// The protocol's event (the spec's `Event`), as a delivery's body decodes.
    public typealias Event = ProtocolEvent

    /// The signing secret deliveries are checked against (`nil`: not checked).
    public let secret: String?

    private struct State {
        var deliveries: [Delivery] = []
        /// Arrival indexes already returned by `nextDelivery` or `nextEvent`.
        var returned: Set<Int> = []
        /// Statuses for the next requests, in order, before `fallbackStatus` applies again.
        var scriptedStatuses: [Int] = []
        var fallbackStatus = 200
    }

    private let state = Mutex(State())
    private let arrivals = ChangeSignal()
    private let boundPort = Mutex(0)
    private let serviceGroup: Mutex<ServiceGroup?> = Mutex(nil)
    private let runTask: Mutex<Task<Void, any Error>?> = Mutex(nil)

    private init(secret: String?) {
        self.secret = secret
    }

    /// `http://127.0.0.1:<port>/hook`: the URL to subscribe.
    public var url: String { "http://127.0.0.1:\(boundPort.withLock { $0 })/hook" }

    /// `url` with `/<path>` appended: subscribe each subscription to its own path to tell their deliveries apart.
    public func url(path: String) -> String {
        url + "/" + path.drop { $0 == "/" }
    }

    /// Everything received so far, in arrival order (returned by a wait or not).
    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// Answers every later request with `status` (200 until told otherwise), dropping any script.
    public func answer(_ status: Int) {
        state.withLock {
            $0.scriptedStatuses = []
            $0.fallbackStatus = status
        }
    }

    /// Answers the next requests with `statuses`, one each in order, and every request after them with `then`:
    /// `answer([503, 503])` fails two attempts and accepts the third.
    public func answer(_ statuses: [Int], then: Int = 200) {
        state.withLock {
            $0.scriptedStatuses = statuses
            $0.fallbackStatus = then
        }
    }

    /// Starts a receiver on `127.0.0.1`, port 0; returns once it accepts connections.
    ///
    /// - Parameter secret: the subscription's signing secret; when given, each delivery's signature is checked.
    public static func start(secret: String? = nil) async throws -> CyclesWebhookReceiver {
        let receiver = CyclesWebhookReceiver(secret: secret)
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 16 << 20)
            return Response(status: HTTPResponse.Status(code: receiver.record(request, body: Array(body.readableBytesView))))
        }
        router.post("/hook", use: handler)
        router.post("/hook/**", use: handler)
        var logger = Logger(label: "cycles-webhook-receiver")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        receiver.serviceGroup.withLock { $0 = group }
        receiver.runTask.withLock {
            $0 = Task {
                defer { portContinuation.finish() }
                try await group.run()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            let failure = await receiver.runTask.withLock { $0 }?.result
            if case .failure(let error) = failure { throw error }
            throw ReceiverStartError()
        }
        receiver.boundPort.withLock { $0 = port }
        return receiver
    }

    /// The receiver could not bind its port.
    struct ReceiverStartError: Error, CustomStringConvertible {
        var description: String { "the webhook receiver could not bind 127.0.0.1 (port 0)" }
    }

    /// Stores one request and returns the status to answer.
    private func record(_ request: Request, body: [UInt8]) -> Int {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let path = request.uri.path
        let status = state.withLock { state -> Int in
            let status = state.scriptedStatuses.isEmpty ? state.fallbackStatus : state.scriptedStatuses.removeFirst()
            state.deliveries.append(
                Delivery(
                    sequence: state.deliveries.count, path: path, headers: headers, body: body, receivedAt: Date(),
                    responseStatus: status, secret: secret))
            return status
        }
        arrivals.signal()
        return status
    }

    /// Returns the first delivery, in arrival order, that matches `predicate` and that no earlier `nextDelivery` or
    /// `nextEvent` call returned; waits for one up to `timeout`, then throws ``CyclesWaitTimeout``.
    public func nextDelivery(
        timeout: Duration = .seconds(10), where predicate: @escaping @Sendable (Delivery) -> Bool = { _ in true }
    ) async throws -> Delivery {
        try await next(timeout: timeout, awaited: "CyclesWebhookReceiver.nextDelivery(where:)", predicate)
    }

    /// Returns the decoded event of the next accepted delivery (one this receiver answered 2xx) of `type`, as
    /// ``nextDelivery(timeout:where:)`` finds it. Deliveries it refused (a scripted 503) are not events a handler
    /// processed, so they never satisfy this wait: script failures, then await the event the retry delivers.
    ///
    /// - Throws: ``CyclesWaitTimeout``; ``SignatureMismatch`` when a secret is set and the matching delivery's
    ///   signature does not verify (that delivery counts as returned); ``UndecodableEvent`` when its body is not an
    ///   `Event`.
    public func nextEvent(ofType type: EventType, timeout: Duration = .seconds(10)) async throws -> Event {
        let delivery = try await next(
            timeout: timeout, awaited: "CyclesWebhookReceiver.nextEvent(ofType: \(type.rawValue))"
        ) { $0.accepted && $0.eventType == type }
        if delivery.signatureValid == false { throw SignatureMismatch(delivery: delivery) }
        guard let event = delivery.event else { throw UndecodableEvent(delivery: delivery) }
        return event
    }

    private func next(
        timeout: Duration, awaited: String, _ predicate: @Sendable (Delivery) -> Bool
    ) async throws -> Delivery {
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            let seen = arrivals.generation
            let found = state.withLock { state -> Delivery? in
                guard let match = state.deliveries.first(where: { !state.returned.contains($0.sequence) && predicate($0) })
                else { return nil }
                state.returned.insert(match.sequence)
                return match
            }
            if let found { return found }
            guard await arrivals.wait(after: seen, until: deadline) else {
                throw CyclesWaitTimeout(awaited: awaited, timeout: timeout, seen: summary())
            }
        }
    }

    /// What arrived, for a timeout's message.
    private func summary() -> String {
        let (all, returned) = state.withLock { ($0.deliveries, $0.returned.count) }
        guard !all.isEmpty else { return "no request reached \(url) at all" }
        let recent = all.suffix(5).map { delivery in
            "#\(delivery.sequence) \(delivery.eventType?.rawValue ?? "?") \(delivery.eventID ?? "?") answered "
                + "\(delivery.responseStatus)\(delivery.signatureValid == false ? " (bad signature)" : "")"
        }
        return "\(all.count) received, \(returned) already returned by earlier waits; latest: "
            + recent.joined(separator: "; ")
    }

    /// Stops the server (requests in flight finish). Waits already running then time out.
    public func stop() async {
        await serviceGroup.withLock { $0 }?.triggerGracefulShutdown()
        _ = await runTask.withLock { $0 }?.result
    }
}
