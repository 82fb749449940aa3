import CyclesProtocol
import GRDB
import Synchronization

/// `api_key.expired`: when a key's `expires_at` passes on its namespace's clock, the expiry sweeper (every second,
/// and `advanceClock` at once) stores the key as EXPIRED and emits the event in the same transaction.
///
/// Why the sweep and not the first presentation of the expired key: authentication is on every request's path and
/// reads only the in-memory key table, and an expired key that is never presented again would never produce the event.
/// Exactly once per key: the row moves ACTIVE → EXPIRED under `WHERE status = 'ACTIVE'`, and only the transaction
/// that made that change emits. (A key is refused from the instant its `expires_at` passes either way: `authEntry`
/// compares the clock itself, so the sweep's second of lag never lets an expired key through.)
extension Ledger {
    /// Marks every ACTIVE key of `namespace` whose expiry has passed as EXPIRED, emitting `api_key.expired` for each.
    /// Looks at the in-memory key table first, so a sweep with nothing due costs no SQL.
    func expireDueAPIKeys(namespace: String) async throws {
        let now = now(namespace: namespace)
        let due = dueAPIKeyIDs(namespace: namespace, now: now)
        guard !due.isEmpty else { return }
        let context = EventContext.currentOrInternal()
        try await write { db in
            for keyID in due {
                guard let current = try self.fetchAPIKey(db, keyID) else { continue }
                try db.execute(
                    sql: "UPDATE api_key SET status = 'EXPIRED' WHERE key_id = ? AND status = 'ACTIVE' AND expires_at_ms <= ?",
                    arguments: [keyID, now])
                guard db.changesCount == 1 else { continue }
                try self.appendEvent(
                    db, .apiKeyExpired, tenantID: current.tenantID, actor: .system,
                    data: EventDataApiKey(
                        keyID: keyID, keyName: current.name, previousStatus: "ACTIVE", newStatus: "EXPIRED",
                        permissions: current.permissions),
                    correlationID: "api_key_expired:\(keyID)", context: context, now: now)
            }
        }
        try reloadTenants()
    }

    /// The ACTIVE keys of `namespace` whose `expires_at` has passed at `now`, from the in-memory key table.
    func dueAPIKeyIDs(namespace: String, now: Int64) -> [String] {
        apiKeys.withLock { table in
            table.values.filter { $0.namespace == namespace && $0.active && ($0.expiresAtMs.map { now >= $0 } ?? false) }
                .map(\.keyID)
        }
    }
}
