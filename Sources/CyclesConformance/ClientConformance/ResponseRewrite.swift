public import CyclesProtocol
public import CyclesServer

/// How a scenario alters the mock server's successful answers to one operation, to test what an SDK tolerates.
///
/// The fault layer breaks answers (drops, errors, non-conformant 2xx); a rewrite instead sends what a *newer*
/// conformant server may send: additive fields, unknown enum values, unknown reason codes (the spec says SDKs
/// MUST NOT reject them). Only 2xx JSON answers to `operation` are changed.
public struct ResponseRewrite: Sendable {
    /// Which answers are changed.
    public var operation: RuntimeOperation
    /// The change, applied to the parsed body.
    public var transform: @Sendable (JSONValue) -> JSONValue

    /// Creates a rewrite.
    public init(operation: RuntimeOperation, transform: @escaping @Sendable (JSONValue) -> JSONValue) {
        self.operation = operation
        self.transform = transform
    }

    /// Sets top-level `fields` (added, or replacing the server's values).
    public static func setting(_ fields: [String: JSONValue], on operation: RuntimeOperation) -> ResponseRewrite {
        ResponseRewrite(operation: operation) { body in
            guard var object = body.objectValue else { return body }
            for (name, value) in fields { object[name] = value }
            return .object(object)
        }
    }

    func apply(to body: JSONValue) -> JSONValue { transform(body) }
}
