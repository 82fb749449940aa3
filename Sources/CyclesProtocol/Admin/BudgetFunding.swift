/// A funding operation of `POST /v1/admin/budgets/fund` and of the budget bulk action (the spec's
/// `BudgetFundingRequest.operation` enum). Open, so an answer from a newer server keeps its spelling; a server checks
/// `isKnown` itself.
public struct FundingOperation: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates an operation from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `allocated += amount`, `remaining += amount`.
    public static let credit: FundingOperation = "CREDIT"
    /// `allocated -= amount`, `remaining -= amount`; refused when `remaining` would go below 0.
    public static let debit: FundingOperation = "DEBIT"
    /// `allocated = amount`, `remaining = amount - reserved - spent - debt`.
    public static let reset: FundingOperation = "RESET"
    /// `debt -= min(debt, amount)` (back to `remaining`); any excess is credited.
    public static let repayDebt: FundingOperation = "REPAY_DEBT"
    /// A new period: `allocated = amount`, `spent = spent ?? 0`, reserved and debt kept.
    public static let resetSpent: FundingOperation = "RESET_SPENT"

    /// Every operation of v0.1.25, in the spec's order.
    public static let knownValues: [FundingOperation] = [.credit, .debit, .reset, .repayDebt, .resetSpent]
}

/// The body of `POST /v1/admin/budgets/fund?scope=&unit=`.
public struct BudgetFundingRequest: AdminWireRequest, Hashable {
    /// What to do.
    public var operation: FundingOperation
    /// The operation's amount (the budget's unit, at least 0).
    public var amount: Amount
    /// `RESET_SPENT` only: the new `spent` (default 0); ignored otherwise.
    public var spent: Amount?
    /// Why (at most 512 characters).
    public var reason: String?
    /// Replays the first answer for a repeat with the same body (1–256 characters).
    public var idempotencyKey: String?
    /// Custom data.
    public var metadata: [String: JSONValue]?

    /// Creates a request.
    public init(
        operation: FundingOperation, amount: Amount, spent: Amount? = nil, reason: String? = nil,
        idempotencyKey: String? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.operation = operation
        self.amount = amount
        self.spent = spent
        self.reason = reason
        self.idempotencyKey = idempotencyKey
        self.metadata = metadata
    }

    /// Every member name the schema allows.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }
    /// `amount` and `spent` are `Amount`s.
    public static var nestedWireFieldNames: [String: [String]] {
        ["amount": Amount.wireFieldNames, "spent": Amount.wireFieldNames]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case operation, amount, spent, reason
        case idempotencyKey = "idempotency_key"
        case metadata
    }
}

/// The answer of `POST /v1/admin/budgets/fund`: the balances before and after.
public struct BudgetFundingResponse: Codable, Hashable, Sendable {
    /// The operation applied.
    public var operation: FundingOperation
    /// `allocated` before.
    public var previousAllocated: Amount
    /// `allocated` after.
    public var newAllocated: Amount
    /// `remaining` before (may be negative).
    public var previousRemaining: Amount
    /// `remaining` after (may be negative).
    public var newRemaining: Amount
    /// `debt` before.
    public var previousDebt: Amount?
    /// `debt` after.
    public var newDebt: Amount?
    /// `spent` before.
    public var previousSpent: Amount?
    /// `spent` after.
    public var newSpent: Amount?
    /// When it was applied (ISO 8601).
    public var timestamp: String?

    /// Creates an answer.
    public init(
        operation: FundingOperation, previousAllocated: Amount, newAllocated: Amount, previousRemaining: Amount,
        newRemaining: Amount, previousDebt: Amount? = nil, newDebt: Amount? = nil, previousSpent: Amount? = nil,
        newSpent: Amount? = nil, timestamp: String? = nil
    ) {
        self.operation = operation
        self.previousAllocated = previousAllocated
        self.newAllocated = newAllocated
        self.previousRemaining = previousRemaining
        self.newRemaining = newRemaining
        self.previousDebt = previousDebt
        self.newDebt = newDebt
        self.previousSpent = previousSpent
        self.newSpent = newSpent
        self.timestamp = timestamp
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case operation
        case previousAllocated = "previous_allocated"
        case newAllocated = "new_allocated"
        case previousRemaining = "previous_remaining"
        case newRemaining = "new_remaining"
        case previousDebt = "previous_debt"
        case newDebt = "new_debt"
        case previousSpent = "previous_spent"
        case newSpent = "new_spent"
        case timestamp
    }
}
