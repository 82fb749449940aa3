import CyclesProtocol
import Foundation
import GRDB
import Testing

@testable import CyclesServer

/// A database written before `v5-budget-admin` opens with its budgets intact and fully usable by the admin plane.
struct BudgetAdminMigrationTests {
    @Test("A v4 database migrates to v5: budgets keep their balances, gain a creation time and can be funded and listed")
    func v4DatabaseMigrates() async throws {
        let path = FileManager.default.temporaryDirectory.path + "/migrate-v4-\(UUID().uuidString).sqlite"
        defer { SchemaMigrationTests.removeDatabase(at: path) }
        let v4 = try DatabasePool(path: path)
        try LedgerSchema.migrator().migrate(v4, upTo: "v4-tenant-lifecycle")
        try await v4.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tenant (tenant_id, namespace, name, status) VALUES ('acme', 'default', 'Acme', 'ACTIVE');
                    INSERT INTO budget (tenant_id, scope_path, unit, allocated, remaining, reserved, spent, debt,
                      overdraft_limit, is_over_limit, status) VALUES
                      ('acme', 'tenant:acme', 'TOKENS', 1000, 600, 0, 300, 100, 200, 0, 'ACTIVE');
                    """)
        }
        #expect(try await v4.read { db in try !db.tableExists("admin_idempotency") })
        try v4.close()

        let ledger = try Ledger(databasePath: path)
        defer { try? ledger.close() }
        let migrated = try await ledger.lookupBudget(scope: "tenant:acme", unit: .tokens, as: .admin)
        #expect(migrated.remaining.amount == 600)
        #expect(migrated.debt?.amount == 100)
        #expect(migrated.status == "ACTIVE")
        #expect(RFC3339.epochMs(migrated.createdAt).map { $0 > 1_700_000_000_000 } == true)
        #expect(migrated.ledgerID == Ledger.ledgerID(tenantID: "acme", scope: "tenant:acme", unit: .tokens))
        let funded = try await ledger.fundBudget(
            scope: "tenant:acme", unit: .tokens, tenantID: "acme",
            BudgetFundingRequest(operation: .repayDebt, amount: .tokens(100), idempotencyKey: "after-migration"),
            as: .admin
        ).value()
        #expect(funded.newDebt?.amount == 0)
        #expect(funded.newRemaining.amount == 700)
        let listed = try await ledger.listBudgets(Ledger.BudgetQuery(), as: .admin)
        #expect(listed.ledgers.map(\.scope) == ["tenant:acme"])
        #expect(try await ledger.pool.read { db in try db.tableExists("admin_idempotency") })
        #expect(try await ledger.checkInvariants().isEmpty)
    }
}
