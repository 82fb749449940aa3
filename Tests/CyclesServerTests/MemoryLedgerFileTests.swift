import Foundation
import Testing

@testable import CyclesServer

/// A `:memory:` ledger lives in a file on `/dev/shm` (or the temporary directory); that memory must come back.
struct MemoryLedgerFileTests {
    @Test("A :memory: ledger's files are gone once it is closed, and once it is dropped without closing")
    func filesGoAway() throws {
        var closedPath: String?
        do {
            let ledger = try Ledger(databasePath: ":memory:")
            closedPath = ledger.temporaryPath
            #expect(FileManager.default.fileExists(atPath: try #require(closedPath)))
            try ledger.close()
        }
        #expect(!FileManager.default.fileExists(atPath: try #require(closedPath)))
        var droppedPath: String?
        do {
            let ledger = try Ledger(databasePath: ":memory:")
            droppedPath = ledger.temporaryPath
            #expect(FileManager.default.fileExists(atPath: try #require(droppedPath)))
        }
        let dropped = try #require(droppedPath)
        for suffix in ["", "-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: dropped + suffix)) }
        #expect(dropped.contains("/\(Ledger.temporaryFilePrefix)\(getpid())-"), "the file names its owner: \(dropped)")
    }

    @Test("Files of a process that is gone are swept; a live owner's files and other names are left alone")
    func orphansAreSwept() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Int32.max is above any kernel's pid_max, so no such process can exist.
        let orphan = ["", "-wal", "-shm"].map { "\(Ledger.temporaryFilePrefix)\(Int32.max)-abcdef.sqlite\($0)" }
        let kept = ["\(Ledger.temporaryFilePrefix)\(getpid())-abcdef.sqlite", "\(Ledger.temporaryFilePrefix)legacy.sqlite", "other.sqlite"]
        for name in orphan + kept {
            #expect(FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data()))
        }
        Ledger.removeOrphanedFiles(in: directory)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(left == Set(kept))
    }
}
