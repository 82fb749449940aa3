#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CyclesProtocol

extension FaultEffect {
    /// The request header that applies a one-off fault to the request that carries it.
    public static let headerName = "X-Cycles-Mock-Fault"

    /// Parses the value of `X-Cycles-Mock-Fault`.
    ///
    /// Accepted forms: a JSON effect object (`{"type":"drop_response"}`) or the compact form
    /// `kind[=value][;name=value…]`:
    /// `drop_connection`, `drop_response`, `expire_reservation`, `latency=250`, `error=503`,
    /// `error=429;retry_after=2`, `error=409;code=BUDGET_EXCEEDED;message=text`, `non_conformant=status_202`.
    public init(headerValue: String) throws(FaultSpecificationError) {
        let trimmed = Self.trimmed(headerValue)
        if trimmed.hasPrefix("{") {
            do {
                self = try CyclesJSON.decode(FaultEffect.self, from: Data(trimmed.utf8))
            } catch {
                throw FaultSpecificationError("\(Self.headerName): invalid JSON effect (\(error))")
            }
            try validate()
            return
        }
        var parts = trimmed.split(separator: ";", omittingEmptySubsequences: true).map { Self.trimmed(String($0)) }
        guard !parts.isEmpty else { throw FaultSpecificationError("\(Self.headerName) is empty") }
        let head = parts.removeFirst()
        let (kind, value) = Self.splitPair(head)
        var options: [String: String] = [:]
        for part in parts {
            let (name, optionValue) = Self.splitPair(part)
            options[name] = optionValue ?? ""
        }
        switch kind {
        case "drop_connection": self = .dropConnection
        case "drop_response": self = .dropResponse
        case "expire_reservation": self = .expireReservation
        case "latency", "latency_ms":
            guard let value, let milliseconds = Int64(value) else {
                throw FaultSpecificationError("\(Self.headerName): latency needs a number of milliseconds, e.g. latency=250")
            }
            self = .latency(milliseconds: milliseconds)
        case "error":
            guard let value, let status = Int(value) else {
                throw FaultSpecificationError("\(Self.headerName): error needs a status, e.g. error=503")
            }
            let code = options["code"].map { ErrorCode(rawValue: $0) }
            guard let resolved = code ?? Self.defaultErrorCode(forStatus: status) else {
                throw FaultSpecificationError("\(Self.headerName): status \(status) needs code=<ERROR_CODE>")
            }
            var retryAfter: Int64?
            if let text = options["retry_after"] {
                guard let seconds = Int64(text) else {
                    throw FaultSpecificationError("\(Self.headerName): retry_after must be whole seconds, got '\(text)'")
                }
                retryAfter = seconds
            }
            self = .error(status: status, code: resolved, message: options["message"], retryAfterSeconds: retryAfter)
        case "non_conformant":
            guard let value, let variant = NonConformance(rawValue: value) else {
                let known = NonConformance.allCases.map(\.rawValue).joined(separator: ", ")
                throw FaultSpecificationError("\(Self.headerName): non_conformant needs one of \(known)")
            }
            self = .nonConformant(variant)
        default:
            throw FaultSpecificationError(
                "\(Self.headerName): unknown fault '\(kind)'; expected drop_connection, drop_response, "
                    + "expire_reservation, latency=MS, error=STATUS or non_conformant=VARIANT")
        }
        try validate()
    }

    /// `text` without leading and trailing spaces and tabs.
    private static func trimmed(_ text: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// Splits `name=value` at the first `=`.
    private static func splitPair(_ text: String) -> (String, String?) {
        guard let equals = text.firstIndex(of: "=") else { return (text, nil) }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}
