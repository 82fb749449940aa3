/// Percent-encoding for path segments and query values, shared by the client, the mock control client and the
/// conformance kit.
public enum PercentEncoding {
    /// `text` with every byte outside RFC 3986's unreserved set (`A–Z a–z 0–9 - . _ ~`) written as `%XX` (upper-case
    /// hex), so the result is safe as a path segment or a query name or value.
    public static func encode(_ text: String) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                utf8.append(byte)
            } else {
                utf8.append(UInt8(ascii: "%"))
                utf8.append(upperHexDigit(byte >> 4))
                utf8.append(upperHexDigit(byte & 0x0F))
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func upperHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
}
