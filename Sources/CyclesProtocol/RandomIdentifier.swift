/// Random identifiers without Foundation: UUID v4 strings and W3C trace/span ids.
///
/// Without an explicit generator, bytes come from `IdentifierRandomness` (seeded once from the system, no system call
/// per id), eight per `next()`: ids are made on every request (request id, trace id, reservation id), and drawing one
/// byte per `getrandom` call had made id generation one of the server's largest costs.
public enum RandomIdentifier {
    /// A random lowercase UUID v4, for example `"3f2b…-4…"`.
    public static func uuidString() -> String {
        var generator = IdentifierRandomness()
        return uuidString(using: &generator)
    }

    /// A UUID v4 string drawn from `generator` (seeded generators make ids reproducible).
    public static func uuidString(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = randomBytes(16, using: &generator)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        var utf8: [UInt8] = []
        utf8.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { utf8.append(UInt8(ascii: "-")) }
            appendHex(byte, to: &utf8)
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// `byteCount` random bytes as lowercase hex, never all zero (32 hex digits for a trace id).
    public static func hex(byteCount: Int) -> String {
        var generator = IdentifierRandomness()
        return hex(byteCount: byteCount, using: &generator)
    }

    /// `byteCount` bytes from the system's cryptographic generator as lowercase hex, never all zero: for secrets such
    /// as generated API keys, which must not be predictable from ids the same process has handed out.
    public static func secretHex(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(byteCount: byteCount, using: &generator)
    }

    /// `byteCount` bytes from `generator` as lowercase hex, never all zero (empty for a count below one).
    public static func hex(byteCount: Int, using generator: inout some RandomNumberGenerator) -> String {
        guard byteCount > 0 else { return "" }
        while true {
            let bytes = randomBytes(byteCount, using: &generator)
            if bytes.contains(where: { $0 != 0 }) { return hexString(bytes) }
        }
    }

    /// Lowercase hex of `bytes`.
    public static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { appendHex(byte, to: &utf8) }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var word: UInt64 = generator.next()
            for _ in 0..<min(8, count - bytes.count) {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes
    }

    @inline(__always)
    private static func appendHex(_ byte: UInt8, to utf8: inout [UInt8]) {
        utf8.append(hexDigit(byte >> 4))
        utf8.append(hexDigit(byte & 0x0F))
    }

    /// The lowercase hex digit of a nibble (0–15), as an ASCII byte.
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
