import CyclesProtocol
import GRDB

/// The budget administration events (`budget.created`, `.updated`, `.funded`, `.debited`, `.reset`, `.reset_spent`,
/// `.debt_repaid`, `.frozen`, `.unfrozen`), appended in the transaction of the change, like every event.
extension Ledger {
    /// The event type of a funding operation (the spec names one per operation).
    static func fundingEventType(_ operation: FundingOperation) -> EventType? {
        switch operation {
        case .credit: .budgetFunded
        case .debit: .budgetDebited
        case .reset: .budgetReset
        case .resetSpent: .budgetResetSpent
        case .repayDebt: .budgetDebtRepaid
        default: nil
        }
    }

    /// The fields of a ledger an `EventDataBudgetLifecycle` snapshot carries.
    static func snapshot(_ ledger: BudgetLedger) -> BudgetStateSnapshot {
        BudgetStateSnapshot(
            allocated: ledger.allocated.amount, remaining: ledger.remaining.amount, debt: ledger.debt?.amount ?? 0,
            spent: ledger.spent?.amount ?? 0, reserved: ledger.reserved?.amount ?? 0, status: ledger.status)
    }

    /// Appends one budget lifecycle event for the change from `before` (nil for a create) to `after`.
    func appendBudgetEvent(
        _ db: Database, _ type: EventType, operation: String, before: BudgetLedger?, after: BudgetLedger,
        reason: String? = nil, spentOverrideProvided: Bool? = nil, actor: ProtocolEvent.Actor, context: EventContext,
        now: Int64
    ) throws {
        try appendEvent(
            db, type, tenantID: after.tenantID ?? "", scope: after.scope, actor: actor,
            data: EventDataBudgetLifecycle(
                ledgerID: after.ledgerID, scope: after.scope, unit: after.unit, operation: operation,
                previousState: before.map(Self.snapshot), newState: Self.snapshot(after),
                spentOverrideProvided: spentOverrideProvided, reason: reason),
            context: context, now: now)
    }
}

extension Ledger.AdminCaller {
    /// Who the event stream names for a change by this caller: the same actor the audit log names.
    var eventActor: ProtocolEvent.Actor { ProtocolEvent.Actor(auditActor) }
}

extension ProtocolEvent.Actor {
    /// The event actor of an audit actor: the spec gives both the same types (`admin`, `admin_on_behalf_of` for an
    /// admin key on a dual-auth operation, `api_key`, `system`), so one maps onto the other unchanged.
    init(_ actor: AuditActor) {
        self.init(type: actor.type, keyID: actor.keyID)
    }
}
