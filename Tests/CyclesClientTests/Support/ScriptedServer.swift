import CyclesProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A request the scripted server received.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data
    /// Wall-clock arrival time, epoch milliseconds.
    var receivedAtMs: Int64 = Int64(Date().timeIntervalSince1970 * 1000)

    var idempotencyHeader: String? { headers["x-idempotency-key"] }
    var json: [String: JSONValue]? { try? CyclesJSON.decode([String: JSONValue].self, from: body) }
    var bodyKey: String? { json?["idempotency_key"]?.stringValue }
}

/// What the scripted server does with one request.
enum ScriptedReply: Sendable {
    /// Answers with a status, a raw body and extra headers.
    case raw(status: Int, body: String, headers: [String: String] = [:])
    /// Sends a 200 head and part of a body, then breaks the connection: the answer is lost.
    case dropConnection
    /// Waits, then replies (used to outlast the client's timeout).
    indirect case delayed(Duration, ScriptedReply)
    /// Holds the request until `count` requests ending with `pathSuffix` have arrived (at most 60 s), then
    /// replies: keeps requests from several processes in flight together.
    indirect case awaitRequests(Int, String, ScriptedReply)

    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> ScriptedReply {
        .raw(status: status, body: body, headers: headers)
    }

    static func error(_ status: Int, _ code: String, message: String = "scripted", headers: [String: String] = [:])
        -> ScriptedReply
    {
        .raw(
            status: status,
            body: #"{"error":"\#(code)","message":"\#(message)","request_id":"req-scripted","trace_id":"0af7651916cd43dd8448eb211c80319c"}"#,
            headers: headers)
    }
}

/// A tiny Hummingbird app on port 0 that answers from a script and records every request, for failures the
/// real server cannot produce on demand (lost answers, 5xx, 429, malformed 2xx, slow answers).
final class ScriptedServer: Sendable {
    private struct Rule: Sendable {
        var method: String
        var pathSuffix: String
        var replies: [ScriptedReply]
        var fallback: ScriptedReply?
    }

    private let rules = Mutex<[Rule]>([])
    private let recorded = Mutex<[RecordedRequest]>([])
    private let serviceGroup: Mutex<ServiceGroup?> = Mutex(nil)
    private let runTask: Mutex<Task<Void, any Error>?> = Mutex(nil)
    private let boundPort = Mutex<Int>(0)
    private let arrivalObserver = Mutex<(@Sendable (RecordedRequest) -> Void)?>(nil)

    /// Calls `observer` with every request as it arrives, before the reply (e.g. to look at a journal while the
    /// request is still in flight).
    func observeArrivals(_ observer: @escaping @Sendable (RecordedRequest) -> Void) {
        arrivalObserver.withLock { $0 = observer }
    }

    var port: Int { boundPort.withLock { $0 } }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server on an ephemeral port.
    static func start() async throws -> ScriptedServer {
        let server = ScriptedServer()
        var logger = Logger(label: "scripted-server")
        logger.logLevel = .critical
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: Responder(server: server),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        server.serviceGroup.withLock { $0 = group }
        server.runTask.withLock { $0 = Task { try await group.run() } }
        var iterator = portStream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        server.boundPort.withLock { $0 = port }
        return server
    }

    /// Stops the server gracefully.
    func stop() async {
        let group = serviceGroup.withLock { $0 }
        await group?.triggerGracefulShutdown()
        let task = runTask.withLock { $0 }
        _ = try? await task?.value
    }

    /// Scripts the answers to `method` requests whose path ends with `pathSuffix`: one reply per request in
    /// order, then `fallback` (or a 500 when there is none).
    func on(_ method: String, _ pathSuffix: String, _ replies: ScriptedReply..., otherwise fallback: ScriptedReply? = nil) {
        rules.withLock { $0.append(Rule(method: method, pathSuffix: pathSuffix, replies: replies, fallback: fallback)) }
    }

    /// Every request received so far whose path ends with `pathSuffix` (all when empty).
    func requests(_ pathSuffix: String = "") -> [RecordedRequest] {
        recorded.withLock { $0.filter { $0.path.hasSuffix(pathSuffix) } }
    }

    /// Waits (bounded) until at least `count` requests ending with `pathSuffix` arrived.
    func waitForRequests(_ count: Int, _ pathSuffix: String) async throws -> [RecordedRequest] {
        for _ in 0..<1000 {
            let matching = requests(pathSuffix)
            if matching.count >= count { return matching }
            try await Task.sleep(for: .milliseconds(5))
        }
        return requests(pathSuffix)
    }

    fileprivate func reply(for request: RecordedRequest) -> ScriptedReply {
        arrivalObserver.withLock { $0 }?(request)
        recorded.withLock { $0.append(request) }
        return rules.withLock { rules in
            guard let index = rules.firstIndex(where: { $0.method == request.method && request.path.hasSuffix($0.pathSuffix) })
            else { return .error(500, "INTERNAL_ERROR", message: "no script for \(request.method) \(request.path)") }
            if !rules[index].replies.isEmpty { return rules[index].replies.removeFirst() }
            return rules[index].fallback ?? .error(500, "INTERNAL_ERROR", message: "script exhausted")
        }
    }

    private struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let server: ScriptedServer

        func respond(to request: Request, context: Context) async throws -> Response {
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let recorded = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers,
                body: Data(buffer.readableBytesView))
            return try await render(server.reply(for: recorded))
        }

        private func render(_ reply: ScriptedReply) async throws -> Response {
            switch reply {
            case .raw(let status, let body, let extra):
                var fields = HTTPFields()
                fields[.contentType] = "application/json"
                fields[HTTPField.Name("X-Request-Id")!] = "req-scripted"
                fields[HTTPField.Name("X-Cycles-Trace-Id")!] = "0af7651916cd43dd8448eb211c80319c"
                for (name, value) in extra { fields[HTTPField.Name(name)!] = value }
                return Response(
                    status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            case .dropConnection:
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: #"{"status":"COMM"#))
                        throw CancellationError()
                    })
            case .delayed(let duration, let then):
                try await Task.sleep(for: duration)
                return try await render(then)
            case .awaitRequests(let count, let suffix, let then):
                for _ in 0..<6000 where server.requests(suffix).count < count {
                    try await Task.sleep(for: .milliseconds(10))
                }
                return try await render(then)
            }
        }
    }
}
