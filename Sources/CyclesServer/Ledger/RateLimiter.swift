import Synchronization

/// Counts requests per policy and scope in one-minute windows for a policy's `rate_limits`.
///
/// The spec names the limits (`max_reservations_per_minute`, `max_commits_per_minute`, "per scope") but not the
/// window, so windows are fixed minutes of the namespace clock (`[⌊now/60 000⌋·60 000, +60 000)`): the mock's
/// virtual clock drives them, and a denied caller learns exactly when the window ends (`Retry-After`). Counters are
/// kept per (namespace, policy, scope path, operation): "per scope" is read as per governed scope, so
/// `tenant:acme/*` limits each scope below acme on its own. They live in memory only (a restart forgets them) and
/// only requests that pass the check count, so a throttled client does not extend its own wait.
final class RateLimiter: Sendable {
    /// What is limited.
    enum Operation: Sendable, Hashable {
        case reserve
        case commit
    }

    struct Key: Sendable, Hashable {
        var namespace: String
        var policyID: String
        var scope: String
        var operation: Operation
    }

    private struct Window {
        var startMs: Int64
        var count: Int64
    }

    static let windowMs: Int64 = 60_000
    /// Past this many counters, a namespace's finished windows are dropped when it next counts.
    static let pruneThreshold = 10_000

    private let windows = Mutex<[Key: Window]>([:])

    /// Where the window containing `now` ends (epoch ms).
    static func windowEnd(containing now: Int64) -> Int64 {
        now - now.remainderReportingOverflow(dividingBy: windowMs).partialValue + windowMs
    }

    /// Admits one request under `limit` per window: `nil` when admitted (and counted when `consume`), else the
    /// milliseconds until the window ends. `consume: false` answers what a live request would get without counting
    /// (dry runs and decide).
    func admit(_ key: Key, limit: Int64, now: Int64, consume: Bool) -> Int64? {
        let end = Self.windowEnd(containing: now)
        let start = end - Self.windowMs
        return windows.withLock { table in
            var window = table[key].flatMap { $0.startMs == start ? $0 : nil } ?? Window(startMs: start, count: 0)
            guard window.count < limit else { return end - now }
            if consume {
                window.count += 1
                if table.count >= Self.pruneThreshold, table[key] == nil {
                    table = table.filter { $0.key.namespace != key.namespace || $0.value.startMs >= start }
                }
                table[key] = window
            }
            return nil
        }
    }

    /// Forgets every counter of `namespace` (it was reset or deleted).
    func forget(namespace: String) {
        windows.withLock { table in table = table.filter { $0.key.namespace != namespace } }
    }
}
