public import CyclesProtocol
import GRDB

import Foundation

/// `POST /v1/admin/budgets/fund`: the five funding operations, their arithmetic and their idempotency. Every
/// operation keeps `allocated = remaining + reserved + spent + debt`.
extension Ledger {
    /// The balances a funding operation reads and writes.
    struct FundedBalances: Sendable, Hashable {
        var allocated: Int64
        var remaining: Int64
        var reserved: Int64
        var spent: Int64
        var debt: Int64
        var overdraftLimit: Int64

        init(_ ledger: BudgetLedger) {
            allocated = ledger.allocated.amount
            remaining = ledger.remaining.amount
            reserved = ledger.reserved?.amount ?? 0
            spent = ledger.spent?.amount ?? 0
            debt = ledger.debt?.amount ?? 0
            overdraftLimit = ledger.overdraftLimit?.amount ?? 0
        }

        /// The spec's definition: "True when debt > overdraft_limit". Recomputed after every funding operation, so
        /// funding also clears a flag a capped ALLOW_IF_AVAILABLE commit set (protocol.md §16.11).
        var isOverLimit: Bool { debt > overdraftLimit }
    }

    /// The spec's arithmetic for one operation (`spent` only matters to RESET_SPENT). 409 `BUDGET_EXCEEDED` for a
    /// DEBIT larger than `remaining`; 400 when a result would overflow `Int64`.
    static func fund(_ operation: FundingOperation, amount: Int64, spent newSpent: Int64?, _ before: FundedBalances)
        throws(LedgerError) -> FundedBalances
    {
        func checked(_ result: (partialValue: Int64, overflow: Bool)) throws(LedgerError) -> Int64 {
            guard !result.overflow else { throw .invalid("amount.amount: the resulting balance would overflow") }
            return result.partialValue
        }
        var after = before
        switch operation {
        case .credit:
            after.allocated = try checked(before.allocated.addingReportingOverflow(amount))
            after.remaining = try checked(before.remaining.addingReportingOverflow(amount))
        case .debit:
            guard before.remaining >= amount else {
                throw LedgerError(
                    .budgetExceeded,
                    "DEBIT of \(amount) exceeds remaining \(before.remaining); remaining must not go below 0")
            }
            after.allocated = try checked(before.allocated.subtractingReportingOverflow(amount))
            after.remaining = before.remaining - amount
        case .reset:
            after.allocated = amount
            after.remaining = try checked(amount.subtractingReportingOverflow(try used(before, spent: before.spent)))
        case .resetSpent:
            after.allocated = amount
            after.spent = newSpent ?? 0
            after.remaining = try checked(amount.subtractingReportingOverflow(try used(before, spent: after.spent)))
        case .repayDebt:
            // The repaid part moves from debt back to remaining; an amount beyond the debt is credited (allocated
            // and remaining grow), as the reference server does: "use remaining if debt < amount".
            let repaid = min(before.debt, amount)
            let excess = amount - repaid
            after.debt = before.debt - repaid
            after.allocated = try checked(before.allocated.addingReportingOverflow(excess))
            after.remaining = try checked(before.remaining.addingReportingOverflow(amount))
        default:
            throw .invalid("operation: must be one of \(FundingOperation.knownValues.map(\.rawValue).joined(separator: ", "))")
        }
        return after
    }

    /// `reserved + spent + debt`, overflow-checked.
    private static func used(_ balances: FundedBalances, spent: Int64) throws(LedgerError) -> Int64 {
        let (partial, first) = balances.reserved.addingReportingOverflow(spent)
        let (total, second) = partial.addingReportingOverflow(balances.debt)
        guard !first, !second else { throw .invalid("amount.amount: the resulting balance would overflow") }
        return total
    }

    /// `POST /v1/admin/budgets/fund?scope=&unit=[&tenant_id=]`. A tenant key funds its own budgets (a `tenant_id`
    /// query parameter is ignored, as the spec says); the admin key must name the tenant (400 naming `tenant_id`).
    /// With an `idempotency_key`, the first answer is stored in the same transaction as the change (for 24 hours,
    /// as the reference server keeps it) and a repeat with the same body replays it byte for byte; the same key
    /// with a different body (or another scope or unit) is 409 `IDEMPOTENCY_MISMATCH`. The replay is checked before
    /// anything else, so it answers even after the budget was frozen. Then: 404 `BUDGET_NOT_FOUND`, 409
    /// `TENANT_CLOSED`, `BUDGET_CLOSED`, `BUDGET_FROZEN`, and for DEBIT `BUDGET_EXCEEDED`.
    public func fundBudget(
        scope text: String, unit: BudgetUnit, tenantID requestedTenant: String?, _ request: BudgetFundingRequest,
        as caller: AdminCaller
    ) async throws -> LedgerReply<BudgetFundingResponse> {
        let tenantID: String
        switch caller {
        case .admin:
            guard let requestedTenant, !requestedTenant.isEmpty else {
                throw LedgerError.invalid("tenant_id: required (query parameter) when funding with the admin key")
            }
            tenantID = requestedTenant
        case .tenant(let own, _, _):
            tenantID = own
        }
        let scope = try Self.parseScope(text, field: "scope")
        try Self.validate(unit: unit, field: "unit")
        try Self.validate(request, unit: unit)
        try Self.authorize(caller, scope: scope)
        struct Payload: Encodable {
            var scope: String
            var unit: BudgetUnit
            var request: BudgetFundingRequest
        }
        let hash = try Self.requestHash(Payload(scope: scope.description, unit: unit, request: request))
        let context = EventContext.currentOrInternal()
        return try await write { db -> LedgerReply<BudgetFundingResponse> in
            let now = self.now(namespace: try self.namespace(db, tenantID: tenantID))
            if let key = request.idempotencyKey,
                let replayed: LedgerReply<BudgetFundingResponse> = try self.replayIfStored(
                    db, tenant: tenantID, endpoint: Self.fundEndpoint, key: key, hash: hash, now: now)
            {
                return replayed
            }
            let current = try self.requireMutableBudget(
                db, tenantID: tenantID, scope: scope.description, unit: unit, allowFrozen: false)
            let response = try self.applyFunding(
                db, current, operation: request.operation, amount: request.amount.amount, spent: request.spent?.amount,
                now: now)
            try self.recordAudit(db, AuditRecord(
                operation: "fundBudget", tenantID: tenantID, resourceType: "budget", resourceID: current.ledgerID,
                actor: caller.auditActor,
                metadata: [
                    "scope": .string(scope.description), "unit": .string(unit.rawValue),
                    "operation": .string(request.operation.rawValue),
                ],
                amount: .object(["unit": .string(unit.rawValue), "amount": .integer(request.amount.amount)])))
            if let type = Self.fundingEventType(request.operation),
                let after = try self.fetchBudgetLedger(db, tenantID: tenantID, scope: scope.description, unit: unit)
            {
                try self.appendBudgetEvent(
                    db, type, operation: request.operation.rawValue, before: current, after: after, reason: request.reason,
                    spentOverrideProvided: request.operation == .resetSpent ? request.spent != nil : nil,
                    actor: caller.eventActor, context: context, now: now)
            }
            guard let key = request.idempotencyKey else {
                return LedgerReply(status: 200, body: try LedgerJSON.data(response), tenant: tenantID, replayed: false)
            }
            return try self.recordReply(
                db, response, tenant: tenantID, endpoint: Self.fundEndpoint, key: key, hash: hash, reservationID: nil,
                now: now, retainMs: Self.dayMs)
        }
    }

    /// The idempotency endpoint of funding (one key space per tenant, across scopes and units).
    static let fundEndpoint = "admin:budgets/fund"

    /// The one place a funding operation changes a budget, inside the caller's transaction: used by `fundBudget`,
    /// the budget bulk action and seeding. `current` must come from `requireMutableBudget`; throws before writing
    /// anything when the operation is refused.
    func applyFunding(
        _ db: Database, _ current: BudgetLedger, operation: FundingOperation, amount: Int64, spent: Int64?, now: Int64
    ) throws -> BudgetFundingResponse {
        let before = FundedBalances(current)
        let after = try Self.fund(operation, amount: amount, spent: spent, before)
        try db.execute(
            sql: """
                UPDATE budget SET allocated = ?, remaining = ?, spent = ?, debt = ?, is_over_limit = ?, updated_at_ms = ?
                WHERE tenant_id = ? AND scope_path = ? AND unit = ?
                """,
            arguments: [
                after.allocated, after.remaining, after.spent, after.debt, after.isOverLimit, now, current.tenantID,
                current.scope, current.unit.rawValue,
            ])
        let unit = current.unit
        return BudgetFundingResponse(
            operation: operation, previousAllocated: Amount(unit: unit, amount: before.allocated),
            newAllocated: Amount(unit: unit, amount: after.allocated),
            previousRemaining: Amount(unit: unit, amount: before.remaining),
            newRemaining: Amount(unit: unit, amount: after.remaining), previousDebt: Amount(unit: unit, amount: before.debt),
            newDebt: Amount(unit: unit, amount: after.debt), previousSpent: Amount(unit: unit, amount: before.spent),
            newSpent: Amount(unit: unit, amount: after.spent), timestamp: RFC3339.string(now))
    }

    /// 400 naming the field: a known operation, amounts in the budget's unit (400 `UNIT_MISMATCH` otherwise) and not
    /// negative, reason and key lengths.
    static func validate(_ request: BudgetFundingRequest, unit: BudgetUnit) throws(LedgerError) {
        guard request.operation.isKnown else {
            throw .invalid("operation: must be one of \(FundingOperation.knownValues.map(\.rawValue).joined(separator: ", "))")
        }
        try validate(request.amount, unit: unit, field: "amount")
        if let spent = request.spent { try validate(spent, unit: unit, field: "spent") }
        if let reason = request.reason, reason.schemaLength > 512 { throw .invalid("reason: must be at most 512 characters") }
        if let key = request.idempotencyKey, !(1...256).contains(key.schemaLength) {
            throw .invalid("idempotency_key: must be 1-256 characters")
        }
    }
}
