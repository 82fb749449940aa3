package import CyclesProtocol
import GRDB

import Foundation

/// What `CyclesTesting` awaits and lists: the event log in append order and a subscription's delivery records, and
/// the signal that wakes a waiter once a change to either has committed (never before: a waiter woken by an
/// uncommitted write would read the old snapshot and sleep through the commit).
extension Ledger {
    /// One event with its position in the log.
    package struct EventLogEntry: Sendable {
        /// Append order (the table's `seq`): later events have larger values, whatever their timestamps say (a
        /// `--mock` clock can move timestamps backwards between namespaces).
        package var seq: Int64
        /// The event as the listings answer it.
        package var event: ProtocolEvent
    }

    /// Signals `eventStreamChanges` when the caller's transaction commits (nothing on rollback).
    func signalEventStreamChangeOnCommit(_ db: Database) {
        let changes = eventStreamChanges
        db.afterNextTransaction(onCommit: { _ in changes.signal() })
    }

    /// Up to `limit` events appended after `afterSeq`, oldest first, of `type` and `tenantID` when given.
    package func eventLogEntries(
        afterSeq: Int64 = 0, type: EventType? = nil, tenantID: String? = nil, limit: Int = 500
    ) async throws -> [EventLogEntry] {
        var conditions = ["seq > ?"]
        var arguments: [DatabaseValue] = [afterSeq.databaseValue]
        if let type {
            conditions.append("event_type = ?")
            arguments.append(type.rawValue.databaseValue)
        }
        if let tenantID {
            conditions.append("tenant_id = ?")
            arguments.append(tenantID.databaseValue)
        }
        let sql = "SELECT seq, body FROM event_log WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT ?"
        arguments.append(limit.databaseValue)
        let values = arguments
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map {
                (seq: $0["seq"] as Int64, body: $0["body"] as String)
            }
        }
        return try rows.map {
            EventLogEntry(seq: $0.seq, event: try CyclesJSON.decode(ProtocolEvent.self, from: Data($0.body.utf8)))
        }
    }

    /// Every delivery record of a subscription, oldest first (the listings answer them newest first, a page at a
    /// time). An unknown subscription has none.
    package func deliveryRecords(subscriptionID: String) async throws -> [WebhookDelivery] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_delivery WHERE subscription_id = ? ORDER BY id",
                arguments: [subscriptionID]
            ).map(Self.delivery(row:))
        }
    }
}
