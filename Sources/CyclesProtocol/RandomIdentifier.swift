/// Random identifiers without Foundation: UUID v4 strings and W3C trace/span ids.
public enum RandomIdentifier {
    /// A random lowercase UUID v4, for example `"3f2b…-4…"`.
    public static func uuidString() -> String {
        var generator = SystemRandomNumberGenerator()
        return uuidString(using: &generator)
    }

    /// A UUID v4 string drawn from `generator` (seeded generators make ids reproducible).
    public static func uuidString(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = hexString(bytes)
        let characters = Array(hex)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        return groups.joined(separator: "-")
    }

    /// `byteCount` random bytes as lowercase hex, never all zero (32 hex digits for a trace id).
    public static func hex(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(byteCount: byteCount, using: &generator)
    }

    /// `byteCount` bytes from `generator` as lowercase hex, never all zero.
    public static func hex(byteCount: Int, using generator: inout some RandomNumberGenerator) -> String {
        while true {
            let bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.contains(where: { $0 != 0 }) { return hexString(bytes) }
        }
    }

    /// Lowercase hex of `bytes`.
    public static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var result = ""
        for byte in bytes {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0x0F)])
        }
        return result
    }
}
