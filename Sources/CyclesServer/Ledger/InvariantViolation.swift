/// A ledger invariant that does not hold. `checkInvariants` returns none when the ledger is sound.
public struct InvariantViolation: Codable, Sendable, Hashable, CustomStringConvertible {
    /// `ledger_identity`, `reserved_mismatch`, `negative_balance`, `illegal_transition` or `status_mismatch`.
    public var kind: String
    /// The namespace.
    public var namespace: String
    /// The tenant concerned.
    public var tenantID: String?
    /// The scope concerned.
    public var scopePath: String?
    /// The unit concerned.
    public var unit: String?
    /// The reservation concerned.
    public var reservationID: String?
    /// What is wrong, with the numbers.
    public var message: String

    /// Creates a violation.
    public init(
        kind: String, namespace: String, tenantID: String? = nil, scopePath: String? = nil, unit: String? = nil,
        reservationID: String? = nil, message: String
    ) {
        self.kind = kind
        self.namespace = namespace
        self.tenantID = tenantID
        self.scopePath = scopePath
        self.unit = unit
        self.reservationID = reservationID
        self.message = message
    }

    /// `"ledger_identity tenant:acme USD_MICROCENTS: …"`.
    public var description: String {
        "\(kind) \(scopePath ?? reservationID ?? "") \(unit ?? ""): \(message)"
    }

    enum CodingKeys: String, CodingKey {
        case kind, namespace
        case tenantID = "tenant_id"
        case scopePath = "scope_path"
        case unit
        case reservationID = "reservation_id"
        case message
    }
}
