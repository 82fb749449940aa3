/// The machine-readable `error` of an `ErrorResponse`.
///
/// The spec's list is closed for v0.1.25, but it is modelled as an open set so a newer server's codes
/// are kept verbatim instead of failing to decode.
public struct ErrorCode: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates an error code from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// 400: the request does not match the schema or a documented rule.
    public static let invalidRequest: ErrorCode = "INVALID_REQUEST"
    /// 401: missing, unknown or revoked API key.
    public static let unauthorized: ErrorCode = "UNAUTHORIZED"
    /// 403: the key's tenant may not act on this subject or reservation.
    public static let forbidden: ErrorCode = "FORBIDDEN"
    /// 404: the reservation never existed, or no budget exists on any derived scope.
    public static let notFound: ErrorCode = "NOT_FOUND"
    /// 409: remaining budget cannot cover the request.
    public static let budgetExceeded: ErrorCode = "BUDGET_EXCEEDED"
    /// 409: a budget on the path is frozen.
    public static let budgetFrozen: ErrorCode = "BUDGET_FROZEN"
    /// 409: a budget on the path is closed.
    public static let budgetClosed: ErrorCode = "BUDGET_CLOSED"
    /// 410: the reservation is past its deadline or already expired.
    public static let reservationExpired: ErrorCode = "RESERVATION_EXPIRED"
    /// 409: the reservation was already committed or released.
    public static let reservationFinalized: ErrorCode = "RESERVATION_FINALIZED"
    /// 409: the idempotency key was used with a different payload.
    public static let idempotencyMismatch: ErrorCode = "IDEMPOTENCY_MISMATCH"
    /// 400: the unit does not match the budget or reservation.
    public static let unitMismatch: ErrorCode = "UNIT_MISMATCH"
    /// 409: a scope is over its overdraft limit, or the overdraft would exceed it.
    public static let overdraftLimitExceeded: ErrorCode = "OVERDRAFT_LIMIT_EXCEEDED"
    /// 409: a scope carries debt and allows no overdraft.
    public static let debtOutstanding: ErrorCode = "DEBT_OUTSTANDING"
    /// 409: the reservation reached its extension limit.
    public static let maxExtensionsExceeded: ErrorCode = "MAX_EXTENSIONS_EXCEEDED"
    /// 429: the caller is being throttled (never budget exhaustion).
    public static let limitExceeded: ErrorCode = "LIMIT_EXCEEDED"
    /// 409: the owning tenant is closed.
    public static let tenantClosed: ErrorCode = "TENANT_CLOSED"
    /// 500: server fault.
    public static let internalError: ErrorCode = "INTERNAL_ERROR"

    /// The 17 codes defined by protocol v0.1.25.
    public static let knownValues: [ErrorCode] = [
        .invalidRequest, .unauthorized, .forbidden, .notFound, .budgetExceeded, .budgetFrozen, .budgetClosed,
        .reservationExpired, .reservationFinalized, .idempotencyMismatch, .unitMismatch, .overdraftLimitExceeded,
        .debtOutstanding, .maxExtensionsExceeded, .limitExceeded, .tenantClosed, .internalError,
    ]

    /// The HTTP status the spec pairs with this code, or `nil` for a code this version does not know.
    public var httpStatus: Int? {
        switch self {
        case .invalidRequest, .unitMismatch: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .reservationExpired: 410
        case .limitExceeded: 429
        case .internalError: 500
        case .budgetExceeded, .budgetFrozen, .budgetClosed, .reservationFinalized, .idempotencyMismatch,
            .overdraftLimitExceeded, .debtOutstanding, .maxExtensionsExceeded, .tenantClosed:
            409
        default: nil
        }
    }
}
