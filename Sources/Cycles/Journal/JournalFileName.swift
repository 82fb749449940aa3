import Crypto

/// Journal file names for a reservation id.
///
/// The profile's standard name is `v2-<sha256 of the exact UTF-8 id, lowercase hex>.json`: distinct ids can
/// never share a file. Releases of the other SDKs before that scheme wrote the *legacy* name (every character
/// outside `[A-Za-z0-9_-]` replaced by `_`), under which `rsv/a` and `rsv_a` collide; legacy files are migrated,
/// and deleted only when their stored id matches exactly.
public enum JournalFileName {
    /// `v2-<sha256-lower-hex>.json`.
    public static func standard(for reservationID: String) -> String {
        "v2-" + hexDigest(SHA256.hash(data: Array(reservationID.utf8))) + ".json"
    }

    /// The pre-v2 name: the id with every character outside `[A-Za-z0-9_-]` replaced by `_`, plus `.json`.
    public static func legacy(for reservationID: String) -> String {
        var name = ""
        for scalar in reservationID.unicodeScalars {
            let isSafe = scalar.isASCII
                && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "_" || scalar == "-")
            name.unicodeScalars.append(isSafe ? scalar : "_")
        }
        return name + ".json"
    }
}
