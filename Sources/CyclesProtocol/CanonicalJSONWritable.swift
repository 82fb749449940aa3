/// A value that writes its own wire JSON through `CanonicalJSONWriter`, byte-identical to its `Encodable` output under
/// `CyclesJSON.makeEncoder()`. `CyclesJSON.encode` uses this path when a value conforms.
public protocol CanonicalJSONWritable {
    /// Writes the value as one JSON value.
    func writeJSON(to writer: inout CanonicalJSONWriter)
}
