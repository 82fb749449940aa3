/// A string-backed value set that the protocol may extend in later versions.
///
/// Conforming types behave like enums (static constants, `switch`, `==`) but keep any raw
/// value they do not recognise, so a newer server never breaks an older decoder.
public protocol OpenEnumeration: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral where RawValue == String
{
    /// The values this version of the package knows about.
    static var knownValues: [Self] { get }
    /// Creates a value from its wire spelling.
    init(rawValue: String)
}

extension OpenEnumeration {
    /// Whether this package knows the value (`false` for values added by a newer protocol version).
    public var isKnown: Bool { Self.knownValues.contains(self) }

    /// The wire spelling.
    public var description: String { rawValue }

    /// Creates a value from a string literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// Decodes the value from a single JSON string, keeping unknown spellings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(rawValue: try container.decode(String.self))
    }

    /// Encodes the value as its wire spelling.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
