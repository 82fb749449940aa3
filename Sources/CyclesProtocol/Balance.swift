/// The ledger of one (scope, unit): what is allocated, held, spent and owed.
///
/// When all four are present, `remaining = allocated - spent - reserved - debt`.
public struct Balance: Hashable, Sendable, Codable {
    /// The leaf segment of the scope, for example `agent:bot`.
    public var scope: String
    /// The full canonical path, for example `tenant:acme/agent:bot`. Key on this one.
    public var scopePath: String
    /// Available for new reservations; negative under overdraft.
    public var remaining: Amount
    /// Held by ACTIVE reservations.
    public var reserved: Amount?
    /// Committed and funded.
    public var spent: Amount?
    /// Unfunded overdraft.
    public var debt: Amount?
    /// The funded cap.
    public var allocated: Amount?
    /// The most debt allowed; absent or zero means no overdraft.
    public var overdraftLimit: Amount?
    /// Whether new reservations are blocked because the scope went over its limit.
    public var isOverLimit: Bool?

    /// Creates a balance.
    public init(
        scope: String, scopePath: String, remaining: Amount, reserved: Amount? = nil, spent: Amount? = nil,
        debt: Amount? = nil, allocated: Amount? = nil, overdraftLimit: Amount? = nil, isOverLimit: Bool? = nil
    ) {
        self.scope = scope
        self.scopePath = scopePath
        self.remaining = remaining
        self.reserved = reserved
        self.spent = spent
        self.debt = debt
        self.allocated = allocated
        self.overdraftLimit = overdraftLimit
        self.isOverLimit = isOverLimit
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope
        case scopePath = "scope_path"
        case remaining, reserved, spent, debt, allocated
        case overdraftLimit = "overdraft_limit"
        case isOverLimit = "is_over_limit"
    }
}
