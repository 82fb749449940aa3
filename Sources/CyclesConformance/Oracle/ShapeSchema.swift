public import CyclesProtocol

/// The body shape of a response schema in the spec: required and optional fields with their types. Spec
/// schemas are `additionalProperties: false`, so a closed schema also rejects fields it does not list.
public struct ShapeSchema: Sendable {
    /// The schema's name in the spec, for messages.
    public var name: String
    /// Fields that must be present.
    public var required: [String: FieldShape]
    /// Fields that may be present.
    public var optional: [String: FieldShape]
    /// Whether unknown fields are violations.
    public var closed: Bool

    /// Creates a schema.
    public init(
        _ name: String, required: [String: FieldShape], optional: [String: FieldShape] = [:], closed: Bool = true
    ) {
        self.name = name
        self.required = required
        self.optional = optional
        self.closed = closed
    }

    /// Every way `value` departs from the schema, as `path: problem` lines (empty when it conforms).
    public func violations(of value: JSONValue, at path: String = "$") -> [String] {
        guard let members = value.objectValue else { return ["\(path): expected a \(name) object"] }
        var problems: [String] = []
        for (field, shape) in required.sorted(by: { $0.key < $1.key }) {
            guard let member = members[field] else {
                problems.append("\(path).\(field): required by \(name) but missing")
                continue
            }
            problems += Self.check(member, shape, at: "\(path).\(field)")
        }
        for (field, member) in members.sorted(by: { $0.key < $1.key }) where required[field] == nil {
            if let shape = optional[field] {
                problems += Self.check(member, shape, at: "\(path).\(field)")
            } else if closed {
                problems.append("\(path).\(field): not a field of \(name) (additionalProperties: false)")
            }
        }
        return problems
    }

    private static func check(_ value: JSONValue, _ shape: FieldShape, at path: String) -> [String] {
        switch shape {
        case .string:
            return value.stringValue == nil ? ["\(path): expected a string"] : []
        case .hex32:
            guard let text = value.stringValue, TraceContext.validTraceID(text) == text else {
                return ["\(path): expected 32 lowercase hex digits"]
            }
            return []
        case .integer(let minimum):
            guard let number = value.integerValue else { return ["\(path): expected an integer"] }
            if let minimum, number < minimum { return ["\(path): \(number) is below the minimum \(minimum)"] }
            return []
        case .boolean:
            return value.boolValue == nil ? ["\(path): expected a boolean"] : []
        case .enumeration(let allowed):
            guard let text = value.stringValue, allowed.contains(text) else {
                return ["\(path): expected one of \(allowed.joined(separator: "|"))"]
            }
            return []
        case .stringArray:
            guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                return ["\(path): expected an array of strings"]
            }
            return []
        case .array(let schema):
            guard let items = value.arrayValue else { return ["\(path): expected an array"] }
            return items.enumerated().flatMap { schema.violations(of: $1, at: "\(path)[\($0)]") }
        case .object(let schema):
            return schema.violations(of: value, at: path)
        case .anyObject:
            return value.objectValue == nil ? ["\(path): expected an object"] : []
        }
    }
}
