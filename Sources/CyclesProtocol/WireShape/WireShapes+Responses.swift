/// The runtime response bodies, as conformant servers send them.
extension WireShapes {
    static let decisions = WireShape.oneOf(Decision.knownValues.map(\.rawValue))
    static let evidence = WireShape.object(cyclesEvidenceRef)
    static let balances = WireShape.array(.object(balance))

    /// `CyclesEvidenceRef`.
    public static let cyclesEvidenceRef = ObjectShape(
        "CyclesEvidenceRef", required: ["evidence_id": .anyString, "cycles_evidence_url": .anyString])
    /// `Caps`.
    public static let caps = ObjectShape(
        "Caps", required: [:],
        optional: [
            "max_tokens": .nonNegative, "max_steps_remaining": .nonNegative, "tool_allowlist": .stringArray,
            "tool_denylist": .stringArray, "cooldown_ms": .nonNegative,
        ])
    /// `Balance`.
    public static let balance = ObjectShape(
        "Balance", required: ["scope": .anyString, "scope_path": .anyString, "remaining": .object(signedAmount)],
        optional: [
            "reserved": .object(amount), "spent": .object(amount), "debt": .object(amount),
            "allocated": .object(amount), "overdraft_limit": .object(amount), "is_over_limit": .boolean,
        ])
    /// `ReservationCreateResponse`.
    public static let reservationCreateResponse = ObjectShape(
        "ReservationCreateResponse", required: ["decision": decisions, "affected_scopes": .stringArray],
        optional: [
            "reservation_id": .anyString, "reserved": .object(amount), "expires_at_ms": .nonNegative,
            "remaining_ttl_ms": .nonNegative, "scope_path": .anyString, "caps": .object(caps), "balances": balances,
            "reason_code": .anyString, "retry_after_ms": .nonNegative, "cycles_evidence": evidence,
        ])
    /// `CommitResponse`.
    public static let commitResponse = ObjectShape(
        "CommitResponse", required: ["status": .oneOf(["COMMITTED"]), "charged": .object(amount)],
        optional: ["released": .object(amount), "balances": balances, "cycles_evidence": evidence])
    /// `ReleaseResponse`.
    public static let releaseResponse = ObjectShape(
        "ReleaseResponse", required: ["status": .oneOf(["RELEASED"]), "released": .object(amount)],
        optional: ["balances": balances, "cycles_evidence": evidence])
    /// `ReservationExtendResponse`.
    public static let extendResponse = ObjectShape(
        "ReservationExtendResponse", required: ["status": .oneOf(["ACTIVE"]), "expires_at_ms": .nonNegative],
        optional: ["remaining_ttl_ms": .nonNegative, "balances": balances, "cycles_evidence": evidence])
    /// `BalanceResponse`.
    public static let balanceResponse = ObjectShape(
        "BalanceResponse", required: ["balances": balances], optional: ["next_cursor": .anyString, "has_more": .boolean])
    /// `ErrorResponse` as conformant servers send it (`trace_id` populated).
    public static let errorResponse = ObjectShape(
        "ErrorResponse",
        required: ["error": .anyString, "message": .anyString, "request_id": .anyString, "trace_id": .hex32],
        optional: ["details": .anyObject, "cycles_evidence": evidence])
    /// `DecisionResponse`.
    public static let decisionResponse = ObjectShape(
        "DecisionResponse", required: ["decision": decisions],
        optional: [
            "caps": .object(caps), "reason_code": .anyString, "retry_after_ms": .nonNegative,
            "affected_scopes": .stringArray, "cycles_evidence": evidence,
        ])
    /// `EventCreateResponse`.
    public static let eventCreateResponse = ObjectShape(
        "EventCreateResponse", required: ["status": .oneOf(["APPLIED"]), "event_id": .anyString],
        optional: ["charged": .object(amount), "balances": balances, "cycles_evidence": evidence])
    /// `ReservationDetail`.
    public static let reservationDetail = ObjectShape(
        "ReservationDetail",
        required: [
            "reservation_id": .anyString, "status": .oneOf(ReservationStatus.knownValues.map(\.rawValue)),
            "subject": .anyObject, "action": .anyObject, "reserved": .object(amount), "created_at_ms": .nonNegative,
            "expires_at_ms": .nonNegative, "scope_path": .anyString, "affected_scopes": .stringArray,
        ],
        optional: [
            "idempotency_key": .anyString, "committed": .object(amount), "finalized_at_ms": .nonNegative,
            "metadata": .anyObject, "committed_metadata": .anyObject, "evidence": .anyObject,
        ])
    /// `ReservationSummary` (the fields of `ReservationDetail`).
    public static let reservationSummary = reservationDetail.renamed("ReservationSummary")
    /// `ReservationListResponse`.
    public static let reservationListResponse = ObjectShape(
        "ReservationListResponse", required: ["reservations": .array(.object(reservationSummary))],
        optional: ["next_cursor": .anyString, "has_more": .boolean])
}
