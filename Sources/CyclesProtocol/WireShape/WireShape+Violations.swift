/// The conformance oracle's reading: every way an answer departs from its schema, as `path: problem` lines, so a
/// failing check lists all of them at once.
extension WireShape {
    /// Every violation of `value` at `path` (empty when it conforms).
    public func violations(of value: JSONValue, at path: String) -> [String] {
        switch self {
        case .string(let minimum, let maximum):
            guard let text = value.stringValue else { return ["\(path): expected a string"] }
            let length = text.schemaLength
            guard length >= minimum, length <= maximum else {
                return ["\(path): length \(length) is outside \(minimum)...\(maximum)"]
            }
            return []
        case .hex32:
            guard let text = value.stringValue, TraceContext.validTraceID(text) == text else {
                return ["\(path): expected 32 lowercase hex digits"]
            }
            return []
        case .integer(let minimum, let maximum):
            guard let number = value.integerValue else { return ["\(path): expected an integer"] }
            if number < minimum { return ["\(path): \(number) is below the minimum \(minimum)"] }
            if number > maximum { return ["\(path): \(number) is above the maximum \(maximum)"] }
            return []
        case .number(let minimum, let maximum):
            guard let number = value.numberValue else { return ["\(path): expected a number"] }
            if number < minimum { return ["\(path): \(number) is below the minimum \(minimum)"] }
            if number > maximum { return ["\(path): \(number) is above the maximum \(maximum)"] }
            return []
        case .boolean:
            return value.boolValue == nil ? ["\(path): expected a boolean"] : []
        case .oneOf(let allowed):
            guard let text = value.stringValue, allowed.contains(text) else {
                return ["\(path): expected one of \(allowed.joined(separator: "|"))"]
            }
            return []
        case .object(let schema):
            return schema.violations(of: value, at: path)
        case .stringMap(let maxCount, let valueMaxLength):
            guard let members = value.objectValue else { return ["\(path): expected an object of strings"] }
            var problems = members.count > maxCount ? ["\(path): more than \(maxCount) entries"] : []
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                problems += WireShape.string(maxLength: valueMaxLength).violations(of: member, at: "\(path).\(key)")
            }
            return problems
        case .array(let element, let maxCount):
            guard let items = value.arrayValue else { return ["\(path): expected an array"] }
            let problems = items.count > maxCount ? ["\(path): more than \(maxCount) items"] : []
            return problems + items.enumerated().flatMap { element.violations(of: $1, at: "\(path)[\($0)]") }
        case .anyObject:
            return value.objectValue == nil ? ["\(path): expected an object"] : []
        }
    }
}

extension ObjectShape {
    /// Every way `value` departs from the schema (empty when it conforms): missing required fields, members of the
    /// wrong shape and, when closed, members the schema does not list.
    public func violations(of value: JSONValue, at path: String = "$") -> [String] {
        guard let members = value.objectValue else { return ["\(path): expected a \(name) object"] }
        var problems: [String] = []
        for field in required.sorted() where members[field] == nil {
            problems.append("\(path).\(field): required by \(name) but missing")
        }
        for (field, member) in members.sorted(by: { $0.key < $1.key }) {
            if let shape = fields[field] {
                problems += shape.violations(of: member, at: "\(path).\(field)")
            } else if closed {
                problems.append("\(path).\(field): not a field of \(name) (additionalProperties: false)")
            }
        }
        return problems
    }
}
