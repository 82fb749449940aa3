public import CyclesProtocol
import Foundation

/// Converts between wire text and ``JSONValue`` (sorted keys, so the same value gives the same text).
public enum JSONText {
    /// `value` as compact JSON text.
    public static func encode(_ value: JSONValue) -> String {
        guard let data = try? CyclesJSON.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses `text`, or returns `nil` when it is not JSON.
    public static func decode(_ text: String) -> JSONValue? {
        try? CyclesJSON.decode(JSONValue.self, from: Data(text.utf8))
    }
}
