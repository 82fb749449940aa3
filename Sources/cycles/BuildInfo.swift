import CyclesProtocol

/// What `cycles --version` reports: the release version, the commit it was built from, and the protocol version.
///
/// The commit cannot come from the compiler, so it is stamped in from outside: `scripts/package.sh` writes
/// `BuildInfo+Commit.generated.swift` (git-ignored) declaring `BuildInfo.stampedCommit`, builds, then deletes it.
/// A concrete type's member shadows a protocol-extension member of the same name, so with the file present the
/// stamped value wins and without it (`swift run`, `swift build`) the default below applies and the commit reads
/// "unknown" rather than a guess that could be stale.
struct BuildInfo: BuildInfoStamp, Sendable, Equatable {
    /// The release version of this package; bump it with each release. The tarball and the wheel take their
    /// version from this value (read back through `cycles --version`), so it is defined only here.
    static let releaseVersion = "0.1.0"

    /// The release version.
    var version: String
    /// The git commit the binary was built from (with `-dirty` when the tree had uncommitted changes), if stamped.
    var commit: String?
    /// The Cycles protocol version the server and client speak.
    var protocolVersion: String

    /// The values compiled into this binary.
    static let current = BuildInfo(
        version: releaseVersion, commit: stampedCommit, protocolVersion: ProtocolLimits.protocolVersion)

    /// One line, e.g. `cycles 0.1.0 (commit 76712bb…, protocol 0.1.25)`; `cycles --version` prints it.
    var versionLine: String {
        "cycles \(version) (commit \(commit ?? "unknown"), protocol \(protocolVersion))"
    }
}

/// Supplies the default for `BuildInfo.stampedCommit`, which the generated file shadows when present.
protocol BuildInfoStamp {}

extension BuildInfoStamp {
    /// No commit was stamped in: this binary was built by plain `swift build` / `swift run`.
    static var stampedCommit: String? { nil }
}
