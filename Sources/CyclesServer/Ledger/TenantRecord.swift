import CyclesProtocol
import GRDB

/// A tenant row: status and the runtime settings that shape reservations.
struct TenantRecord: Sendable {
    var tenantID: String
    var namespace: String
    var status: String
    var defaultOveragePolicy: CommitOveragePolicy?
    var maxExtensions: Int?
    var defaultTTLMs: Int64?
    var maxTTLMs: Int64?

    var isClosed: Bool { status == "CLOSED" }

    /// Every tenant row.
    static func fetchAll(_ db: Database) throws -> [TenantRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT tenant_id, namespace, status, default_overage_policy, max_extensions, default_ttl_ms, max_ttl_ms
                FROM tenant
                """
        ).map { row in
            TenantRecord(
                tenantID: row["tenant_id"], namespace: row["namespace"], status: row["status"],
                defaultOveragePolicy: (row["default_overage_policy"] as String?).map(CommitOveragePolicy.init(rawValue:)),
                maxExtensions: row["max_extensions"], defaultTTLMs: row["default_ttl_ms"], maxTTLMs: row["max_ttl_ms"])
        }
    }

    /// 403 FORBIDDEN for new work (a reserve that is not a dry run, an event) of a SUSPENDED tenant, and 409
    /// TENANT_CLOSED of a closed one. The admin spec says a suspended tenant is "read-only, no new reservations;
    /// existing active reservations can still commit/release" but gives the runtime no code for it, so
    /// `protocol.md` §16.18's fallback, 403 FORBIDDEN, is used; commit, release, extend and reads go on.
    /// Dry runs and decide stay evaluations (they persist nothing).
    func requireAcceptsNewWork() throws {
        try requireOpen()
        if status == "SUSPENDED" {
            throw LedgerError(
                .forbidden, "Tenant \(tenantID) is suspended: no new reservations or events", tenant: tenantID)
        }
    }

    /// 409 TENANT_CLOSED for fresh mutations of a closed tenant's objects.
    func requireOpen() throws {
        if isClosed {
            throw LedgerError(
                .tenantClosed, "Tenant \(tenantID) is closed; owned objects are read-only", tenant: tenantID)
        }
    }
}
