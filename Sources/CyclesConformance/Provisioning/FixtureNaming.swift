import CyclesProtocol

/// Fresh, collision-free names for provisioned objects and keys.
public enum FixtureNaming {
    /// A tenant id valid for the admin API (`^[a-z0-9-]+$`, 3–64 characters).
    public static func tenantID() -> String { "conf-" + RandomIdentifier.hex(byteCount: 6) }
    /// A tenant API key in the reference format (`cyc_test_` + 32 characters).
    public static func apiKey() -> String { "cyc_test_" + RandomIdentifier.secretHex(byteCount: 16) }
    /// A fresh idempotency key.
    public static func idempotencyKey(_ label: String = "k") -> String {
        "conf-\(label)-" + RandomIdentifier.hex(byteCount: 8)
    }

    /// Percent-encodes a query value (keeps unreserved characters only).
    public static func queryEscape(_ value: String) -> String { PercentEncoding.encode(value) }
}
