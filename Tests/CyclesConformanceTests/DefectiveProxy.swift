import CyclesConformance
import CyclesProtocol
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A deliberately broken server: an HTTP proxy in front of our reference server that injects one defect, so the
/// tests can prove the kit catches it with the right check IDs.
final class DefectiveProxy: Sendable {
    /// The bug the proxy adds.
    enum Defect: String, Sendable, CaseIterable {
        /// Forwards everything untouched (proves the proxy itself is transparent).
        case none
        /// A replayed commit answers with the original body but charges the budget again (a shadow reservation
        /// with the same subject and estimate is created and committed behind the client's back).
        case rechargesReplayedCommit
        /// A live reserve refused with 409 BUDGET_EXCEEDED is answered 200 ALLOW: the stampede oversubscribes.
        case oversubscribes
        /// Responses lose their `X-Cycles-Trace-Id` header.
        case dropsTraceHeader
    }

    let baseURL: String
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let upstream: WireClient

    private init(baseURL: String, serviceGroup: ServiceGroup, runTask: Task<Void, any Error>, upstream: WireClient) {
        self.baseURL = baseURL
        self.serviceGroup = serviceGroup
        self.runTask = runTask
        self.upstream = upstream
    }

    /// Starts the proxy on an ephemeral port in front of `upstreamURL`.
    static func start(upstreamURL: String, defect: Defect) async throws -> DefectiveProxy {
        let upstream = WireClient(baseURL: upstreamURL)
        let memory = ProxyMemory()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [WireHeader] = []
            for field in request.headers { headers.append(WireHeader(field.name.rawName, field.value)) }
            let wire = WireRequest(
                method: request.method.rawValue, path: request.uri.description, headers: headers,
                body: body.readableBytes > 0 ? String(buffer: body) : nil)
            let answer = try await Self.handle(wire, defect: defect, upstream: upstream, memory: memory)
            var fields = HTTPFields()
            for header in answer.headers {
                let name = header.name.lowercased()
                guard !["content-length", "transfer-encoding", "connection"].contains(name),
                    let fieldName = HTTPField.Name(header.name)
                else { continue }
                if defect == .dropsTraceHeader, name == CyclesHeader.traceID.lowercased() { continue }
                fields.append(HTTPField(name: fieldName, value: header.value))
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "defective-proxy")
        logger.logLevel = .error
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? -1)
                continuation.finish()
            },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            defer { continuation.finish() }
            try await serviceGroup.run()
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? -1
        return DefectiveProxy(
            baseURL: "http://127.0.0.1:\(port)", serviceGroup: serviceGroup, runTask: runTask, upstream: upstream)
    }

    /// Stops the proxy gracefully.
    func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = await runTask.result
        await upstream.shutdown()
    }

    private static func handle(
        _ request: WireRequest, defect: Defect, upstream: WireClient, memory: ProxyMemory
    ) async throws -> WireExchange {
        let isReserve = request.method == "POST" && request.path == "/v1/reservations"
        let isCommit = request.method == "POST" && request.path.hasSuffix("/commit")
        let body = request.body.flatMap(JSONText.decode)
        if defect == .rechargesReplayedCommit, isCommit, let key = body?["idempotency_key"]?.stringValue {
            let reservationID = request.path.split(separator: "/").dropLast().last.map(String.init) ?? ""
            if let original = await memory.commit(reservationID, key),
                let create = await memory.createBody(reservationID), case .object(var shadow) = create
            {
                // The bug: the replay is answered from cache, but the amount is charged again.
                shadow["idempotency_key"] = .string(FixtureNaming.idempotencyKey("shadow"))
                let reserved = try await upstream.send(
                    WireRequest.json("POST", "/v1/reservations", .object(shadow), headers: apiKeyHeader(request)))
                if let shadowID = reserved.json?["reservation_id"]?.stringValue, case .object(var commit)? = body {
                    commit["idempotency_key"] = .string(FixtureNaming.idempotencyKey("shadow"))
                    _ = try await upstream.send(
                        WireRequest.json(
                            "POST", "/v1/reservations/\(shadowID)/commit", .object(commit), headers: apiKeyHeader(request)))
                }
                return original
            }
            let answer = try await upstream.send(request)
            if answer.status == 200 { await memory.rememberCommit(reservationID, key, answer) }
            return answer
        }
        var answer = try await upstream.send(request)
        if isReserve, answer.status == 200, let id = answer.json?["reservation_id"]?.stringValue, let body {
            await memory.rememberCreate(id, body)
        }
        if defect == .oversubscribes, isReserve, answer.status == 409, answer.errorCode == "BUDGET_EXCEEDED" {
            let fake: JSONValue = [
                "decision": "ALLOW", "reservation_id": .string("fake-" + RandomIdentifier.hex(byteCount: 6)),
                "reserved": body?["estimate"] ?? .null, "expires_at_ms": 0, "affected_scopes": [],
            ]
            answer.status = 200
            answer.body = JSONText.encode(fake)
        }
        return answer
    }

    private static func apiKeyHeader(_ request: WireRequest) -> [WireHeader] {
        [WireHeader(CyclesHeader.apiKey, request.header(CyclesHeader.apiKey) ?? "")]
    }
}

/// What the proxy remembers between requests.
actor ProxyMemory {
    private var creates: [String: JSONValue] = [:]
    private var commits: [String: WireExchange] = [:]

    func rememberCreate(_ id: String, _ body: JSONValue) { creates[id] = body }
    func createBody(_ id: String) -> JSONValue? { creates[id] }
    func rememberCommit(_ id: String, _ key: String, _ answer: WireExchange) { commits[id + "|" + key] = answer }
    func commit(_ id: String, _ key: String) -> WireExchange? { commits[id + "|" + key] }
}
