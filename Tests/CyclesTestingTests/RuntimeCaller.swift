#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncHTTPClient
import CyclesProtocol
import NIOCore
import NIOHTTP1

/// A bare HTTP caller for the runtime and control APIs, so tests see exactly what went over the wire
/// (status, headers, raw body, or a transport failure).
struct RuntimeCaller: Sendable {
    let baseURL: String
    var apiKey: String?
    var adminKey: String?

    /// One answer.
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try CyclesJSON.decode(type, from: body) }
        var json: JSONValue? { try? CyclesJSON.decode(JSONValue.self, from: body) }
        var errorCode: String? { json?["error"]?.stringValue }
    }

    /// Sends a request; transport failures (dropped connections) throw.
    func send(
        _ method: HTTPMethod, _ path: String, body: (any Encodable)? = nil, rawBody: String? = nil,
        headers extra: [(String, String)] = [], admin: Bool = false
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if admin, let adminKey { request.headers.add(name: CyclesHeader.adminAPIKey, value: adminKey) }
        if !admin, let apiKey { request.headers.add(name: CyclesHeader.apiKey, value: apiKey) }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try CyclesJSON.encode(body)))
        } else if let rawBody {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    /// Reserves `amount` USD microcents for `tenant`.
    func reserve(
        tenant: String, amount: Int64, key: String = IdempotencyKey.random().rawValue, ttlMs: Int64? = nil,
        headers: [(String, String)] = []
    ) async throws -> Answer {
        let request = ReservationCreateRequest(
            idempotencyKey: IdempotencyKey(key), subject: Subject(tenant: tenant),
            action: Action(kind: "llm.completion", name: "test-model"), estimate: .usdMicrocents(amount), ttlMs: ttlMs)
        return try await send(.POST, "/v1/reservations", body: request, headers: headers)
    }

    /// Commits `amount` USD microcents on `reservationID`.
    func commit(
        _ reservationID: String, amount: Int64, key: String = IdempotencyKey.random().rawValue,
        headers: [(String, String)] = []
    ) async throws -> Answer {
        let request = CommitRequest(idempotencyKey: IdempotencyKey(key), actual: .usdMicrocents(amount))
        return try await send(.POST, "/v1/reservations/\(reservationID)/commit", body: request, headers: headers)
    }

    /// The reservation id of a successful reserve answer.
    static func reservationID(of answer: Answer) -> String? {
        answer.json?["reservation_id"]?.stringValue
    }
}
