import ArgumentParser
import CyclesProtocol

/// `cycles admin budgets …`: create, list, get, fund, freeze and unfreeze budget ledgers (one per scope and unit).
struct AdminBudgetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budgets", abstract: "Create, list, read, fund, freeze and unfreeze budgets.",
        subcommands: [Create.self, List.self, Get.self, Fund.self, Freeze.self, Unfreeze.self])

    /// The scope and unit that name one budget ledger, plus its tenant for operations the admin key performs on a
    /// tenant's behalf.
    struct Ledger: ParsableArguments {
        @Option(help: "The budget's scope path, e.g. tenant:acme/workspace:prod.")
        var scope: String
        @Option(help: "The unit: USD_MICROCENTS, TOKENS, CREDITS or RISK_POINTS.")
        var unit: String

        /// The tenant is the scope's first segment (`tenant:<id>`), which is how the server reads it too.
        var tenantID: String? {
            guard let first = scope.split(separator: "/").first, first.hasPrefix("tenant:") else { return nil }
            return String(first.dropFirst("tenant:".count))
        }

        var query: [(String, String?)] { [("scope", scope), ("unit", unit)] }
    }

    /// The FIELD/VALUE rendering of one ledger.
    static func record(_ ledger: BudgetLedger) -> String {
        AdminTable.record([
            ("ledger_id", ledger.ledgerID), ("tenant_id", ledger.tenantID), ("scope", ledger.scope),
            ("unit", ledger.unit.rawValue), ("status", ledger.status), ("allocated", "\(ledger.allocated.amount)"),
            ("remaining", "\(ledger.remaining.amount)"), ("reserved", ledger.reserved.map { "\($0.amount)" }),
            ("spent", ledger.spent.map { "\($0.amount)" }), ("debt", ledger.debt.map { "\($0.amount)" }),
            ("overdraft_limit", ledger.overdraftLimit.map { "\($0.amount)" }),
            ("commit_overage_policy", ledger.commitOveragePolicy?.rawValue), ("created_at", ledger.createdAt),
        ])
    }

    struct Create: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Create a budget (remaining starts at the allocation).")
        @OptionGroup var connection: AdminConnection
        @OptionGroup var ledger: Ledger
        @Option(help: "The allocation, in the unit's smallest amount (an integer).")
        var allocated: Int64
        @Option(name: .customLong("overdraft-limit"), help: "How far commits may overdraw into debt (default 0).")
        var overdraftLimit: Int64?
        @Option(name: .customLong("overage-policy"), help: "REJECT, ALLOW_IF_AVAILABLE or ALLOW_WITH_OVERDRAFT.")
        var overagePolicy: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let unit = BudgetUnit(rawValue: ledger.unit)
            let body = BudgetCreateRequest(
                tenantID: ledger.tenantID, scope: ledger.scope, unit: unit, allocated: Amount(unit: unit, amount: allocated),
                overdraftLimit: overdraftLimit.map { Amount(unit: unit, amount: $0) },
                commitOveragePolicy: overagePolicy.map(CommitOveragePolicy.init(rawValue:)))
            let answer = try await client.send("POST", "/v1/admin/budgets", body: body, as: BudgetLedger.self)
            return AdminOutput(json: answer.json, text: AdminBudgetsCommand.record(answer.value))
        }
    }

    struct List: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "List budgets, filtered and paged.")
        @OptionGroup var connection: AdminConnection
        @Option(name: .customLong("tenant"), help: "Only this tenant's budgets.")
        var tenantID: String?
        @Option(name: .customLong("scope-prefix"), help: "Only this scope and those below it.")
        var scopePrefix: String?
        @Option(help: "Only this unit.")
        var unit: String?
        @Option(help: "Only ACTIVE, FROZEN or CLOSED budgets.")
        var status: String?
        @Option(help: "Page size (1-100).")
        var limit: Int?
        @Option(help: "The cursor a previous page printed.")
        var cursor: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let answer = try await client.get(
                "/v1/admin/budgets",
                query: [
                    ("tenant_id", tenantID), ("scope_prefix", scopePrefix), ("unit", unit), ("status", status),
                    ("limit", limit.map(String.init)), ("cursor", cursor),
                ],
                as: BudgetListResponse.self)
            let table = AdminTable(
                columns: ["SCOPE", "UNIT", "STATUS", "ALLOCATED", "REMAINING", "RESERVED", "SPENT", "DEBT"],
                rows: answer.value.ledgers.map {
                    [
                        $0.scope, $0.unit.rawValue, $0.status, "\($0.allocated.amount)", "\($0.remaining.amount)",
                        "\($0.reserved?.amount ?? 0)", "\($0.spent?.amount ?? 0)", "\($0.debt?.amount ?? 0)",
                    ]
                })
            return AdminOutput(json: answer.json, text: AdminTable.page(table, nextCursor: answer.value.nextCursor))
        }
    }

    struct Get: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Show one budget.")
        @OptionGroup var connection: AdminConnection
        @OptionGroup var ledger: Ledger

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let answer = try await client.get(
                "/v1/admin/budgets/lookup", query: ledger.query + [("tenant_id", ledger.tenantID)], as: BudgetLedger.self)
            return AdminOutput(json: answer.json, text: AdminBudgetsCommand.record(answer.value))
        }
    }

    struct Fund: AdminOperation {
        static let configuration = CommandConfiguration(
            abstract: "Fund a budget: CREDIT, DEBIT, RESET, RESET_SPENT or REPAY_DEBT.",
            discussion: "Pass --idempotency-key to make a retry safe: the same key and body replay the first answer.")
        @OptionGroup var connection: AdminConnection
        @OptionGroup var ledger: Ledger
        @Option(help: "CREDIT, DEBIT, RESET, RESET_SPENT or REPAY_DEBT.")
        var operation: String
        @Option(help: "The amount, in the unit's smallest amount (an integer).")
        var amount: Int64
        @Option(help: "For RESET_SPENT: the new spent figure (default 0).")
        var spent: Int64?
        @Option(help: "Why (kept in the audit log).")
        var reason: String?
        @Option(name: .customLong("idempotency-key"), help: "Makes the operation safe to retry.")
        var idempotencyKey: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let unit = BudgetUnit(rawValue: ledger.unit)
            let body = BudgetFundingRequest(
                operation: FundingOperation(rawValue: operation), amount: Amount(unit: unit, amount: amount),
                spent: spent.map { Amount(unit: unit, amount: $0) }, reason: reason, idempotencyKey: idempotencyKey)
            let answer = try await client.send(
                "POST", "/v1/admin/budgets/fund", query: ledger.query + [("tenant_id", ledger.tenantID)], body: body,
                as: BudgetFundingResponse.self)
            let funded = answer.value
            func change(_ before: Amount?, _ after: Amount?) -> String? {
                guard let before, let after else { return nil }
                return "\(before.amount) → \(after.amount)"
            }
            return AdminOutput(
                json: answer.json,
                text: AdminTable.record([
                    ("operation", funded.operation.rawValue),
                    ("allocated", change(funded.previousAllocated, funded.newAllocated)),
                    ("remaining", change(funded.previousRemaining, funded.newRemaining)),
                    ("spent", change(funded.previousSpent, funded.newSpent)),
                    ("debt", change(funded.previousDebt, funded.newDebt)),
                ]))
        }
    }

    struct Freeze: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Freeze a budget: reserves and funding are refused.")
        @OptionGroup var connection: AdminConnection
        @OptionGroup var ledger: Ledger
        @Option(help: "Why (kept in the audit log).")
        var reason: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let answer = try await client.send(
                "POST", "/v1/admin/budgets/freeze", query: ledger.query, body: BudgetStatusTransitionRequest(reason: reason),
                as: BudgetLedger.self)
            return AdminOutput(json: answer.json, text: AdminBudgetsCommand.record(answer.value))
        }
    }

    struct Unfreeze: AdminOperation {
        static let configuration = CommandConfiguration(abstract: "Unfreeze a frozen budget.")
        @OptionGroup var connection: AdminConnection
        @OptionGroup var ledger: Ledger
        @Option(help: "Why (kept in the audit log).")
        var reason: String?

        func perform(_ client: AdminClient) async throws -> AdminOutput {
            let answer = try await client.send(
                "POST", "/v1/admin/budgets/unfreeze", query: ledger.query,
                body: BudgetStatusTransitionRequest(reason: reason), as: BudgetLedger.self)
            return AdminOutput(json: answer.json, text: AdminBudgetsCommand.record(answer.value))
        }
    }
}
