import AsyncHTTPClient
import Foundation
import CyclesProtocol
import CyclesServer
import NIOCore
import NIOHTTP1
import Testing

/// A tiny raw-HTTP driver over AsyncHTTPClient, so tests see exact statuses, headers and bytes.
struct HTTPTestClient {
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var text: String
        var json: JSONValue { (try? CyclesJSON.decode(JSONValue.self, from: Data(text.utf8))) ?? .null }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    let baseURL: String

    func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, apiKey: String? = Fixture.acmeKey,
        headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let apiKey { request.headers.add(name: CyclesHeader.apiKey, value: apiKey) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 8 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: buffer))
    }

    /// Starts a seeded server with a frozen clock, runs `body`, and always stops it.
    static func withServer(
        _ seed: SeedDocument = Fixture.seed(), _ body: (HTTPTestClient, ReferenceServer) async throws -> Void
    ) async throws {
        try await withServer(configuration: .init(seed: seed), body)
    }

    /// Starts a server with `configuration` and a frozen clock, runs `body`, and always stops it.
    static func withServer(
        configuration: ReferenceServerConfiguration, _ body: (HTTPTestClient, ReferenceServer) async throws -> Void
    ) async throws {
        let server = try await ReferenceServer.start(configuration)
        try await server.ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start))
        do {
            try await body(HTTPTestClient(baseURL: server.baseURL), server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
