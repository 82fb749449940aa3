/// The server-assigned identifier of a reservation. Opaque; at most 128 characters.
public struct ReservationID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The identifier as sent on the wire.
    public let rawValue: String
    /// Wraps a wire identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a wire identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a literal identifier.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The identifier.
    public var description: String { rawValue }
    /// Decodes a bare JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    /// Encodes a bare JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The key that makes a mutation safe to retry: the same key never settles twice. 1 to 256 characters.
public struct IdempotencyKey: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The key as sent on the wire.
    public let rawValue: String
    /// Wraps a key.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a key.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a literal key.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// A fresh random key (a lowercase UUID), for callers that did not choose one.
    public static func random() -> IdempotencyKey { IdempotencyKey(RandomIdentifier.uuidString()) }
    /// The key.
    public var description: String { rawValue }
    /// Decodes a bare JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    /// Encodes a bare JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The server-assigned identifier of a direct-debit event.
public struct EventID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The identifier as sent on the wire.
    public let rawValue: String
    /// Wraps a wire identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a wire identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a literal identifier.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The identifier.
    public var description: String { rawValue }
    /// Decodes a bare JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    /// Encodes a bare JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
