import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A webhook endpoint on 127.0.0.1, port 0: records every POST (headers and exact body) and answers the scripted
/// status (200 unless told otherwise).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var headers: [String: String]
        var body: [UInt8]
    }

    private let received = Mutex<[Received]>([])
    private let status = Mutex<Int>(200)
    private let group: Mutex<ServiceGroup?> = Mutex(nil)
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    private let boundPort = Mutex(0)

    var url: String { "http://127.0.0.1:\(boundPort.withLock { $0 })/hook" }
    var requests: [Received] { received.withLock { $0 } }

    /// Answers every later request with `code`.
    func answer(_ code: Int) { status.withLock { $0 = code } }

    static func start() async throws -> WebhookReceiver {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            receiver.received.withLock { $0.append(Received(headers: headers, body: Array(buffer.readableBytesView))) }
            return Response(status: .init(code: receiver.status.withLock { $0 }))
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        receiver.group.withLock { $0 = group }
        receiver.task.withLock { $0 = Task { try await group.run() } }
        var iterator = ports.makeAsyncIterator()
        receiver.boundPort.withLock { $0 = 0 }
        let port = await iterator.next() ?? 0
        receiver.boundPort.withLock { $0 = port }
        return receiver
    }

    /// Waits (bounded, about 10 s) until at least `count` requests arrived; returns them all.
    func waitFor(_ count: Int) async throws -> [Received] {
        for _ in 0..<2000 where requests.count < count { try await Task.sleep(for: .milliseconds(5)) }
        return requests
    }

    func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
        _ = try? await task.withLock { $0 }?.value
    }
}
