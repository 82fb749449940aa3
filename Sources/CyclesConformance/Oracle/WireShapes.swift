import CyclesProtocol

/// The response schemas of `cycles-protocol-v0.yaml` v0.1.25, as ``ShapeSchema``s.
public enum WireShapes {
    static let units = BudgetUnit.knownValues.map(\.rawValue)
    static let decisions = Decision.knownValues.map(\.rawValue)
    static let statuses = ReservationStatus.knownValues.map(\.rawValue)
    static let nonNegative = FieldShape.integer(minimum: 0)

    /// `Amount`.
    public static let amount = ShapeSchema(
        "Amount", required: ["unit": .enumeration(units), "amount": .integer(minimum: 0)])
    /// `SignedAmount`.
    public static let signedAmount = ShapeSchema(
        "SignedAmount", required: ["unit": .enumeration(units), "amount": .integer(minimum: nil)])
    /// `CyclesEvidenceRef`.
    public static let evidence = ShapeSchema(
        "CyclesEvidenceRef", required: ["evidence_id": .string, "cycles_evidence_url": .string])
    /// `Caps`.
    public static let caps = ShapeSchema(
        "Caps", required: [:],
        optional: [
            "max_tokens": nonNegative, "max_steps_remaining": nonNegative, "tool_allowlist": .stringArray,
            "tool_denylist": .stringArray, "cooldown_ms": nonNegative,
        ])
    /// `Balance`.
    public static let balance = ShapeSchema(
        "Balance", required: ["scope": .string, "scope_path": .string, "remaining": .object(signedAmount)],
        optional: [
            "reserved": .object(amount), "spent": .object(amount), "debt": .object(amount),
            "allocated": .object(amount), "overdraft_limit": .object(amount), "is_over_limit": .boolean,
        ])
    /// `ReservationCreateResponse`.
    public static let reservationCreateResponse = ShapeSchema(
        "ReservationCreateResponse",
        required: ["decision": .enumeration(decisions), "affected_scopes": .stringArray],
        optional: [
            "reservation_id": .string, "reserved": .object(amount), "expires_at_ms": nonNegative,
            "remaining_ttl_ms": nonNegative, "scope_path": .string, "caps": .object(caps),
            "balances": .array(balance), "reason_code": .string, "retry_after_ms": nonNegative,
            "cycles_evidence": .object(evidence),
        ])
    /// `CommitResponse`.
    public static let commitResponse = ShapeSchema(
        "CommitResponse", required: ["status": .enumeration(["COMMITTED"]), "charged": .object(amount)],
        optional: ["released": .object(amount), "balances": .array(balance), "cycles_evidence": .object(evidence)])
    /// `ReleaseResponse`.
    public static let releaseResponse = ShapeSchema(
        "ReleaseResponse", required: ["status": .enumeration(["RELEASED"]), "released": .object(amount)],
        optional: ["balances": .array(balance), "cycles_evidence": .object(evidence)])
    /// `ReservationExtendResponse`.
    public static let extendResponse = ShapeSchema(
        "ReservationExtendResponse", required: ["status": .enumeration(["ACTIVE"]), "expires_at_ms": nonNegative],
        optional: ["remaining_ttl_ms": nonNegative, "balances": .array(balance), "cycles_evidence": .object(evidence)])
    /// `BalanceResponse`.
    public static let balanceResponse = ShapeSchema(
        "BalanceResponse", required: ["balances": .array(balance)],
        optional: ["next_cursor": .string, "has_more": .boolean])
    /// `ErrorResponse` as conformant servers send it (`trace_id` populated).
    public static let errorResponse = ShapeSchema(
        "ErrorResponse", required: ["error": .string, "message": .string, "request_id": .string, "trace_id": .hex32],
        optional: ["details": .anyObject, "cycles_evidence": .object(evidence)])
    /// `DecisionResponse`.
    public static let decisionResponse = ShapeSchema(
        "DecisionResponse", required: ["decision": .enumeration(decisions)],
        optional: [
            "caps": .object(caps), "reason_code": .string, "retry_after_ms": nonNegative,
            "affected_scopes": .stringArray, "cycles_evidence": .object(evidence),
        ])
    /// `EventCreateResponse`.
    public static let eventCreateResponse = ShapeSchema(
        "EventCreateResponse", required: ["status": .enumeration(["APPLIED"]), "event_id": .string],
        optional: ["charged": .object(amount), "balances": .array(balance), "cycles_evidence": .object(evidence)])
    /// `ReservationDetail`.
    public static let reservationDetail = ShapeSchema(
        "ReservationDetail",
        required: [
            "reservation_id": .string, "status": .enumeration(statuses), "subject": .anyObject, "action": .anyObject,
            "reserved": .object(amount), "created_at_ms": nonNegative, "expires_at_ms": nonNegative,
            "scope_path": .string, "affected_scopes": .stringArray,
        ],
        optional: [
            "idempotency_key": .string, "committed": .object(amount), "finalized_at_ms": nonNegative,
            "metadata": .anyObject, "committed_metadata": .anyObject, "evidence": .anyObject,
        ])
    /// `ReservationSummary`.
    public static let reservationSummary = ShapeSchema(
        "ReservationSummary", required: reservationDetail.required, optional: reservationDetail.optional)
    /// `ReservationListResponse`.
    public static let reservationListResponse = ShapeSchema(
        "ReservationListResponse", required: ["reservations": .array(reservationSummary)],
        optional: ["next_cursor": .string, "has_more": .boolean])
}
