import CyclesProtocol

/// Checks what the protocol bounds before a request leaves the process, so a bad value fails fast with a
/// clear message (reported as `INVALID_REQUEST`, like the server would) instead of a round trip.
enum RequestValidator {
    static func validate(_ subject: Subject) throws(CyclesError) {
        guard subject.hasStandardField else {
            throw .validation(
                "subject needs at least one of tenant, workspace, app, workflow, agent, toolset "
                    + "(set one on the request or as a default in CyclesConfig)")
        }
        for level in ScopeLevel.allCases {
            if let value = subject[level] {
                try length(value, max: ProtocolLimits.subjectFieldMaxLength, field: "subject.\(level.rawValue)")
            }
        }
        if let dimensions = subject.dimensions {
            guard dimensions.count <= ProtocolLimits.dimensionsMaxCount else {
                throw .validation("subject.dimensions has \(dimensions.count) entries; at most 16 are allowed")
            }
            for (key, value) in dimensions {
                try length(value, max: ProtocolLimits.dimensionValueMaxLength, field: "subject.dimensions.\(key)")
            }
        }
    }

    static func validate(_ action: Action) throws(CyclesError) {
        try nonEmpty(action.kind, field: "action.kind")
        try nonEmpty(action.name, field: "action.name")
        try length(action.kind, max: ProtocolLimits.actionKindMaxLength, field: "action.kind")
        try length(action.name, max: ProtocolLimits.actionNameMaxLength, field: "action.name")
        if let tags = action.tags {
            guard tags.count <= ProtocolLimits.actionTagsMaxCount else {
                throw .validation("action.tags has \(tags.count) entries; at most 10 are allowed")
            }
            for tag in tags { try length(tag, max: ProtocolLimits.actionTagMaxLength, field: "action.tags[]") }
        }
    }

    static func validate(_ amount: Amount, field: String) throws(CyclesError) {
        guard amount.amount >= 0 else { throw .validation("\(field).amount must be ≥ 0, got \(amount.amount)") }
    }

    static func validate(_ key: IdempotencyKey) throws(CyclesError) {
        guard !key.rawValue.isEmpty, key.rawValue.schemaLength <= ProtocolLimits.idempotencyKeyMaxLength else {
            throw .validation("idempotency_key must be 1 to 256 characters")
        }
    }

    static func validate(_ id: ReservationID) throws(CyclesError) {
        guard !id.rawValue.isEmpty, id.rawValue.schemaLength <= ProtocolLimits.reservationIDMaxLength else {
            throw .validation("reservation_id must be 1 to 128 characters")
        }
    }

    static func validate(_ metrics: StandardMetrics?) throws(CyclesError) {
        guard let metrics else { return }
        for (value, name) in [(metrics.tokensInput, "tokens_input"), (metrics.tokensOutput, "tokens_output"),
            (metrics.latencyMs, "latency_ms")]
        {
            if let value, value < 0 { throw .validation("metrics.\(name) must be ≥ 0, got \(value)") }
        }
        if let version = metrics.modelVersion {
            try length(version, max: ProtocolLimits.modelVersionMaxLength, field: "metrics.model_version")
        }
    }

    static func validate(_ request: ReservationCreateRequest) throws(CyclesError) {
        try validate(request.idempotencyKey)
        try validate(request.subject)
        try validate(request.action)
        try validate(request.estimate, field: "estimate")
        if let ttl = request.ttlMs, !ProtocolLimits.ttlMs.contains(ttl) {
            throw .validation("ttl_ms must be between 1000 and 86400000, got \(ttl)")
        }
        if let grace = request.gracePeriodMs, !ProtocolLimits.gracePeriodMs.contains(grace) {
            throw .validation("grace_period_ms must be between 0 and 60000, got \(grace)")
        }
    }

    static func validate(_ request: DecisionRequest) throws(CyclesError) {
        try validate(request.idempotencyKey)
        try validate(request.subject)
        try validate(request.action)
        try validate(request.estimate, field: "estimate")
    }

    static func validate(_ request: CommitRequest) throws(CyclesError) {
        try validate(request.idempotencyKey)
        try validate(request.actual, field: "actual")
        try validate(request.metrics)
    }

    static func validate(_ request: ReleaseRequest) throws(CyclesError) {
        try validate(request.idempotencyKey)
        if let reason = request.reason { try length(reason, max: ProtocolLimits.releaseReasonMaxLength, field: "reason") }
    }

    static func validate(_ request: ExtendRequest) throws(CyclesError) {
        try validate(request.idempotencyKey)
        guard ProtocolLimits.extendByMs.contains(request.extendByMs) else {
            throw .validation("extend_by_ms must be between 1 and 86400000, got \(request.extendByMs)")
        }
    }

    static func validate(_ request: EventCreateRequest) throws(CyclesError) {
        try validate(request.idempotencyKey)
        try validate(request.subject)
        try validate(request.action)
        try validate(request.actual, field: "actual")
        try validate(request.metrics)
        if let time = request.clientTimeMs, time < 0 { throw .validation("client_time_ms must be ≥ 0") }
    }

    static func validate(limit: Int?) throws(CyclesError) {
        if let limit, !ProtocolLimits.pageLimit.contains(limit) {
            throw .validation("limit must be between 1 and 200, got \(limit)")
        }
    }

    private static func length(_ value: String, max: Int, field: String) throws(CyclesError) {
        guard value.schemaLength <= max else {
            throw .validation("\(field) is \(value.schemaLength) code points; at most \(max)")
        }
    }

    private static func nonEmpty(_ value: String, field: String) throws(CyclesError) {
        guard !value.isEmpty else { throw .validation("\(field) must not be empty") }
    }
}
