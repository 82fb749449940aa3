import GRDB
import Synchronization

/// Group commit for the ledger's write transactions.
///
/// Why: SQLite has one writer, so every mutating request already runs strictly one after another. Committed one
/// transaction each, a request pays for its own `BEGIN`/`COMMIT`, its own WAL frames (every page it dirtied, written
/// again by the next request that dirties the same budget or index page), its share of checkpoint `fsync`s and one
/// hop onto GRDB's writer queue. Under concurrency that was most of a reserve's cost. Here requests that arrive while
/// the writer is busy queue up, and the writer runs the whole queue (up to `maximumBatchSize`) in **one**
/// transaction, each request inside its own savepoint.
///
/// What stays exactly as before:
/// - **Serializability.** Jobs run one after another on the single writer connection, each seeing every earlier
///   job's writes, so a batch is equivalent to running its jobs one transaction each, in queue order.
/// - **Isolation of failures.** A job that throws a `LedgerError` keeps what it wrote before the check that failed
///   (a lazy expiry), exactly as a committed transaction did; any other error rolls back only that job's savepoint.
/// - **Durability before answer.** No job's result is delivered until the batch's `COMMIT` has succeeded, so an
///   idempotent answer is never sent unless it is stored. If the commit (or `BEGIN`) fails, every job of the batch
///   gets that error and nothing any of them wrote is kept.
/// - **Fairness.** After each batch the writer queue is released (the next batch is scheduled behind whatever else
///   waits on GRDB's writer, such as seeding), so a steady stream of requests never starves admin writes.
///
/// **Idle fast path.** A request that finds the batcher idle runs its transaction at once, on the calling thread
/// (`DatabasePool.writeWithoutTransaction`, synchronous), instead of hopping to GRDB's writer queue and back: on a
/// lightly loaded server that hop pair was a third of a reserve's latency. It blocks the calling thread only for its
/// own short transaction (or, rarely, while an admin write such as a seed holds the writer). Requests that arrive
/// meanwhile queue up and are committed in batches on the writer queue, as above.
final class WriteBatcher: Sendable {
    /// One queued write: `run` executes it inside the batch's transaction and returns how to deliver its outcome
    /// once the transaction has ended; `fail` delivers an error for a job that never ran.
    private struct Job: Sendable {
        let run: @Sendable (Database) -> Delivery
        let fail: @Sendable (any Error) -> Void
    }

    /// Delivers a job's outcome: `nil` when the batch committed, else the error that prevented it.
    private typealias Delivery = @Sendable ((any Error)?) -> Void

    private struct State {
        var queue: [Job] = []
        /// A write (the inline fast path or a batch) is in progress or scheduled; new jobs queue behind it.
        var writing = false
    }

    /// Upper bound on jobs per transaction, so one batch's latency stays bounded under a flood.
    let maximumBatchSize: Int
    private let pool: DatabasePool
    private let state = Mutex(State())
    /// Called whenever something a job wrote is rolled back (so caches derived from writes can be dropped).
    private let onRollback: @Sendable () -> Void

    init(pool: DatabasePool, maximumBatchSize: Int = 128, onRollback: @escaping @Sendable () -> Void = {}) {
        self.pool = pool
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.onRollback = onRollback
    }

    /// Runs `body` inside the next batch's transaction and returns its result after that transaction commits.
    /// A `LedgerError` thrown by `body` is rethrown after the commit (what `body` wrote before throwing is kept);
    /// any other error rolls back what `body` wrote and is rethrown.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let runsInline = state.withLock { state in
            if state.writing { return false }
            state.writing = true
            return true
        }
        if runsInline {
            defer { finishInlineWrite() }
            return try writeInline(body)
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    let outcome = self.runInSavepoint(body, db)
                    return { commitError in
                        if let commitError {
                            continuation.resume(throwing: commitError)
                        } else {
                            continuation.resume(with: outcome)
                        }
                    }
                },
                fail: { error in continuation.resume(throwing: error) })
            enqueue(job)
        }
    }

    /// The idle fast path: one transaction for this job alone, on the calling thread. A synchronous function so
    /// that the blocking database access is explicit (and not an `async` call that merely looks cheap).
    private func writeInline<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in try runAlone(body, db) }
    }

    /// Ends the fast path: jobs that queued meanwhile are handed to the writer queue, else the batcher is idle.
    private func finishInlineWrite() {
        let hasQueued = state.withLock { state in
            if state.queue.isEmpty {
                state.writing = false
                return false
            }
            return true
        }
        if hasQueued { scheduleBatch() }
    }

    private func enqueue(_ job: Job) {
        let startsDrain = state.withLock { state in
            state.queue.append(job)
            if state.writing { return false }
            state.writing = true
            return true
        }
        if startsDrain { scheduleBatch() }
    }

    private func scheduleBatch() {
        pool.asyncWriteWithoutTransaction { db in self.runBatch(db) }
    }

    /// Takes up to `maximumBatchSize` queued jobs, runs them in one transaction, delivers their outcomes, then
    /// schedules the next batch if more jobs arrived meanwhile (or marks the batcher idle).
    private func runBatch(_ db: Database) {
        let batch: [Job] = state.withLock { state in
            let count = min(state.queue.count, maximumBatchSize)
            let taken = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return taken
        }
        var deliveries: [Delivery] = []
        deliveries.reserveCapacity(batch.count)
        do {
            try db.inTransaction(.immediate) {
                for job in batch { deliveries.append(job.run(db)) }
                return .commit
            }
            for deliver in deliveries { deliver(nil) }
        } catch {
            // BEGIN or COMMIT failed (or SQLite aborted the transaction): nothing of this batch is kept.
            onRollback()
            for (index, job) in batch.enumerated() {
                if index < deliveries.count { deliveries[index](error) } else { job.fail(error) }
            }
        }
        let hasMore = state.withLock { state in
            if state.queue.isEmpty {
                state.writing = false
                return false
            }
            return true
        }
        if hasMore { scheduleBatch() }
    }

    /// Runs one job as a whole transaction (no savepoint needed): a `LedgerError` commits what was written before
    /// it and is rethrown; any other error rolls the transaction back.
    private func runAlone<T>(_ body: (Database) throws -> T, _ db: Database) throws -> T {
        var outcome: Result<T, LedgerError>?
        do {
            try db.inTransaction(.immediate) {
                outcome = try Self.keepingLedgerErrors(body, db)
                return .commit
            }
        } catch {
            onRollback()
            throw error
        }
        guard let outcome else { preconditionFailure("inTransaction returned without running its body") }
        return try outcome.get()
    }

    /// Runs one job of a batch inside its own savepoint (see the type's documentation for what is kept on which
    /// error).
    private func runInSavepoint<T>(_ body: (Database) throws -> T, _ db: Database) -> Result<T, any Error> {
        var outcome: Result<T, LedgerError>?
        do {
            try db.inSavepoint {
                outcome = try Self.keepingLedgerErrors(body, db)
                return .commit
            }
        } catch {
            // inSavepoint rolled the savepoint back before rethrowing.
            onRollback()
            return .failure(error)
        }
        guard let outcome else { preconditionFailure("inSavepoint returned without running its body") }
        return outcome.mapError { $0 }
    }

    /// Runs `body`, turning a `LedgerError` into a result (what was written before it is kept: the caller commits)
    /// and rethrowing any other error (the caller rolls back).
    private static func keepingLedgerErrors<T>(_ body: (Database) throws -> T, _ db: Database) throws
        -> Result<T, LedgerError>
    {
        do {
            return .success(try body(db))
        } catch let error as LedgerError {
            return .failure(error)
        }
    }
}
