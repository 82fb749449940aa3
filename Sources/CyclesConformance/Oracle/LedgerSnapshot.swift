public import CyclesProtocol

/// One `Balance` row with absent amounts read as 0 (the reference server omits zero `debt`).
public struct LedgerSnapshot: Sendable, Hashable, CustomStringConvertible {
    /// `scope_path`.
    public var scopePath: String
    /// `allocated`, when the server reports it.
    public var allocated: Int64?
    /// `remaining` (may be negative).
    public var remaining: Int64
    /// `reserved`.
    public var reserved: Int64
    /// `spent`.
    public var spent: Int64
    /// `debt`.
    public var debt: Int64
    /// `is_over_limit`.
    public var isOverLimit: Bool

    /// Reads a `Balance` object.
    public init(_ balance: JSONValue) {
        scopePath = balance["scope_path"]?.stringValue ?? ""
        allocated = balance["allocated"]?["amount"]?.integerValue
        remaining = balance["remaining"]?["amount"]?.integerValue ?? 0
        reserved = balance["reserved"]?["amount"]?.integerValue ?? 0
        spent = balance["spent"]?["amount"]?.integerValue ?? 0
        debt = balance["debt"]?["amount"]?.integerValue ?? 0
        isOverLimit = balance["is_over_limit"]?.boolValue ?? false
    }

    /// Whether `allocated = remaining + reserved + spent + debt` holds (trivially true without `allocated`).
    public var identityHolds: Bool {
        guard let allocated else { return true }
        let (partial, overflow1) = remaining.addingReportingOverflow(reserved)
        let (partial2, overflow2) = partial.addingReportingOverflow(spent)
        let (sum, overflow3) = partial2.addingReportingOverflow(debt)
        return !overflow1 && !overflow2 && !overflow3 && sum == allocated
    }

    /// `scope: allocated=… remaining=… reserved=… spent=… debt=…`.
    public var description: String {
        "\(scopePath): allocated=\(allocated.map(String.init) ?? "-") remaining=\(remaining) reserved=\(reserved) "
            + "spent=\(spent) debt=\(debt) over_limit=\(isOverLimit)"
    }
}
