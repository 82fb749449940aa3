import Synchronization

/// Per namespace, a time before which no ACTIVE reservation's deadline falls, so the lazy expiry that opens every
/// reserve, decide and event can skip its query when nothing can be due.
///
/// Why: that query (`deadline_ms < now` on the due index) found nothing on almost every request, yet it ran inside
/// the single writer's transaction, which is what bounds the server's throughput. The horizon only ever errs low:
/// - a namespace without an entry is scanned (and the scan records the earliest remaining deadline);
/// - every new reservation lowers its namespace's entry to its own deadline; extensions only move deadlines later;
///   commits, releases and deletions only remove deadlines; so the entry stays at or below the true minimum;
/// - a write that rolls back might have raised an entry past deadlines it had expired and that are ACTIVE again, so
///   `WriteBatcher` calls `invalidateAll()` on every rollback, and seeds and namespace changes clear it too.
/// Like the tenant and API-key mirrors it assumes this process is the database's only writer; the background sweeper, which
/// does not use the horizon, still finds anything another writer left.
final class ExpiryHorizon: Sendable {
    private let horizons = Mutex<[String: Int64]>([:])

    /// Whether a reservation of `namespace` can be past its deadline at `now` (`true` when unknown).
    func mayHaveDue(namespace: String, now: Int64) -> Bool {
        guard let horizon = horizons.withLock({ $0[namespace] }) else { return true }
        return now > horizon
    }

    /// Records the earliest deadline among the namespace's ACTIVE reservations after a scan (`nil`: none).
    func record(namespace: String, earliestDeadline: Int64?) {
        horizons.withLock { $0[namespace] = earliestDeadline ?? .max }
    }

    /// A reservation with `deadline` was created: the horizon may not stay above it.
    func lower(namespace: String, to deadline: Int64) {
        horizons.withLock { table in
            if let current = table[namespace] { table[namespace] = min(current, deadline) }
        }
    }

    /// Forgets every horizon (the next access of each namespace scans).
    func invalidateAll() {
        horizons.withLock { $0.removeAll() }
    }
}
