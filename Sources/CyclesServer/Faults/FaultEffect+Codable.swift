import CyclesProtocol

extension FaultEffect: Codable {
    enum CodingKeys: String, CodingKey {
        case type, ms, status, error, message
        case retryAfterSeconds = "retry_after_s"
        case variant
    }

    /// The `type` spellings.
    enum Kind: String, Codable {
        case latency, error
        case dropConnection = "drop_connection"
        case dropResponse = "drop_response"
        case nonConformant = "non_conformant"
        case expireReservation = "expire_reservation"
    }

    /// Decodes `{"type": …, …}`; a 409 (or any status without an obvious code) must name its `error`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kindText = try container.decode(String.self, forKey: .type)
        guard let kind = Kind(rawValue: kindText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown fault type '\(kindText)'; expected one of latency, error, drop_connection, "
                    + "drop_response, non_conformant, expire_reservation")
        }
        switch kind {
        case .latency:
            self = .latency(milliseconds: try container.decode(Int64.self, forKey: .ms))
        case .error:
            let status = try container.decode(Int.self, forKey: .status)
            let code = try container.decodeIfPresent(ErrorCode.self, forKey: .error)
            guard let resolved = code ?? FaultEffect.defaultErrorCode(forStatus: status) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .error, in: container,
                    debugDescription: "status \(status) needs an explicit error code (field 'error')")
            }
            self = .error(
                status: status, code: resolved,
                message: try container.decodeIfPresent(String.self, forKey: .message),
                retryAfterSeconds: try container.decodeIfPresent(Int64.self, forKey: .retryAfterSeconds))
        case .dropConnection: self = .dropConnection
        case .dropResponse: self = .dropResponse
        case .nonConformant:
            self = .nonConformant(try container.decode(NonConformance.self, forKey: .variant))
        case .expireReservation: self = .expireReservation
        }
    }

    /// Encodes `{"type": …, …}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .latency(let milliseconds):
            try container.encode(Kind.latency, forKey: .type)
            try container.encode(milliseconds, forKey: .ms)
        case .error(let status, let code, let message, let retryAfter):
            try container.encode(Kind.error, forKey: .type)
            try container.encode(status, forKey: .status)
            try container.encode(code, forKey: .error)
            try container.encodeIfPresent(message, forKey: .message)
            try container.encodeIfPresent(retryAfter, forKey: .retryAfterSeconds)
        case .dropConnection: try container.encode(Kind.dropConnection, forKey: .type)
        case .dropResponse: try container.encode(Kind.dropResponse, forKey: .type)
        case .nonConformant(let variant):
            try container.encode(Kind.nonConformant, forKey: .type)
            try container.encode(variant, forKey: .variant)
        case .expireReservation: try container.encode(Kind.expireReservation, forKey: .type)
        }
    }
}
