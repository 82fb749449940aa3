/// The runtime request bodies, with the spec's limits (`ProtocolLimits`).
extension WireShapes {
    static let idempotencyKey = WireShape.string(minLength: 1, maxLength: ProtocolLimits.idempotencyKeyMaxLength)
    static let subjectLevel = WireShape.string(maxLength: ProtocolLimits.subjectFieldMaxLength)
    static let overagePolicy = WireShape.oneOf(CommitOveragePolicy.knownValues.map(\.rawValue))

    /// `Subject`: any of the six levels, and `dimensions`.
    public static let subject = ObjectShape(
        "Subject", required: [:],
        optional: [
            "tenant": subjectLevel, "workspace": subjectLevel, "app": subjectLevel, "workflow": subjectLevel,
            "agent": subjectLevel, "toolset": subjectLevel,
            "dimensions": .stringMap(
                maxCount: ProtocolLimits.dimensionsMaxCount, valueMaxLength: ProtocolLimits.dimensionValueMaxLength),
        ])
    /// `Action`.
    public static let action = ObjectShape(
        "Action",
        required: [
            "kind": .string(minLength: 1, maxLength: ProtocolLimits.actionKindMaxLength),
            "name": .string(minLength: 1, maxLength: ProtocolLimits.actionNameMaxLength),
        ],
        optional: [
            "tags": .array(
                .string(maxLength: ProtocolLimits.actionTagMaxLength), maxCount: ProtocolLimits.actionTagsMaxCount)
        ])
    /// `StandardMetrics`.
    public static let metrics = ObjectShape(
        "StandardMetrics", required: [:],
        optional: [
            "tokens_input": .nonNegative, "tokens_output": .nonNegative, "latency_ms": .nonNegative,
            "model_version": .string(maxLength: ProtocolLimits.modelVersionMaxLength), "custom": .anyObject,
        ])

    /// `ReservationCreateRequest` (`POST /v1/reservations`).
    public static let reservationCreateRequest = ObjectShape(
        "ReservationCreateRequest",
        required: [
            "idempotency_key": idempotencyKey, "subject": .object(subject), "action": .object(action),
            "estimate": .object(amount),
        ],
        optional: [
            "ttl_ms": .integer(minimum: ProtocolLimits.ttlMs.lowerBound, maximum: ProtocolLimits.ttlMs.upperBound),
            "grace_period_ms": .integer(
                minimum: ProtocolLimits.gracePeriodMs.lowerBound, maximum: ProtocolLimits.gracePeriodMs.upperBound),
            "overage_policy": overagePolicy, "dry_run": .boolean, "metadata": .anyObject,
        ])
    /// `DecisionRequest` (`POST /v1/decide`).
    public static let decisionRequest = ObjectShape(
        "DecisionRequest",
        required: [
            "idempotency_key": idempotencyKey, "subject": .object(subject), "action": .object(action),
            "estimate": .object(amount),
        ],
        optional: ["metadata": .anyObject])
    /// `CommitRequest` (`POST /v1/reservations/{id}/commit`).
    public static let commitRequest = ObjectShape(
        "CommitRequest", required: ["idempotency_key": idempotencyKey, "actual": .object(amount)],
        optional: ["metrics": .object(metrics), "metadata": .anyObject])
    /// `ReleaseRequest` (`POST /v1/reservations/{id}/release`).
    public static let releaseRequest = ObjectShape(
        "ReleaseRequest", required: ["idempotency_key": idempotencyKey],
        optional: ["reason": .string(maxLength: ProtocolLimits.releaseReasonMaxLength)])
    /// `ReservationExtendRequest` (`POST /v1/reservations/{id}/extend`).
    public static let extendRequest = ObjectShape(
        "ReservationExtendRequest",
        required: [
            "idempotency_key": idempotencyKey,
            "extend_by_ms": .integer(
                minimum: ProtocolLimits.extendByMs.lowerBound, maximum: ProtocolLimits.extendByMs.upperBound),
        ],
        optional: ["metadata": .anyObject])
    /// `EventCreateRequest` (`POST /v1/events`).
    public static let eventCreateRequest = ObjectShape(
        "EventCreateRequest",
        required: [
            "idempotency_key": idempotencyKey, "subject": .object(subject), "action": .object(action),
            "actual": .object(amount),
        ],
        optional: [
            "overage_policy": overagePolicy, "metrics": .object(metrics), "client_time_ms": .nonNegative,
            "metadata": .anyObject,
        ])
}
