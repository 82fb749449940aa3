public import CyclesProtocol

/// An HTTP request exactly as the kit sends it: the body is raw text, so invalid JSON can be sent on purpose.
public struct WireRequest: Codable, Sendable, Hashable {
    /// `GET`, `POST`, …
    public var method: String
    /// The path with its query string, for example `/v1/balances?tenant=acme`.
    public var path: String
    /// Headers in sending order.
    public var headers: [WireHeader]
    /// The raw body, if any.
    public var body: String?

    /// Creates a request.
    public init(method: String, path: String, headers: [WireHeader] = [], body: String? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// A request whose body is `json` encoded with sorted keys (`Content-Type: application/json`).
    public static func json(_ method: String, _ path: String, _ json: JSONValue, headers: [WireHeader] = [])
        -> WireRequest
    {
        WireRequest(
            method: method, path: path, headers: [WireHeader("Content-Type", "application/json")] + headers,
            body: JSONText.encode(json))
    }

    /// This request with one more header.
    public func adding(_ name: String, _ value: String) -> WireRequest {
        var copy = self
        copy.headers.append(WireHeader(name, value))
        return copy
    }

    /// This request with every header called `name` (case-insensitively) removed.
    public func removing(_ name: String) -> WireRequest {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        return copy
    }

    /// The value of the first header called `name`, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
