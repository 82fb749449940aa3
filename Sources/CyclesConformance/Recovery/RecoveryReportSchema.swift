import CyclesProtocol
import Foundation

/// Validates a JSON document against the embedded `report.schema.json`.
///
/// Decision: no JSON Schema library is available to this package, so this interprets the keywords that schema
/// uses — `type`, `const`, `enum`, `required`, `properties`, `additionalProperties`, `items`, `minLength`,
/// `pattern`, `minimum`, `uniqueItems` and the `date-time` and `uri` formats — driven by the schema text
/// itself (one source of truth). Tests cross-check it with Python's `jsonschema` on the same documents.
enum RecoveryReportSchema {
    /// Every violation, as `path: problem`; empty when the document is valid.
    static func violations(of document: JSONValue) -> [String] {
        guard let schema = try? CyclesJSON.decode(JSONValue.self, from: Data(RecoveryCatalogue.reportSchemaText.utf8)) else {
            return ["the embedded report schema is not JSON"]
        }
        var problems: [String] = []
        check(document, against: schema, at: "$", into: &problems)
        return problems
    }

    private static func check(_ value: JSONValue, against schema: JSONValue, at path: String, into problems: inout [String]) {
        if let expected = schema["const"], expected != value { problems.append("\(path): must be \(render(expected))") }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) {
            problems.append("\(path): must be one of \(allowed.map(render).joined(separator: ", "))")
        }
        if let type = schema["type"]?.stringValue, !matches(value, type: type) {
            problems.append("\(path): must be of type \(type)")
            return
        }
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.objectValue ?? [:]
            for case .string(let key) in schema["required"]?.arrayValue ?? [] where object[key] == nil {
                problems.append("\(path): missing required property \(key)")
            }
            if schema["additionalProperties"] == .bool(false) {
                for key in object.keys.sorted() where properties[key] == nil {
                    problems.append("\(path): unexpected property \(key)")
                }
            }
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                if let childSchema = properties[key] { check(child, against: childSchema, at: "\(path).\(key)", into: &problems) }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { check(item, against: itemSchema, at: "\(path)[\(index)]", into: &problems) }
            }
            if schema["uniqueItems"] == .bool(true), Set(items).count != items.count {
                problems.append("\(path): items must be unique")
            }
        case .string(let string):
            if case .integer(let minimum)? = schema["minLength"], string.count < minimum {
                problems.append("\(path): must have at least \(minimum) characters")
            }
            if let pattern = schema["pattern"]?.stringValue, string.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): must match \(pattern)")
            }
            switch schema["format"]?.stringValue {
            case "date-time"?:
                let rfc3339 = #"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#
                if string.range(of: rfc3339, options: .regularExpression) == nil {
                    problems.append("\(path): must be an RFC 3339 date-time")
                }
            case "uri"?:
                if string.range(of: #"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$"#, options: .regularExpression) == nil {
                    problems.append("\(path): must be an absolute URI")
                }
            default: break
            }
        case .integer(let number):
            if case .integer(let minimum)? = schema["minimum"], number < minimum {
                problems.append("\(path): must be at least \(minimum)")
            }
        default: break
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .integer),
            ("null", .null), ("number", .integer), ("number", .double):
            return true
        default:
            return false
        }
    }

    private static func render(_ value: JSONValue) -> String {
        String(decoding: (try? CyclesJSON.encode(value)) ?? Data(), as: UTF8.self)
    }
}
