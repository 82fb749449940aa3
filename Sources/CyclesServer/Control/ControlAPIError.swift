import CyclesProtocol

/// A control-API failure, answered with a protocol `ErrorResponse`.
struct ControlAPIError: Error, Sendable {
    /// HTTP status.
    var status: Int
    /// Protocol error code.
    var code: ErrorCode
    /// What went wrong, naming the field or parameter.
    var message: String

    static func invalidRequest(_ message: String) -> ControlAPIError {
        ControlAPIError(status: 400, code: .invalidRequest, message: message)
    }

    static func notFound(_ message: String) -> ControlAPIError {
        ControlAPIError(status: 404, code: .notFound, message: message)
    }

    static func unauthorized(_ message: String) -> ControlAPIError {
        ControlAPIError(status: 401, code: .unauthorized, message: message)
    }
}
