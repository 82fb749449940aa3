import GRDB
import Synchronization

extension Ledger {
    /// The tenant row, from memory when possible.
    ///
    /// Why a cache is safe here: tenant rows change only through seeding and namespace operations, and each of those
    /// calls `reloadAuthentication()` after its write commits, which empties this cache. Entries are stored only
    /// from inside write transactions, which the single writer orders strictly before or after such a write, so an
    /// entry can be stale only while a seed is still in progress, when a concurrent request may be ordered either
    /// side of it anyway. Like the API-key table, it assumes this process is the database's only writer.
    func tenantRecord(_ db: Database, tenantID: String) throws -> TenantRecord? {
        if let cached = tenantCache.withLock({ $0[tenantID] }) { return cached }
        guard let record = try TenantRecord.fetch(db, tenantID: tenantID) else { return nil }
        tenantCache.withLock { $0[tenantID] = record }
        return record
    }
}
