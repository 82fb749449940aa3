import CyclesProtocol
import GRDB

import Foundation

/// Idempotency keys are scoped per (tenant, endpoint, key). "Endpoint" is `reserve` (shared by live and dry-run),
/// `decide`, `event`, and for commit/release/extend the concrete path including the reservation id (protocol.md
/// §16.2), so one key may commit reservation A and later B.
extension Ledger {
    struct StoredReply: Sendable {
        var requestHash: String
        var status: Int
        var body: Data
        var reservationID: String?
    }

    /// How long a stored answer is kept (protocol.md §16.3): decide and dry-run 24 h, live reserve
    /// max(ttl + grace, 24 h), events 7 days, commit/release/extend for the life of the reservation (no expiry).
    static let dayMs: Int64 = 86_400_000

    func storedReply(_ db: Database, tenant: String, endpoint: String, key: String, now: Int64) throws
        -> StoredReply?
    {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT request_hash, http_status, body, reservation_id, expires_at_ms FROM idempotency
                        WHERE tenant_id = ? AND endpoint = ? AND key = ?
                        """), arguments: [tenant, endpoint, key])
        else { return nil }
        if let expiresAt = row["expires_at_ms"] as Int64?, now > expiresAt { return nil }
        return StoredReply(
            requestHash: row["request_hash"], status: row["http_status"], body: row["body"],
            reservationID: row["reservation_id"])
    }

    func storeReply(
        _ db: Database, tenant: String, endpoint: String, key: String, hash: String, status: Int, body: Data,
        reservationID: String?, now: Int64, retainMs: Int64?
    ) throws {
        // INSERT OR REPLACE: an expired entry under the same key is superseded by the fresh answer.
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO idempotency (tenant_id, endpoint, key, request_hash, http_status, body,
                  reservation_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            tenant, endpoint, key, hash, status, body, reservationID, now,
            retainMs.map { now.addingReportingOverflow($0).overflow ? Int64.max : now + $0 },
        ])
    }

    /// The earlier answer to this key on `endpoint`, replayed (or 409 IDEMPOTENCY_MISMATCH for a different payload);
    /// `nil` when the request is fresh. Every mutating operation starts with this, so replay beats every other check.
    func replayIfStored<T>(
        _ db: Database, tenant: String, endpoint: String, key: String, hash: String, now: Int64
    ) throws -> LedgerReply<T>? {
        guard let stored = try storedReply(db, tenant: tenant, endpoint: endpoint, key: key, now: now) else { return nil }
        let (status, body) = try replay(db, stored: stored, hash: hash, key: key, now: now)
        return LedgerReply(status: status, body: body, tenant: tenant, replayed: true)
    }

    /// Encodes a fresh success and stores it under its key in the same transaction as the mutation, so a lost
    /// response can always be recovered by retrying; returns the reply.
    func recordReply<T: Encodable>(
        _ db: Database, _ response: T, status: Int = 200, tenant: String, endpoint: String, key: String,
        hash: String, reservationID: String?, now: Int64, retainMs: Int64? = nil
    ) throws -> LedgerReply<T> {
        let body = try LedgerJSON.data(response)
        try storeReply(
            db, tenant: tenant, endpoint: endpoint, key: key, hash: hash, status: status, body: body,
            reservationID: reservationID, now: now, retainMs: retainMs)
        return LedgerReply(status: status, body: body, tenant: tenant, replayed: false)
    }

    /// Replays a stored success, or throws 409 IDEMPOTENCY_MISMATCH when the payload differs.
    /// Only `remaining_ttl_ms` is recomputed: `max(0, original expires_at_ms − now)` while the reservation is
    /// ACTIVE, else 0. Everything else (ids, balances, expires_at_ms) is the original answer, byte for byte.
    func replay(_ db: Database, stored: StoredReply, hash: String, key: String, now: Int64) throws -> (Int, Data) {
        guard stored.requestHash == hash else {
            throw LedgerError(
                .idempotencyMismatch,
                "Idempotency key '\(key)' was already used with a different request payload")
        }
        guard let reservationID = stored.reservationID,
            case .object(var members)? = try? JSONValueParser.parse(Array(stored.body)),
            members["remaining_ttl_ms"] != nil, let expiresAt = members["expires_at_ms"]?.integerValue
        else { return (stored.status, stored.body) }
        let status = try String.fetchOne(
            db.cachedStatement(sql: "SELECT status FROM reservation WHERE reservation_id = ?"),
            arguments: [reservationID])
        let remaining = status == ReservationStatus.active.rawValue ? max(0, expiresAt &- now) : 0
        members["remaining_ttl_ms"] = .integer(remaining)
        return (stored.status, try LedgerJSON.data(JSONValue.object(members)))
    }
}
