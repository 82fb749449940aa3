import CyclesProtocol

/// A request type built straight from a body that its `WireShapes` request schema has already validated, without a second pass through
/// `JSONDecoder`.
///
/// Why: the strict shape check must parse the body into a `JSONValue` anyway (to name unknown fields and bad values),
/// so decoding the same bytes again with `JSONDecoder` did all the parsing twice; on the reserve path that second
/// parse was a measurable share of a request. Conforming types read the already-parsed value instead. Every accessor
/// still checks its type and throws 400 INVALID_REQUEST on a mismatch, so a shape that allows more than the type
/// expects gives a clear error, never a crash.
protocol ValidatedJSONDecodable {
    /// Builds the value from a body that passed its `WireShapes` request schema.
    init(validated object: ValidatedJSONObject) throws(LedgerError)
}

/// Typed, path-naming access to the members of one validated JSON object.
struct ValidatedJSONObject {
    let members: [String: JSONValue]
    let path: String

    /// Wraps `value`, which must be an object.
    init(_ value: JSONValue, path: String) throws(LedgerError) {
        guard case .object(let members) = value else {
            throw LedgerError.invalid("\(path.isEmpty ? "body" : path) must be an object")
        }
        self.members = members
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func required(_ key: String) throws(LedgerError) -> JSONValue {
        guard let value = members[key], value != .null else { throw LedgerError.invalid("\(name(key)) is required") }
        return value
    }

    /// A required string member.
    func string(_ key: String) throws(LedgerError) -> String {
        guard case .string(let text) = try required(key) else {
            throw LedgerError.invalid("\(name(key)) must be a string")
        }
        return text
    }

    /// An optional string member.
    func optionalString(_ key: String) throws(LedgerError) -> String? {
        guard members[key] != nil else { return nil }
        return try string(key)
    }

    /// A required integer member.
    func integer(_ key: String) throws(LedgerError) -> Int64 {
        guard case .integer(let number) = try required(key) else {
            throw LedgerError.invalid("\(name(key)) must be an integer")
        }
        return number
    }

    /// An optional integer member.
    func optionalInteger(_ key: String) throws(LedgerError) -> Int64? {
        guard members[key] != nil else { return nil }
        return try integer(key)
    }

    /// An optional boolean member.
    func optionalBool(_ key: String) throws(LedgerError) -> Bool? {
        guard let value = members[key] else { return nil }
        guard case .bool(let flag) = value else { throw LedgerError.invalid("\(name(key)) must be a boolean") }
        return flag
    }

    /// A required nested object.
    func object(_ key: String) throws(LedgerError) -> ValidatedJSONObject {
        try ValidatedJSONObject(try required(key), path: name(key))
    }

    /// An optional free-form object (metadata).
    func optionalMembers(_ key: String) throws(LedgerError) -> [String: JSONValue]? {
        guard let value = members[key] else { return nil }
        return try ValidatedJSONObject(value, path: name(key)).members
    }

    /// An optional array of strings.
    func optionalStrings(_ key: String) throws(LedgerError) -> [String]? {
        guard let value = members[key] else { return nil }
        guard case .array(let elements) = value else { throw LedgerError.invalid("\(name(key)) must be an array") }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else {
                throw LedgerError.invalid("\(name(key)) must contain only strings")
            }
            strings.append(text)
        }
        return strings
    }

    /// An optional object whose values are all strings.
    func optionalStringMap(_ key: String) throws(LedgerError) -> [String: String]? {
        guard let members = try optionalMembers(key) else { return nil }
        var map: [String: String] = [:]
        map.reserveCapacity(members.count)
        for (member, value) in members {
            guard case .string(let text) = value else {
                throw LedgerError.invalid("\(name(key)).\(member) must be a string")
            }
            map[member] = text
        }
        return map
    }
}
