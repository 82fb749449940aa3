import Foundation
import Synchronization

/// The background journal replays of one client, so a graceful shutdown can wait for them (bounded).
final class ReplayTracker: Sendable {
    private let tasks = Mutex<[UUID: Task<Void, Never>]>([:])

    /// Identity directories already replayed by some client in this process: replay runs once per directory per
    /// process (as in the other SDKs); a later client for the same identity does not start a second pass.
    private static let claimed = Mutex<Set<String>>([])

    /// Claims `directory` for this process; false when another client already did.
    static func claim(_ directory: URL) -> Bool {
        claimed.withLock { $0.insert(directory.standardizedFileURL.path).inserted }
    }

    /// Runs `work` in the background and keeps it until it finishes.
    func track(_ work: @escaping @Sendable () async -> Void) {
        let id = UUID()
        tasks.withLock { tasks in
            tasks[id] = Task { [weak self] in
                await work()
                _ = self?.tasks.withLock { $0.removeValue(forKey: id) }
            }
        }
    }

    /// Replays still running.
    var pending: [Task<Void, Never>] { tasks.withLock { Array($0.values) } }
}
