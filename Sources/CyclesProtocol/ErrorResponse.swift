/// The body of every 4xx/5xx answer.
public struct ErrorResponse: Hashable, Sendable, Codable {
    /// The machine-readable code (unknown codes are kept).
    public var error: ErrorCode
    /// Human-readable text.
    public var message: String
    /// Equals the `X-Request-Id` header.
    public var requestID: String
    /// 32 lowercase hex digits; conformant servers always send it.
    public var traceID: String?
    /// Free-form detail, for example `{scope, requested_unit, expected_units}` on `UNIT_MISMATCH`.
    public var details: [String: JSONValue]?
    /// Evidence for the error, when the server signs errors.
    public var cyclesEvidence: EvidenceReference?

    /// Creates an error body.
    public init(
        error: ErrorCode, message: String, requestID: String, traceID: String? = nil,
        details: [String: JSONValue]? = nil, cyclesEvidence: EvidenceReference? = nil
    ) {
        self.error = error
        self.message = message
        self.requestID = requestID
        self.traceID = traceID
        self.details = details
        self.cyclesEvidence = cyclesEvidence
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case error, message
        case requestID = "request_id"
        case traceID = "trace_id"
        case details
        case cyclesEvidence = "cycles_evidence"
    }
}
