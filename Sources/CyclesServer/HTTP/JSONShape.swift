import CyclesProtocol

/// A strict description of a request body, checked against the parsed JSON before typed decoding so every
/// violation (unknown field, wrong type, out-of-range number, oversize string, null) becomes a 400 that names the
/// field. `JSONDecoder` alone would silently ignore unknown keys.
indirect enum JSONShape: Sendable {
    case string(minLength: Int, maxLength: Int)
    case integer(minimum: Int64, maximum: Int64)
    case boolean
    case oneOf([String])
    case object([String: JSONShape], required: Set<String>)
    case stringMap(maxCount: Int, valueMaxLength: Int)
    case array(JSONShape, maxCount: Int)
    /// A free-form object (`metadata`, `metrics.custom`).
    case anyObject

    func validate(_ value: JSONValue, at path: String) throws {
        let name = path.isEmpty ? "body" : path
        if value == .null { throw LedgerError.invalid("\(name) must not be null") }
        switch self {
        case .string(let minimum, let maximum):
            guard let text = value.stringValue else { throw LedgerError.invalid("\(name) must be a string") }
            guard text.schemaLength >= minimum else {
                throw LedgerError.invalid(
                    minimum == 1 ? "\(name) must not be empty" : "\(name) must be at least \(minimum) characters")
            }
            guard text.schemaLength <= maximum else { throw LedgerError.invalid("\(name) must be at most \(maximum) characters") }
        case .integer(let minimum, let maximum):
            guard let number = value.integerValue else {
                if case .double = value {
                    throw LedgerError.invalid("\(name) must be an integer within the int64 range")
                }
                throw LedgerError.invalid("\(name) must be an integer")
            }
            guard number >= minimum else {
                throw LedgerError.invalid(
                    minimum == 0 ? "\(name) must not be negative" : "\(name) must be at least \(minimum)")
            }
            guard number <= maximum else { throw LedgerError.invalid("\(name) must be at most \(maximum)") }
        case .boolean:
            guard value.boolValue != nil else { throw LedgerError.invalid("\(name) must be a boolean") }
        case .oneOf(let allowed):
            guard let text = value.stringValue else { throw LedgerError.invalid("\(name) must be a string") }
            guard allowed.contains(text) else {
                throw LedgerError.invalid("\(name) must be one of \(allowed.joined(separator: ", ")) (got '\(text)')")
            }
        case .object(let fields, let required):
            guard let members = value.objectValue else { throw LedgerError.invalid("\(name) must be an object") }
            for key in members.keys.sorted() where fields[key] == nil {
                throw LedgerError.invalid("\(path.isEmpty ? key : "\(path).\(key)") is not a known field")
            }
            for key in required.sorted() where members[key] == nil {
                throw LedgerError.invalid("\(path.isEmpty ? key : "\(path).\(key)") is required")
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                try fields[key]?.validate(member, at: path.isEmpty ? key : "\(path).\(key)")
            }
        case .stringMap(let maxCount, let valueMaxLength):
            guard let members = value.objectValue else { throw LedgerError.invalid("\(name) must be an object") }
            guard members.count <= maxCount else {
                throw LedgerError.invalid("\(name) must have at most \(maxCount) entries")
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                try JSONShape.string(minLength: 0, maxLength: valueMaxLength).validate(member, at: "\(name).\(key)")
            }
        case .array(let element, let maxCount):
            guard let items = value.arrayValue else { throw LedgerError.invalid("\(name) must be an array") }
            guard items.count <= maxCount else { throw LedgerError.invalid("\(name) must have at most \(maxCount) items") }
            for (index, item) in items.enumerated() { try element.validate(item, at: "\(name)[\(index)]") }
        case .anyObject:
            guard value.objectValue != nil else { throw LedgerError.invalid("\(name) must be an object") }
        }
    }
}

/// The body shapes of the runtime endpoints (protocol v0.1.25; every schema is `additionalProperties: false`).
extension JSONShape {
    static let idempotencyKey = JSONShape.string(minLength: 1, maxLength: ProtocolLimits.idempotencyKeyMaxLength)
    static let amount = JSONShape.object(
        ["unit": .oneOf(BudgetUnit.knownValues.map(\.rawValue)), "amount": .integer(minimum: 0, maximum: .max)],
        required: ["unit", "amount"])
    static let subjectLevel = JSONShape.string(minLength: 0, maxLength: ProtocolLimits.subjectFieldMaxLength)
    static let subject = JSONShape.object(
        [
            "tenant": subjectLevel, "workspace": subjectLevel, "app": subjectLevel, "workflow": subjectLevel,
            "agent": subjectLevel, "toolset": subjectLevel,
            "dimensions": .stringMap(
                maxCount: ProtocolLimits.dimensionsMaxCount, valueMaxLength: ProtocolLimits.dimensionValueMaxLength),
        ], required: [])
    static let action = JSONShape.object(
        [
            "kind": .string(minLength: 1, maxLength: ProtocolLimits.actionKindMaxLength),
            "name": .string(minLength: 1, maxLength: ProtocolLimits.actionNameMaxLength),
            "tags": .array(
                .string(minLength: 0, maxLength: ProtocolLimits.actionTagMaxLength),
                maxCount: ProtocolLimits.actionTagsMaxCount),
        ], required: ["kind", "name"])
    static let metrics = JSONShape.object(
        [
            "tokens_input": .integer(minimum: 0, maximum: .max), "tokens_output": .integer(minimum: 0, maximum: .max),
            "latency_ms": .integer(minimum: 0, maximum: .max),
            "model_version": .string(minLength: 0, maxLength: ProtocolLimits.modelVersionMaxLength),
            "custom": .anyObject,
        ], required: [])
    static let overagePolicy = JSONShape.oneOf(CommitOveragePolicy.knownValues.map(\.rawValue))

    static let reservationCreate = JSONShape.object(
        [
            "idempotency_key": idempotencyKey, "subject": subject, "action": action, "estimate": amount,
            "ttl_ms": .integer(
                minimum: ProtocolLimits.ttlMs.lowerBound, maximum: ProtocolLimits.ttlMs.upperBound),
            "grace_period_ms": .integer(
                minimum: ProtocolLimits.gracePeriodMs.lowerBound, maximum: ProtocolLimits.gracePeriodMs.upperBound),
            "overage_policy": overagePolicy, "dry_run": .boolean, "metadata": .anyObject,
        ], required: ["idempotency_key", "subject", "action", "estimate"])
    static let decision = JSONShape.object(
        [
            "idempotency_key": idempotencyKey, "subject": subject, "action": action, "estimate": amount,
            "metadata": .anyObject,
        ], required: ["idempotency_key", "subject", "action", "estimate"])
    static let commit = JSONShape.object(
        ["idempotency_key": idempotencyKey, "actual": amount, "metrics": metrics, "metadata": .anyObject],
        required: ["idempotency_key", "actual"])
    static let release = JSONShape.object(
        [
            "idempotency_key": idempotencyKey,
            "reason": .string(minLength: 0, maxLength: ProtocolLimits.releaseReasonMaxLength),
        ], required: ["idempotency_key"])
    static let extend = JSONShape.object(
        [
            "idempotency_key": idempotencyKey,
            "extend_by_ms": .integer(
                minimum: ProtocolLimits.extendByMs.lowerBound, maximum: ProtocolLimits.extendByMs.upperBound),
            "metadata": .anyObject,
        ], required: ["idempotency_key", "extend_by_ms"])
    static let event = JSONShape.object(
        [
            "idempotency_key": idempotencyKey, "subject": subject, "action": action, "actual": amount,
            "overage_policy": overagePolicy, "metrics": metrics, "client_time_ms": .integer(minimum: 0, maximum: .max),
            "metadata": .anyObject,
        ], required: ["idempotency_key", "subject", "action", "actual"])
}
