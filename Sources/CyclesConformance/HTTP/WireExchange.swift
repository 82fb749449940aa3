public import CyclesProtocol
import Foundation

/// One request and the response it got, kept as evidence and turned into a reproducing `curl` command.
public struct WireExchange: Codable, Sendable, Hashable {
    /// The server's base URL, for example `http://127.0.0.1:7878`.
    public var baseURL: String
    /// What was sent.
    public var request: WireRequest
    /// The HTTP status.
    public var status: Int
    /// Response headers.
    public var headers: [WireHeader]
    /// The raw response body.
    public var body: String
    /// Wall-clock duration of the call in milliseconds.
    public var durationMs: Int64

    /// Creates an exchange record.
    public init(
        baseURL: String, request: WireRequest, status: Int, headers: [WireHeader], body: String, durationMs: Int64
    ) {
        self.baseURL = baseURL
        self.request = request
        self.status = status
        self.headers = headers
        self.body = body
        self.durationMs = durationMs
    }

    /// The body parsed as JSON, or `nil` when it is empty or not JSON.
    public var json: JSONValue? { JSONText.decode(body) }

    /// The value of the first response header called `name`, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The `error` code of an error body, if the body has one.
    public var errorCode: String? { json?["error"]?.stringValue }

    /// A one-line summary such as `POST /v1/reservations → 409 BUDGET_EXCEEDED`.
    public var summary: String {
        let code = errorCode.map { " \($0)" } ?? ""
        return "\(request.method) \(request.path) → \(status)\(code)"
    }

    /// A shell command that sends the same request again. The operator key is read from `$CYCLES_ADMIN_KEY`
    /// rather than printed, so reports can be shared.
    public var curl: String {
        var parts = ["curl -sS -i -X \(request.method) \(Self.shellQuote(baseURL + request.path))"]
        for header in request.headers {
            if header.name.lowercased() == CyclesHeader.adminAPIKey.lowercased() {
                parts.append("-H \"\(header.name): $CYCLES_ADMIN_KEY\"")
            } else {
                parts.append("-H \(Self.shellQuote("\(header.name): \(header.value)"))")
            }
        }
        if let body = request.body {
            parts.append("--data-raw \(Self.shellQuote(body))")
        }
        return parts.joined(separator: " ")
    }

    /// Wraps `text` in single quotes for a POSIX shell.
    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingAll("'", with: "'\\''") + "'"
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var remainder = Substring(self)
        while let range = remainder.range(of: target) {
            result += remainder[..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        return result + remainder
    }
}
