/// One HTTP header as sent or received (order and spelling kept for evidence).
public struct WireHeader: Codable, Sendable, Hashable {
    /// The header name.
    public var name: String
    /// The header value.
    public var value: String

    /// Creates a header.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
