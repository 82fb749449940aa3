/// Writes wire JSON straight into bytes, byte for byte what `CyclesJSON.makeEncoder()` (a `JSONEncoder` with sorted
/// keys and unescaped slashes) produces for the same value.
///
/// Why it exists: the reference server encodes several values on every request (the idempotency payload hash, the
/// stored reservation columns, the response body), and `JSONEncoder`'s generic containers were a large share of a
/// reserve's cost. Types on that path conform to `CanonicalJSONWritable` and write themselves here; `CyclesJSON.encode`
/// takes this path for them and `JSONEncoder` for everything else, so callers see one encoder.
///
/// Objects are written field by field, in key order (byte-wise, as `.sortedKeys` sorts); callers pass keys already
/// sorted, which a debug assertion checks. `nil` fields are omitted, as synthesized `Encodable` conformances do.
public struct CanonicalJSONWriter: Sendable {
    /// The UTF-8 bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// The last key written in each object being written, innermost last. Only debug builds keep it (every access
    /// sits inside an `assert`), so release builds pay nothing for the order check.
    private var lastKeys: [[UInt8]] = []

    /// Creates an empty writer.
    public init() { bytes.reserveCapacity(512) }

    // MARK: - Scalars

    /// Writes `null`.
    public mutating func writeNull() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    /// Writes `true` or `false`.
    public mutating func write(_ value: Bool) {
        if value { bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else {
            bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        }
    }

    /// Writes a decimal integer.
    public mutating func write(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // The magnitude, not -value: Int64.min has no positive counterpart.
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    /// Writes a string with JSON escapes: `"` and `\`, the short escapes `\b \t \n \f \r`, and `\u00xx` for the
    /// other control characters; everything else (including `/` and non-ASCII) as UTF-8.
    public mutating func write(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, scopes, units) need no escape at all: copy them in one go.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(RandomIdentifier.hexDigit(byte >> 4))
                bytes.append(RandomIdentifier.hexDigit(byte & 0x0F))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends bytes that are already valid JSON for one value.
    public mutating func writeRaw(_ json: some Sequence<UInt8>) { bytes.append(contentsOf: json) }

    // MARK: - Containers

    /// Writes an object; `body` writes its fields with `field(_:_:)` in sorted key order.
    public mutating func writeObject(_ body: (inout CanonicalJSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        assert({ lastKeys.append([]); return true }())
        body(&self)
        assert({ lastKeys.removeLast(); return true }())
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes an array of values.
    public mutating func writeArray<Element: CanonicalJSONWritable>(_ elements: [Element]) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element.writeJSON(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes a dictionary as an object with its keys sorted.
    public mutating func writeDictionary<Value: CanonicalJSONWritable>(_ dictionary: [String: Value]) {
        writeObject { writer in
            for key in dictionary.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                writer.field(key, dictionary[key])
            }
        }
    }

    /// Writes one field of the object being written; a `nil` value writes nothing.
    public mutating func field(_ key: String, _ value: (some CanonicalJSONWritable)?) {
        guard let value else { return }
        assert(lastKeys.last.map { $0.lexicographicallyPrecedes(key.utf8) || $0.isEmpty } ?? true,
            "object keys must be written in sorted order (\(key))")
        assert({ lastKeys[lastKeys.count - 1] = Array(key.utf8); return true }())
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        write(key)
        bytes.append(UInt8(ascii: ":"))
        value.writeJSON(to: &self)
    }
}
