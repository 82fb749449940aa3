import CyclesProtocol

/// Funding a budget through the reference admin operation `POST /v1/admin/budgets/fund` (`x-conformance: reference`
/// in `cycles-governance-admin-v0.1.25.yaml`, hence SHOULD): each FundingOperation's arithmetic, the ledger identity
/// after it, and the operation's idempotency.
extension ConformanceCatalogue {
    static let adminFunding = ConformanceCheck(
        "SRV-ADM-012", .should, .admin,
        "POST /v1/admin/budgets/fund with the admin key: CREDIT, DEBIT, RESET, RESET_SPENT and REPAY_DEBT answer previous/new figures by the spec's arithmetic and leave allocated = remaining + reserved + spent + debt; a same-key replay returns the original answer and changes nothing; the same key with another body is 409 IDEMPOTENCY_MISMATCH",
        spec: "fundBudget (reference) operations and IDEMPOTENCY; BudgetFundingRequest; BudgetFundingResponse; §2.7 Balance",
        requires: [.fixtures, .adminKey, .adminAPI]
    ) { context in
        let tenant = try await context.fixture(.single(allocated: 10_000, overdraftLimit: 2_000)).tenant
        // A held reservation and a settled spend give RESET and RESET_SPENT a reserved and a spent to keep or replace.
        _ = try await context.reserveActive(tenant, estimate: 200, extra: longHold)
        let settled = try await context.reserveActive(tenant, estimate: 1_000)
        try context.expectStatus(
            try await context.commit(tenant, settled.id, actual: 300), 200, because: "settling a spend before funding")

        let creditKey = FixtureNaming.idempotencyKey("fund-credit")
        let credit = try await judgeFunding(context, tenant, .credit, amount: 1_000, key: creditKey)
        let settledLedger = try await context.expectLedger(of: tenant)
        let replay = try await context.fundBudget(
            tenantID: tenant.tenantID, scope: tenant.budgetScopes[0], credit.request)
        try context.expectStatus(replay, 200, because: "replaying the CREDIT with the same key and body")
        try context.expect(
            replay.json == credit.answer.json, "the replay's body differs from the original CREDIT's",
            expected: "the original response", spec: "fundBudget IDEMPOTENCY: replayed requests return original response",
            exchange: replay)
        var otherBody = credit.request.objectValue ?? [:]
        otherBody["amount"] = context.amount(2_000)
        let mismatch = try await context.fundBudget(
            tenantID: tenant.tenantID, scope: tenant.budgetScopes[0], .object(otherBody))
        try context.expectError(mismatch, 409, .idempotencyMismatch, spec: "fundBudget 409 idempotency mismatch")
        let afterReplays = try await context.expectLedger(of: tenant)
        try context.expect(
            afterReplays == settledLedger, "the replay or the mismatched request changed the ledger: \(afterReplays)",
            expected: "\(settledLedger)", spec: "fundBudget IDEMPOTENCY prevents double-funding")

        try await judgeFunding(context, tenant, .debit, amount: 500)
        try await judgeFunding(context, tenant, .reset, amount: 8_000)
        try await judgeFunding(context, tenant, .resetSpent, amount: 8_000)

        // The admin API has no operation that creates debt, so the runtime makes some: an ALLOW_WITH_OVERDRAFT
        // commit 500 beyond everything remaining (within the overdraft limit), as SRV-ERR-021 does.
        let before = try await context.expectLedger(of: tenant)
        let overdraft = try await context.reserveActive(
            tenant, estimate: before.remaining, extra: ["overage_policy": "ALLOW_WITH_OVERDRAFT"])
        let commit = try await context.commit(tenant, overdraft.id, actual: try checkedSum([before.remaining, 500]))
        let indebted = try await context.expectLedger(of: tenant)
        guard commit.status == 200, indebted.debt > 0 else {
            await context.note(
                "REPAY_DEBT not judged: an overdraft commit left no debt (\(commit.summary); \(indebted))")
            return
        }
        // Repaying part of the debt keeps to the unambiguous half of the rule (an amount beyond the debt "uses
        // remaining", which the spec does not quantify).
        try await judgeFunding(context, tenant, .repayDebt, amount: max(1, indebted.debt / 2))
    }

    /// The ledger figures a funding operation moves.
    struct FundingFigures: Equatable, CustomStringConvertible {
        var allocated: Int64
        var remaining: Int64
        var reserved: Int64
        var spent: Int64
        var debt: Int64

        var description: String {
            "allocated=\(allocated) remaining=\(remaining) reserved=\(reserved) spent=\(spent) debt=\(debt)"
        }
    }

    /// Reads the ledger, runs one funding operation with the admin key, then judges the answer's previous/new
    /// figures and the ledger read afterwards against the spec's arithmetic applied to the ledger read before.
    @discardableResult
    static func judgeFunding(
        _ context: CheckContext, _ tenant: ProvisionedTenant, _ operation: FundingOperation, amount: Int64,
        key: String = FixtureNaming.idempotencyKey("fund")
    ) async throws -> (request: JSONValue, answer: WireExchange) {
        let name = operation.rawValue
        let ledgerBefore = try await context.expectLedger(of: tenant)
        let before = FundingFigures(
            allocated: try ledgerBefore.allocated ?? checkedSum(
                [ledgerBefore.remaining, ledgerBefore.reserved, ledgerBefore.spent, ledgerBefore.debt]),
            remaining: ledgerBefore.remaining, reserved: ledgerBefore.reserved, spent: ledgerBefore.spent,
            debt: ledgerBefore.debt)
        let expected = try expectedFunding(operation, amount: amount, before)
        let request: JSONValue = [
            "operation": .string(name), "amount": context.amount(amount), "idempotency_key": .string(key),
            "reason": .string("conformance \(name)"),
        ]
        let answer = try await context.fundBudget(tenantID: tenant.tenantID, scope: tenant.budgetScopes[0], request)
        try context.expectStatus(answer, 200, because: "\(name) of \(amount) on \(before)")
        let body = answer.json ?? .null
        var wrong: [String] = []
        if body["operation"]?.stringValue != name { wrong.append("operation \(body["operation"] ?? .null)") }
        // The four allocated/remaining figures are required; debt and spent are judged where the server emits them.
        let figures: [(String, Int64, Bool)] = [
            ("previous_allocated", before.allocated, true), ("new_allocated", expected.allocated, true),
            ("previous_remaining", before.remaining, true), ("new_remaining", expected.remaining, true),
            ("previous_debt", before.debt, false), ("new_debt", expected.debt, false),
            ("previous_spent", before.spent, false), ("new_spent", expected.spent, false),
        ]
        for (field, value, required) in figures {
            let reported = body[field]?["amount"]?.integerValue
            if reported == nil, !required { continue }
            if reported != value { wrong.append("\(field) \(reported.map(String.init) ?? "missing"), expected \(value)") }
        }
        try context.expect(
            wrong.isEmpty, "\(name) of \(amount) on \(before): \(wrong.joined(separator: "; "))",
            expected: "the spec's \(name) arithmetic: \(expected)",
            spec: "fundBudget \(name); BudgetFundingResponse", exchange: answer)
        let after = try await context.expectLedger(
            of: tenant, remaining: expected.remaining, reserved: expected.reserved, spent: expected.spent,
            debt: expected.debt, spec: "fundBudget \(name); §2.7 Balance")
        try context.expect(
            after.allocated.map { $0 == expected.allocated } ?? true,
            "after \(name) of \(amount) the ledger reads \(after)", expected: "allocated \(expected.allocated)",
            spec: "fundBudget \(name)")
        return (request, answer)
    }

    /// The spec's arithmetic (fundBudget description, FundingOperation), overflow-checked. REPAY_DEBT is only used
    /// with `amount <= debt`: "debt -= amount" leaves allocated alone, so the identity puts the amount in remaining.
    static func expectedFunding(_ operation: FundingOperation, amount: Int64, _ before: FundingFigures) throws
        -> FundingFigures
    {
        var after = before
        switch operation {
        case .credit:
            after.allocated = try checkedSum([before.allocated, amount])
            after.remaining = try checkedSum([before.remaining, amount])
        case .debit:
            after.allocated = try checkedSum([before.allocated], minus: [amount])
            after.remaining = try checkedSum([before.remaining], minus: [amount])
        case .reset:
            after.allocated = amount
            after.remaining = try checkedSum([amount], minus: [before.reserved, before.spent, before.debt])
        case .resetSpent:
            after.allocated = amount
            after.spent = 0
            after.remaining = try checkedSum([amount], minus: [before.reserved, before.debt])
        case .repayDebt:
            after.debt = try checkedSum([before.debt], minus: [amount])
            after.remaining = try checkedSum([before.remaining, amount])
        default:
            throw CheckFailure("no arithmetic for funding operation \(operation.rawValue)")
        }
        return after
    }

    /// The sum of `values` less the sum of `subtracted`; a server's figures that overflow `Int64` fail the check
    /// instead of trapping.
    static func checkedSum(_ values: [Int64], minus subtracted: [Int64] = []) throws -> Int64 {
        var total: Int64 = 0
        for (value, negative) in values.map({ ($0, false) }) + subtracted.map({ ($0, true) }) {
            let (result, overflow) =
                negative ? total.subtractingReportingOverflow(value) : total.addingReportingOverflow(value)
            guard !overflow else {
                throw CheckFailure(
                    "ledger figures \(values) less \(subtracted) overflow Int64", expected: "figures that fit Int64")
            }
            total = result
        }
        return total
    }
}
