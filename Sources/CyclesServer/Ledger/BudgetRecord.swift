import CyclesProtocol
import GRDB

/// One (tenant, scope, unit) budget ledger row, as held in SQLite.
struct BudgetRecord: Sendable, Hashable {
    var tenantID: String
    var scopePath: String
    var unit: BudgetUnit
    var allocated: Int64
    var remaining: Int64
    var reserved: Int64
    var spent: Int64
    var debt: Int64
    var overdraftLimit: Int64
    var isOverLimit: Bool
    var status: String
    var commitOveragePolicy: CommitOveragePolicy?
    var caps: Caps?

    /// The columns `init(row:)` reads, in its order.
    static let columnNames = [
        "tenant_id", "scope_path", "unit", "allocated", "remaining", "reserved", "spent", "debt", "overdraft_limit",
        "is_over_limit", "status", "commit_overage_policy", "caps_json",
    ]
    static let columns = columnNames.joined(separator: ", ")

    /// Every column, qualified with `alias` (for joins).
    static func columns(qualifiedBy alias: String) -> String {
        columnNames.map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    /// Reads a row that selected exactly `columns`, in that order. By position, not by name: a budget row is read on
    /// every request, and GRDB's by-name lookup (a case-insensitive search of the column names) cost more than the
    /// values themselves.
    init(row: Row) {
        tenantID = row[0]
        scopePath = row[1]
        unit = BudgetUnit(rawValue: row[2])
        allocated = row[3]
        remaining = row[4]
        reserved = row[5]
        spent = row[6]
        debt = row[7]
        overdraftLimit = row[8]
        isOverLimit = row[9]
        status = row[10]
        commitOveragePolicy = (row[11] as String?).map(CommitOveragePolicy.init(rawValue:))
        caps = (row[12] as String?).flatMap { try? LedgerJSON.decode(Caps.self, from: $0) }
    }

    /// The wire view of this ledger (`scope` is the leaf segment, `scope_path` the full path).
    var balance: Balance {
        Balance(
            // The last segment of a stored (validated) path is its leaf; no need to parse the whole path.
            scope: scopePath.lastIndex(of: "/").map { String(scopePath[scopePath.index(after: $0)...]) } ?? scopePath,
            scopePath: scopePath,
            remaining: Amount(unit: unit, amount: remaining), reserved: Amount(unit: unit, amount: reserved),
            spent: Amount(unit: unit, amount: spent), debt: Amount(unit: unit, amount: debt),
            allocated: Amount(unit: unit, amount: allocated), overdraftLimit: Amount(unit: unit, amount: overdraftLimit),
            isOverLimit: isOverLimit)
    }

    /// Writes the mutable ledger fields back.
    func save(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE budget SET remaining = ?, reserved = ?, spent = ?, debt = ?, is_over_limit = ?
                WHERE tenant_id = ? AND scope_path = ? AND unit = ?
                """
        ).execute(arguments: [remaining, reserved, spent, debt, isOverLimit, tenantID, scopePath, unit.rawValue])
    }
}
