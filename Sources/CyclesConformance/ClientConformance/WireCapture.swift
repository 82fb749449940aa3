import CyclesProtocol
import CyclesServer
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Everything client mode records per scenario, keyed by the scenario's API key (each scenario seeds its own
/// tenant and key, so concurrent scenarios never see each other's traffic), and the response rewrites in force.
final class WireCapture: Sendable {
    private struct State {
        var exchanges: [String: [CapturedExchange]] = [:]
        var rewrites: [String: [ResponseRewrite]] = [:]
    }

    private let state = Mutex(State())

    /// Starts recording for `apiKey` with `rewrites` in force.
    func open(apiKey: String, rewrites: [ResponseRewrite]) {
        state.withLock { state in
            state.exchanges[apiKey] = []
            state.rewrites[apiKey] = rewrites
        }
    }

    /// Stops recording for `apiKey` and returns what was captured, in arrival order.
    func close(apiKey: String) -> [CapturedExchange] {
        state.withLock { state in
            state.rewrites[apiKey] = nil
            return state.exchanges.removeValue(forKey: apiKey) ?? []
        }
    }

    func rewrites(for apiKey: String) -> [ResponseRewrite]? {
        state.withLock { $0.rewrites[apiKey] }
    }

    func record(_ exchange: CapturedExchange, apiKey: String) {
        state.withLock { state in
            guard state.exchanges[apiKey] != nil else { return }
            state.exchanges[apiKey]?.append(exchange)
        }
    }
}

/// Records every runtime request that reaches the ledger — headers and body exactly as sent — and applies the
/// scenario's response rewrites.
///
/// It is added through `ReferenceServerConfiguration.configureRouter`, so it sits *inside* the fault middleware:
/// requests a fault answers without applying them (injected errors, dropped connections) never reach it; the
/// request journal records those, and the transcript merges both.
struct WireCaptureMiddleware<Context: RequestContext>: RouterMiddleware {
    let capture: WireCapture

    /// The largest body kept (runtime bodies are small JSON documents).
    static var maximumBodySize: Int { 256 * 1024 }

    /// `X-Cycles-API-Key`: a valid field name, so the initialiser cannot fail.
    static var apiKeyField: HTTPField.Name { HTTPField.Name(CyclesHeader.apiKey) ?? .authorization }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let apiKey = request.headers[Self.apiKeyField],
            let rewrites = capture.rewrites(for: apiKey),
            let (operation, _) = RuntimeOperation.classify(method: request.method, path: request.uri.path)
        else {
            return try await next(request, context)
        }
        let arrived = Int64(Date().timeIntervalSince1970 * 1_000)
        var request = request
        let requestBody = try await request.collectBody(upTo: Self.maximumBodySize)
        let headers = request.headers.map { WireHeader($0.name.rawName, $0.value) }
        var response = try await next(request, context)
        let sink = BodySink()
        try await response.body.write(BufferingWriter(sink: sink))
        var responseBytes = sink.buffer
        let isSuccess = (200..<300).contains(Int(response.status.code))
        let applicable = rewrites.filter { $0.operation == operation }
        if isSuccess, !applicable.isEmpty,
            var json = try? CyclesJSON.decode(JSONValue.self, from: Data(responseBytes.readableBytesView))
        {
            for rewrite in applicable { json = rewrite.apply(to: json) }
            if let data = try? CyclesJSON.encode(json) {
                responseBytes = ByteBuffer(bytes: data)
                response.headers[.contentLength] = String(data.count)
            }
        }
        response.body = ResponseBody(byteBuffer: responseBytes)
        capture.record(
            CapturedExchange(
                arrivedAtMs: arrived, method: request.method.rawValue, path: request.uri.description, headers: headers,
                body: String(buffer: requestBody), status: Int(response.status.code),
                responseBody: String(buffer: responseBytes)),
            apiKey: apiKey)
        return response
    }
}

/// Collects a response body in memory (runtime answers are small).
private final class BodySink: @unchecked Sendable {
    var buffer = ByteBuffer()
}

private struct BufferingWriter: ResponseBodyWriter {
    let sink: BodySink

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        sink.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
