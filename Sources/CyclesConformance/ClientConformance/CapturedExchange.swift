public import CyclesProtocol
import Foundation

/// One runtime request exactly as an SDK sent it to the mock server, with the answer it got: the raw material
/// of client-mode judging and of the failure transcript.
public struct CapturedExchange: Codable, Sendable, Hashable {
    /// Wall-clock arrival time (epoch ms).
    public var arrivedAtMs: Int64
    /// HTTP method.
    public var method: String
    /// Path with the query.
    public var path: String
    /// Request headers in the order received.
    public var headers: [WireHeader]
    /// Request body as received.
    public var body: String
    /// The status the SDK got back (before a drop fault cut the connection, when one did).
    public var status: Int
    /// The response body as sent (after any scenario rewrite).
    public var responseBody: String

    /// Creates a record.
    public init(
        arrivedAtMs: Int64, method: String, path: String, headers: [WireHeader], body: String, status: Int,
        responseBody: String
    ) {
        self.arrivedAtMs = arrivedAtMs
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.status = status
        self.responseBody = responseBody
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The request body parsed as JSON, or `nil` when it is not JSON.
    public var json: JSONValue? {
        try? CyclesJSON.decode(JSONValue.self, from: Data(body.utf8))
    }

    /// The response body parsed as JSON.
    public var responseJSON: JSONValue? {
        try? CyclesJSON.decode(JSONValue.self, from: Data(responseBody.utf8))
    }

    enum CodingKeys: String, CodingKey {
        case method, path, headers, body, status
        case arrivedAtMs = "arrived_at_ms"
        case responseBody = "response_body"
    }
}
