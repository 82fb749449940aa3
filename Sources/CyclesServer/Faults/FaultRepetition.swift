/// How many times a fault rule fires before it is spent.
///
/// JSON: a positive integer (`1` = once, the default) or the string `"always"`.
public enum FaultRepetition: Sendable, Hashable, Codable {
    /// Fire this many times, then stop.
    case times(Int)
    /// Fire on every matching call until the rule is removed.
    case always

    /// Fire once.
    public static let once = FaultRepetition.times(1)

    /// Decodes an integer or `"always"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int.self) {
            guard count >= 1 else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "times must be at least 1 or \"always\", got \(count)")
            }
            self = .times(count)
        } else if let text = try? container.decode(String.self), text == "always" {
            self = .always
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "times must be a positive integer or \"always\"")
        }
    }

    /// Encodes an integer or `"always"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .times(let count): try container.encode(count)
        case .always: try container.encode("always")
        }
    }
}
