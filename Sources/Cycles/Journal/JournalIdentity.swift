import Crypto
import CryptoExtras
import Foundation

/// The non-secret name of one (server, principal) pair: the journal's per-identity subdirectory.
///
/// Cross-SDK convention (Python, TypeScript and Rust compute the same value): PBKDF2-HMAC-SHA256 of
/// `"tenant\n" + tenant` when a tenant is configured (so rotating the API key keeps the partition), else
/// `"key\n" + apiKey`, salted with `"runcycles-commit-journal\n" + baseURL` exactly as configured, 30 000
/// rounds, 32 bytes, the first 16 lowercase hex digits. The API key itself is never stored.
public enum JournalIdentity {
    /// The fingerprint for `baseURL` and the principal.
    public static func fingerprint(baseURL: String, apiKey: String, tenant: String?) -> String {
        let principal: String
        if let tenant, !tenant.trimmingCharacters(in: .whitespaces).isEmpty {
            principal = "tenant\n" + tenant
        } else {
            principal = "key\n" + apiKey
        }
        // Decision: 30 000 rounds is below swift-crypto's checked minimum, but it is the fixed cross-SDK
        // parameter; a different count would give a different directory and orphan other SDKs' records.
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Array(principal.utf8), salt: Array("runcycles-commit-journal\n\(baseURL)".utf8), using: .sha256,
            outputByteCount: 32, unsafeUncheckedRounds: 30_000)
        guard let key else {
            // PBKDF2 with these parameters cannot fail; fall back to a plain digest so a journal still works.
            return String(hexDigest(SHA256.hash(data: Array((principal + baseURL).utf8))).prefix(16))
        }
        return String(key.withUnsafeBytes { hexDigest($0) }.prefix(16))
    }
}

/// Lowercase hex of a byte sequence.
func hexDigest<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
