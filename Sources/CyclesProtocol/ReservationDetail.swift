/// `GET /v1/reservations/{id}`: everything the server knows about one reservation.
public struct ReservationDetail: Hashable, Sendable, Codable {
    /// The reservation's id.
    public var reservationID: ReservationID
    /// Its lifecycle state.
    public var status: ReservationStatus
    /// The key that created it.
    public var idempotencyKey: IdempotencyKey?
    /// Who spends.
    public var subject: Subject
    /// What is paid for.
    public var action: Action
    /// What is held (the estimate).
    public var reserved: Amount
    /// What was charged, once committed.
    public var committed: Amount?
    /// Creation time (epoch ms).
    public var createdAtMs: Int64
    /// Current expiry (epoch ms).
    public var expiresAtMs: Int64
    /// When it was committed or released (absent while ACTIVE and on EXPIRED).
    public var finalizedAtMs: Int64?
    /// The canonical path of the subject.
    public var scopePath: String
    /// Every derived scope, root first.
    public var affectedScopes: [String]
    /// Metadata given at reserve time.
    public var metadata: [String: JSONValue]?
    /// Metadata given at commit time.
    public var committedMetadata: [String: JSONValue]?
    /// Evidence references per lifecycle step.
    public var evidence: [String: EvidenceReference]?

    /// Creates a detail.
    public init(
        reservationID: ReservationID, status: ReservationStatus, idempotencyKey: IdempotencyKey? = nil,
        subject: Subject, action: Action, reserved: Amount, committed: Amount? = nil, createdAtMs: Int64,
        expiresAtMs: Int64, finalizedAtMs: Int64? = nil, scopePath: String, affectedScopes: [String],
        metadata: [String: JSONValue]? = nil, committedMetadata: [String: JSONValue]? = nil,
        evidence: [String: EvidenceReference]? = nil
    ) {
        self.reservationID = reservationID
        self.status = status
        self.idempotencyKey = idempotencyKey
        self.subject = subject
        self.action = action
        self.reserved = reserved
        self.committed = committed
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.finalizedAtMs = finalizedAtMs
        self.scopePath = scopePath
        self.affectedScopes = affectedScopes
        self.metadata = metadata
        self.committedMetadata = committedMetadata
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reservationID = "reservation_id"
        case status
        case idempotencyKey = "idempotency_key"
        case subject, action, reserved, committed
        case createdAtMs = "created_at_ms"
        case expiresAtMs = "expires_at_ms"
        case finalizedAtMs = "finalized_at_ms"
        case scopePath = "scope_path"
        case affectedScopes = "affected_scopes"
        case metadata
        case committedMetadata = "committed_metadata"
        case evidence
    }
}

/// One row of `GET /v1/reservations`. Same shape as the detail; metadata and evidence only when `include=` asks.
public typealias ReservationSummary = ReservationDetail
