import CyclesProtocol

/// An exchange as written into reports: request, response and the `curl` that reproduces it. The operator
/// key is redacted.
public struct RecordedExchange: Codable, Sendable, Hashable {
    /// `POST http://host/v1/reservations`.
    public var request: String
    /// Request headers (operator key redacted).
    public var requestHeaders: [WireHeader]
    /// Request body.
    public var requestBody: String?
    /// Response status.
    public var status: Int
    /// Response headers.
    public var responseHeaders: [WireHeader]
    /// Response body (truncated to 4 KiB).
    public var responseBody: String
    /// Reproduces the request (`$CYCLES_ADMIN_KEY` stands for the operator key).
    public var curl: String

    /// Builds the record from an exchange.
    public init(_ exchange: WireExchange) {
        request = "\(exchange.request.method) \(exchange.baseURL)\(exchange.request.path)"
        requestHeaders = exchange.request.headers.map { header in
            header.name.lowercased() == CyclesHeader.adminAPIKey.lowercased()
                ? WireHeader(header.name, "<redacted>") : header
        }
        requestBody = exchange.request.body
        status = exchange.status
        responseHeaders = exchange.headers
        responseBody = String(exchange.body.prefix(4096))
        curl = exchange.curl
    }

    enum CodingKeys: String, CodingKey {
        case request, status, curl
        case requestHeaders = "request_headers"
        case requestBody = "request_body"
        case responseHeaders = "response_headers"
        case responseBody = "response_body"
    }
}
