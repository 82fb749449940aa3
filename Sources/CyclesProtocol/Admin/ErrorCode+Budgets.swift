extension ErrorCode {
    /// Admin plane, 404: no budget for that (scope, unit).
    public static let budgetNotFound: ErrorCode = "BUDGET_NOT_FOUND"
    /// Admin plane, 409: a bulk action's `expected_count` differs from the server's count (nothing was written).
    public static let countMismatch: ErrorCode = "COUNT_MISMATCH"
}
