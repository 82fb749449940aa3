import CyclesProtocol
import Foundation
import GRDB
import Testing

@testable import CyclesServer

/// Databases written before the v2 schema (WITHOUT ROWID tables, AUTOINCREMENT) must open with every row intact.
struct SchemaMigrationTests {
    static func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test("A v1 database migrates to rowid tables with its state, transition journals, replays and invariants intact")
    func v1DatabaseMigrates() async throws {
        let directory = FileManager.default.temporaryDirectory.path
        let sourcePath = "\(directory)/migrate-source-\(UUID().uuidString).sqlite"
        let v1Path = "\(directory)/migrate-v1-\(UUID().uuidString).sqlite"
        defer {
            Self.removeDatabase(at: sourcePath)
            Self.removeDatabase(at: v1Path)
        }

        // Realistic rows: a seed, an active reservation, a committed one, a released one.
        let source = try Ledger(databasePath: sourcePath)
        try await source.applySeed(Fixture.seed())
        try await source.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start))
        let kept = try await source.reserveValue(Fixture.reserve(100, key: "kept"))
        let committed = try await source.reserveValue(Fixture.reserve(50, key: "done"))
        _ = try await source.commit(
            try #require(committed.reservationID), CommitRequest(idempotencyKey: "commit-1", actual: .usdMicrocents(40)),
            as: Fixture.acme)
        let released = try await source.reserveValue(Fixture.reserve(30, key: "gone"))
        _ = try await source.release(
            try #require(released.reservationID), ReleaseRequest(idempotencyKey: "release-1"), as: .tenant(Fixture.acme))
        let before = try await source.state(namespace: "default")
        let journalsBefore = try source.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT reservation_id, transitions FROM reservation ORDER BY reservation_id")
        }
        #expect(journalsBefore.count == 3)
        #expect(journalsBefore.contains { ($0["transitions"] as String).hasSuffix(";ACTIVE>COMMITTED@\(Fixture.start)") })
        try source.close()

        // The same rows in a database that has only the v1 schema (column order is unchanged by v2).
        let v1 = try DatabasePool(path: v1Path)
        try LedgerSchema.migrator().migrate(v1, upTo: "v1")
        try await v1.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [sourcePath])
            try db.inTransaction {
                // Only the columns v1 had (later migrations add some, e.g. v3's API-key grants).
                // (v7 rebuilt audit_log without two of v1's columns, so only the columns both have are copied.)
                for table in ["tenant", "api_key", "budget", "idempotency", "audit_log", "event"] {
                    let sourceColumns = Set(
                        try Row.fetchAll(db, sql: "PRAGMA source.table_info(\(table))").map { $0["name"] as String })
                    let columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table))")
                        .map { $0["name"] as String }.filter(sourceColumns.contains).joined(separator: ", ")
                    try db.execute(sql: "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM source.\(table)")
                }
                // v1 kept reservations without the journal column and the journal in a table of its own.
                let v1Columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(reservation)").map { $0["name"] as String }
                let columns = v1Columns.joined(separator: ", ")
                try db.execute(sql: "INSERT INTO main.reservation (\(columns)) SELECT \(columns) FROM source.reservation")
                let journals = try Row.fetchAll(
                    db, sql: "SELECT reservation_id, transitions FROM source.reservation ORDER BY rowid")
                for journal in journals {
                    for step in (journal["transitions"] as String).split(separator: ";") {
                        let (body, at) = (step.split(separator: "@")[0], step.split(separator: "@")[1])
                        let parts = body.split(separator: ">", omittingEmptySubsequences: false)
                        try db.execute(
                            sql: """
                                INSERT INTO main.reservation_transition (reservation_id, from_status, to_status, at_ms)
                                VALUES (?, ?, ?, ?)
                                """,
                            arguments: [
                                journal["reservation_id"] as String, parts[0].isEmpty ? nil : String(parts[0]),
                                String(parts[1]), Int64(at),
                            ])
                    }
                }
                return .commit
            }
            try db.execute(sql: "DETACH DATABASE source")
        }
        let v1Tables = try await v1.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('reservation', 'idempotency')")
        }
        #expect(v1Tables.allSatisfy { $0.contains("WITHOUT ROWID") })
        try v1.close()

        // Opening it as a ledger migrates it.
        let migrated = try Ledger(databasePath: v1Path)
        defer { try? migrated.close() }
        try await migrated.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start))
        #expect(try await migrated.state(namespace: "default") == before)
        #expect(try await migrated.checkInvariants().isEmpty)
        let journalsAfter = try migrated.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT reservation_id, transitions FROM reservation ORDER BY reservation_id")
        }
        #expect(journalsAfter == journalsBefore)
        let transitionTable = try await migrated.pool.read { db in try db.tableExists("reservation_transition") }
        #expect(!transitionTable)
        let replay = try await migrated.reserve(Fixture.reserve(100, key: "kept"), as: Fixture.acme)
        #expect(replay.replayed)
        #expect(try replay.value().reservationID == kept.reservationID)
        let v2Tables = try await migrated.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table'")
        }
        // By table name: later migrations add columns such as `tenant.reservation_expiry_policy` to other tables.
        #expect(!v2Tables.contains { $0.hasPrefix("CREATE TABLE \"reservation\"") && $0.contains("WITHOUT ROWID") })
        #expect(v2Tables.contains { $0.hasPrefix("CREATE TABLE \"reservation\"") })
        #expect(!v2Tables.contains { $0.contains("AUTOINCREMENT") })
        // New writes work on the migrated tables.
        let fresh = try await migrated.reserveValue(Fixture.reserve(10, key: "after-migration"))
        #expect(fresh.decision == .allow)
    }

    @Test("v7-audit keeps earlier audit rows: admin releases and cascade rows become AuditLogEntry rows")
    func auditRowsMigrate() async throws {
        let path = "\(FileManager.default.temporaryDirectory.path)/migrate-audit-\(UUID().uuidString).sqlite"
        defer { Self.removeDatabase(at: path) }
        let v4 = try DatabasePool(path: path)
        try LedgerSchema.migrator().migrate(v4, upTo: "v4-tenant-lifecycle")
        try await v4.write { db in
            try db.execute(sql: "INSERT INTO tenant (tenant_id, namespace, name, status) VALUES ('acme', 'default', 'Acme', 'CLOSED')")
            try db.execute(
                sql: """
                    INSERT INTO audit_log (tenant_id, actor_type, operation, reservation_id, reason, at_ms) VALUES
                      ('acme', 'admin_on_behalf_of', 'reservation.release', 'rsv_1', 'stuck', 1000),
                      ('acme', 'admin', 'api_key.revoked_via_tenant_cascade', NULL, 'key_1', 2000),
                      ('acme', 'admin', 'tenant.closed', NULL, NULL, 3000)
                    """)
        }
        try v4.close()
        let ledger = try Ledger(databasePath: path)
        let logs = try await ledger.listAuditLogs(.init(sortDirection: "asc")).logs
        #expect(logs.map(\.operation) == ["releaseReservation", "api_key.revoked_via_tenant_cascade", "updateTenant"])
        #expect(logs.map(\.resourceType) == ["reservation", "api_key", "tenant"])
        #expect(logs.map(\.resourceID) == ["rsv_1", "key_1", "acme"])
        #expect(logs.map(\.timestamp) == [1000, 2000, 3000].map(RFC3339.string))
        #expect(logs[0].metadata == ["actor_type": "admin_on_behalf_of", "reason": "stuck"])
        #expect(logs.allSatisfy { $0.status == 200 && $0.tenantID == "acme" && $0.logID.hasPrefix("log_") })
        #expect(Set(logs.map(\.logID)).count == 3)
        try ledger.close()
    }
}
