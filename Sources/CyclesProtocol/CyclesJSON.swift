#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The JSON settings every part of the package uses for wire bodies.
public enum CyclesJSON {
    /// An encoder with sorted keys and unescaped slashes, so the same value always gives the same bytes.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoder for wire bodies (field names are mapped by each type's coding keys).
    public static func makeDecoder() -> JSONDecoder { JSONDecoder() }

    /// Encodes `value` as wire JSON: through `CanonicalJSONWriter` when the type writes itself (same bytes, a
    /// fraction of the cost), else through `makeEncoder()`.
    public static func encode(_ value: some Encodable) throws -> Data {
        if let writable = value as? any CanonicalJSONWritable {
            var writer = CanonicalJSONWriter()
            writable.writeJSON(to: &writer)
            return Data(writer.bytes)
        }
        return try makeEncoder().encode(value)
    }

    /// Decodes wire JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try makeDecoder().decode(type, from: data)
    }
}
