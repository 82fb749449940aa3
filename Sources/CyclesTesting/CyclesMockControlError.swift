public import CyclesProtocol

/// A control-API call the mock server refused or could not answer.
public struct CyclesMockControlError: Error, Sendable, CustomStringConvertible {
    /// HTTP status of the answer (0 when no answer arrived).
    public var status: Int
    /// The protocol error code, when the body carried one.
    public var code: ErrorCode?
    /// The server's message, or a description of the transport failure.
    public var message: String
    /// The server's request id, when the body carried one.
    public var requestID: String?

    /// Creates the error.
    public init(status: Int, code: ErrorCode? = nil, message: String, requestID: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// `"<status> <CODE>: <message>"`.
    public var description: String {
        "\(status) \(code?.rawValue ?? "-"): \(message)" + (requestID.map { " (request \($0))" } ?? "")
    }
}
