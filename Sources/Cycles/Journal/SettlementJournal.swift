public import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// The file-per-settlement journal of one identity directory.
///
/// Every write is atomic and durable: a uniquely named temporary file (`0600`) is written and `fsync`ed, renamed
/// over the record, and the directory (`0700`) is `fsync`ed so the rename survives a crash. One file per
/// reservation means no cross-process locking: two processes replaying the same record send the same
/// idempotency key, so the server settles it once.
public struct SettlementJournal: Sendable {
    /// The identity directory (`<root>/<fingerprint>`).
    public let directory: URL

    /// A journal kept in `directory`.
    public init(directory: URL) { self.directory = directory }

    /// The journal for a client configuration: `<journal root>/<identity fingerprint>`.
    public init(root: URL, baseURL: String, apiKey: String, tenant: String?) {
        self.directory = root.appendingPathComponent(
            JournalIdentity.fingerprint(baseURL: baseURL, apiKey: apiKey, tenant: tenant), isDirectory: true)
    }

    /// A journal I/O failure (surfaced to operators; settlement goes on without durability).
    public struct IOFailure: Error, Sendable, CustomStringConvertible {
        /// What failed.
        public let operation: String
        /// The file involved.
        public let path: String
        /// `errno` of the failing call.
        public let errorNumber: Int32
        /// A readable description.
        public var description: String { "\(operation) \(path): \(String(cString: strerror(errorNumber)))" }
    }

    /// The standard path of a reservation's record.
    public func url(for reservationID: String) -> URL {
        directory.appendingPathComponent(JournalFileName.standard(for: reservationID), isDirectory: false)
    }

    /// Writes (or replaces) a record atomically and durably.
    public func write(_ record: PendingSettlement) throws {
        try makeDirectories()
        let target = url(for: record.reservationID)
        let data = try record.encoded()
        let temporary = directory.appendingPathComponent(
            "\(target.lastPathComponent).\(getpid()).\(hexDigest((0..<4).map { _ in UInt8.random(in: 0...255) })).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw IOFailure(operation: "create", path: temporary.path, errorNumber: errno) }
        var failure: IOFailure?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = IOFailure(operation: "write", path: temporary.path, errorNumber: errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = IOFailure(operation: "fsync", path: temporary.path, errorNumber: errno) }
        close(fd)
        if failure == nil && rename(temporary.path, target.path) != 0 {
            failure = IOFailure(operation: "rename", path: target.path, errorNumber: errno)
        }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        try syncDirectory()
    }

    /// Removes a reservation's record after a terminal outcome: the standard file, and a legacy-named file only
    /// when the id stored in it is exactly `reservationID` (a colliding id's record is never deleted).
    public func discard(_ reservationID: String) throws {
        let standard = url(for: reservationID)
        if unlink(standard.path) != 0 && errno != ENOENT {
            throw IOFailure(operation: "unlink", path: standard.path, errorNumber: errno)
        }
        let legacy = directory.appendingPathComponent(JournalFileName.legacy(for: reservationID))
        if let data = FileManager.default.contents(atPath: legacy.path),
            let record = try? PendingSettlement(decoding: data), record.reservationID == reservationID
        {
            unlink(legacy.path)
        }
        try? syncDirectory()
    }

    /// What a scan found.
    public struct Scan: Sendable {
        /// Valid records for the requested server, oldest file name first.
        public var pending: [PendingSettlement] = []
        /// Files that were not usable records, renamed to `*.corrupt`, with the reason.
        public var quarantined: [(file: String, reason: String)] = []
        /// Legacy-named files moved to their standard name.
        public var migrated: [String] = []
    }

    /// Loads the records for `baseURL`: reaps temporary files older than an hour (crashed writers), quarantines
    /// malformed or unsupported records as `*.corrupt` (they never block the valid ones), and migrates legacy
    /// file names to the standard name when that is safe.
    public func scan(baseURL: String) -> Scan {
        var scan = Scan()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return scan }
        let cutoff = Date().addingTimeInterval(-3600)
        for name in names where name.hasSuffix(".tmp") {
            let path = directory.appendingPathComponent(name).path
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                modified < cutoff
            {
                unlink(path)
            }
        }
        for name in names.filter({ $0.hasSuffix(".json") }).sorted() {
            let path = directory.appendingPathComponent(name)
            let record: PendingSettlement
            do {
                guard let data = FileManager.default.contents(atPath: path.path) else { continue }
                record = try PendingSettlement(decoding: data)
            } catch {
                let quarantine = path.deletingPathExtension().appendingPathExtension("corrupt")
                rename(path.path, quarantine.path)
                scan.quarantined.append((name, error.description))
                continue
            }
            let standard = url(for: record.reservationID)
            if standard.lastPathComponent != name {
                if !FileManager.default.fileExists(atPath: standard.path) {
                    if rename(path.path, standard.path) == 0 { scan.migrated.append(name) }
                } else if let data = FileManager.default.contents(atPath: standard.path),
                    let existing = try? PendingSettlement(decoding: data), existing.reservationID == record.reservationID
                {
                    // The same settlement under both names: the standard file is authoritative.
                    unlink(path.path)
                    continue
                }
            }
            if record.baseURL == baseURL { scan.pending.append(record) }
        }
        try? syncDirectory()
        return scan
    }

    private func makeDirectories() throws {
        let parent = directory.deletingLastPathComponent()
        for url in [parent, directory] {
            if mkdir(url.path, 0o700) != 0 && errno != EEXIST {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
            chmod(url.path, 0o700)  // best effort: records carry spend metadata
        }
    }

    private func syncDirectory() throws {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IOFailure(operation: "open directory", path: directory.path, errorNumber: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw IOFailure(operation: "fsync directory", path: directory.path, errorNumber: errno) }
    }
}
