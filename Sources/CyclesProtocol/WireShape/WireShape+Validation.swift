/// The server's reading: the first violation of a request body, as a message that names the field. Checked against
/// the parsed JSON before typed decoding, so an unknown field, a wrong type, an out-of-range number, an oversize
/// string or a `null` is a 400 naming the field (`JSONDecoder` alone would silently ignore unknown keys).
extension WireShape {
    /// Why a value does not follow its shape, in one sentence that names the field.
    public struct Violation: Error, Sendable, CustomStringConvertible {
        /// The message, for example `estimate.amount must not be negative`.
        public var message: String
        /// Creates a violation.
        public init(_ message: String) { self.message = message }
        /// The message.
        public var description: String { message }
    }

    /// Throws the first way `value` (at `path`, empty for the body) departs from this shape.
    public func validate(_ value: JSONValue, at path: String) throws(Violation) {
        if accepts(value) { return }
        try reportFirstViolation(value, at: path)
        // `accepts` and the walk below encode the same rules; should they ever disagree, refuse rather than accept.
        throw Violation("\(path.isEmpty ? "body" : path) does not follow its schema")
    }

    /// Whether `value` follows this shape: the rules of ``validate(_:at:)`` without building paths or messages, so
    /// the success path (almost every request, the reserve path included) neither sorts keys nor allocates strings.
    public func accepts(_ value: JSONValue) -> Bool {
        switch self {
        case .string(let minimum, let maximum):
            guard let length = value.stringValue?.schemaLength else { return false }
            return length >= minimum && length <= maximum
        case .hex32:
            guard let text = value.stringValue else { return false }
            return TraceContext.validTraceID(text) == text
        case .integer(let minimum, let maximum):
            guard let number = value.integerValue else { return false }
            return number >= minimum && number <= maximum
        case .number(let minimum, let maximum):
            guard let number = value.numberValue else { return false }
            return number >= minimum && number <= maximum
        case .boolean:
            return value.boolValue != nil
        case .oneOf(let allowed):
            guard let text = value.stringValue else { return false }
            return allowed.contains(text)
        case .object(let schema):
            return schema.accepts(value)
        case .stringMap(let maxCount, let valueMaxLength):
            guard let members = value.objectValue, members.count <= maxCount else { return false }
            return members.values.allSatisfy { member in
                member.stringValue.map { $0.schemaLength <= valueMaxLength } ?? false
            }
        case .array(let element, let maxCount):
            guard let items = value.arrayValue, items.count <= maxCount else { return false }
            return items.allSatisfy { element.accepts($0) }
        case .anyObject:
            return value.objectValue != nil
        }
    }

    /// The walk in key order that names the first violation (only run once `accepts` said there is one).
    func reportFirstViolation(_ value: JSONValue, at path: String) throws(Violation) {
        let name = path.isEmpty ? "body" : path
        if value == .null { throw Violation("\(name) must not be null") }
        switch self {
        case .string(let minimum, let maximum):
            guard let text = value.stringValue else { throw Violation("\(name) must be a string") }
            guard text.schemaLength >= minimum else {
                throw Violation(
                    minimum == 1 ? "\(name) must not be empty" : "\(name) must be at least \(minimum) characters")
            }
            guard text.schemaLength <= maximum else { throw Violation("\(name) must be at most \(maximum) characters") }
        case .hex32:
            guard let text = value.stringValue else { throw Violation("\(name) must be a string") }
            guard TraceContext.validTraceID(text) == text else { throw Violation("\(name) must be 32 lowercase hex digits") }
        case .integer(let minimum, let maximum):
            guard let number = value.integerValue else {
                if case .double = value { throw Violation("\(name) must be an integer within the int64 range") }
                throw Violation("\(name) must be an integer")
            }
            guard number >= minimum else {
                throw Violation(minimum == 0 ? "\(name) must not be negative" : "\(name) must be at least \(minimum)")
            }
            guard number <= maximum else { throw Violation("\(name) must be at most \(maximum)") }
        case .number(let minimum, let maximum):
            guard let number = value.numberValue else { throw Violation("\(name) must be a number") }
            guard number >= minimum else { throw Violation("\(name) must be at least \(minimum)") }
            guard number <= maximum else { throw Violation("\(name) must be at most \(maximum)") }
        case .boolean:
            guard value.boolValue != nil else { throw Violation("\(name) must be a boolean") }
        case .oneOf(let allowed):
            guard let text = value.stringValue else { throw Violation("\(name) must be a string") }
            guard allowed.contains(text) else {
                throw Violation("\(name) must be one of \(allowed.joined(separator: ", ")) (got '\(text)')")
            }
        case .object(let schema):
            try schema.reportFirstViolation(value, at: path)
        case .stringMap(let maxCount, let valueMaxLength):
            guard let members = value.objectValue else { throw Violation("\(name) must be an object") }
            guard members.count <= maxCount else { throw Violation("\(name) must have at most \(maxCount) entries") }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                try WireShape.string(minLength: 0, maxLength: valueMaxLength)
                    .reportFirstViolation(member, at: "\(name).\(key)")
            }
        case .array(let element, let maxCount):
            guard let items = value.arrayValue else { throw Violation("\(name) must be an array") }
            guard items.count <= maxCount else { throw Violation("\(name) must have at most \(maxCount) items") }
            for (index, item) in items.enumerated() { try element.reportFirstViolation(item, at: "\(name)[\(index)]") }
        case .anyObject:
            guard value.objectValue != nil else { throw Violation("\(name) must be an object") }
        }
    }
}

extension ObjectShape {
    /// Throws the first violation of `value`: a non-object, then an unlisted member (when closed), then a missing
    /// required field, then the first member (in key order) that departs from its shape.
    public func validate(_ value: JSONValue, at path: String = "") throws(WireShape.Violation) {
        if accepts(value) { return }
        try reportFirstViolation(value, at: path)
        throw WireShape.Violation("\(path.isEmpty ? "body" : path) does not follow \(name)")
    }

    /// Whether `value` follows the schema (see ``WireShape/accepts(_:)``).
    public func accepts(_ value: JSONValue) -> Bool {
        guard let members = value.objectValue else { return false }
        for key in required where members[key] == nil { return false }
        for (key, member) in members {
            guard let shape = fields[key] else {
                if closed { return false }
                continue
            }
            if !shape.accepts(member) { return false }
        }
        return true
    }

    /// The walk in key order that names the first violation (see ``validate(_:at:)`` for the order).
    func reportFirstViolation(_ value: JSONValue, at path: String) throws(WireShape.Violation) {
        let name = path.isEmpty ? "body" : path
        if value == .null { throw WireShape.Violation("\(name) must not be null") }
        guard let members = value.objectValue else { throw WireShape.Violation("\(name) must be an object") }
        if closed {
            for key in members.keys.sorted() where fields[key] == nil {
                throw WireShape.Violation("\(path.isEmpty ? key : "\(path).\(key)") is not a known field")
            }
        }
        for key in required.sorted() where members[key] == nil {
            throw WireShape.Violation("\(path.isEmpty ? key : "\(path).\(key)") is required")
        }
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            try fields[key]?.reportFirstViolation(member, at: path.isEmpty ? key : "\(path).\(key)")
        }
    }
}
