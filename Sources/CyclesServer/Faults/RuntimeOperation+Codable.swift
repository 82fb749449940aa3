/// Decoding that names the valid spellings, so a typo in a fault rule (`"operation":"comit"`) is answered with
/// the list to choose from instead of a raw "cannot initialize from invalid String value" message.
extension RuntimeOperation {
    /// Decodes the wire spelling, or fails listing every valid one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let operation = RuntimeOperation(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown operation '\(text)'; valid operations: "
                    + RuntimeOperation.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = operation
    }
}
