import Synchronization

/// A bounded in-memory log of runtime requests, newest last.
///
/// When full, the oldest entries are dropped, so a long-running mock never grows without bound.
public final class RequestJournal: Sendable {
    private struct State {
        var entries: [JournalEntry] = []
        var nextSequence = 1
    }

    /// The most entries kept.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty journal keeping at most `capacity` entries (at least 1).
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Appends an entry, assigning its sequence number; returns the stored entry.
    @discardableResult
    public func record(_ entry: JournalEntry) -> JournalEntry {
        state.withLock { state in
            var stored = entry
            stored.sequence = state.nextSequence
            state.nextSequence += 1
            state.entries.append(stored)
            if state.entries.count > capacity {
                // Drop in chunks of a tenth so appends stay amortised O(1).
                state.entries.removeFirst(max(state.entries.count - capacity, capacity / 10))
            }
            return stored
        }
    }

    /// How many entries were ever recorded (the last sequence number given out; cleared entries still count), so
    /// a watcher can tell whether anything arrived without copying the entries.
    public var recordedCount: Int { state.withLock { $0.nextSequence - 1 } }

    /// The entries that pass `query`, in arrival order (the most recent `limit` of them).
    public func entries(matching query: JournalQuery = JournalQuery()) -> [JournalEntry] {
        let matching = state.withLock { $0.entries.filter(query.matches) }
        guard let limit = query.limit, limit >= 0, matching.count > limit else { return matching }
        return Array(matching.suffix(limit))
    }

    /// Forgets every entry, or only those of one namespace.
    public func clear(namespace: String? = nil) {
        state.withLock { state in
            if let namespace {
                state.entries.removeAll { $0.namespace == namespace }
            } else {
                state.entries.removeAll()
            }
        }
    }
}
