public import Foundation

/// Whether and where the client keeps its durable settlement journal (the SDK recovery profile's *durable*
/// level). Off by default; turn it on in code or with `CYCLES_JOURNAL_ENABLED=true` / `CYCLES_JOURNAL_DIR`.
///
/// Records live under `directory/<identity fingerprint>/`, one file per unresolved settlement, in the on-disk
/// format the Python, TypeScript and Rust SDKs share, so any of them can settle what another left behind.
public struct JournalSettings: Sendable, Hashable {
    /// Whether commits are journaled before they are sent (`CYCLES_JOURNAL_ENABLED`).
    public var isEnabled: Bool
    /// The journal root (`CYCLES_JOURNAL_DIR`); the default is `~/.runcycles/commit-journal`, as in the other SDKs.
    public var directory: URL
    /// Whether a new client replays the records it finds for its identity when it starts (once per identity
    /// directory per process). Replay also needs ``RetryPolicy/isEnabled``.
    public var replayOnStart: Bool

    /// Creates journal settings.
    public init(isEnabled: Bool = false, directory: URL = JournalSettings.defaultDirectory, replayOnStart: Bool = true) {
        self.isEnabled = isEnabled
        self.directory = directory
        self.replayOnStart = replayOnStart
    }

    /// `~/.runcycles/commit-journal`, the cross-SDK default.
    public static var defaultDirectory: URL {
        FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".runcycles", isDirectory: true)
            .appendingPathComponent("commit-journal", isDirectory: true)
    }

    /// A journal kept in `directory`.
    public static func enabled(at directory: URL) -> JournalSettings {
        JournalSettings(isEnabled: true, directory: directory)
    }
}
