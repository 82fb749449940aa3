/// One scenario of the SDK recovery catalogue.
///
/// `expectedRequests` and `assertions` are the runner's review oracle: they are never written to an adapter.
public struct RecoveryScenario: Sendable, Hashable, Decodable {
    /// The level a scenario belongs to.
    public enum Level: String, Sendable, Hashable, Decodable, CaseIterable {
        /// Core recovery.
        case core
        /// Durable recovery.
        case durable
        /// The guarantee boundary (part of both claims).
        case boundary
    }

    /// `CR-(CORE|DURABLE|BOUNDARY)-NNN`.
    public let id: String
    /// The scenario's level.
    public let level: Level
    /// A one-line description.
    public let name: String
    /// What the SDK can durably know before the faults.
    public let precondition: String
    /// The injected failures, in order.
    public let faults: [String]
    /// The allowed settlement choreography (oracle, not sent to adapters).
    public let expectedRequests: [String]
    /// The externally observable outcomes (oracle, not sent to adapters).
    public let assertions: [String]

    enum CodingKeys: String, CodingKey {
        case id, level, name, precondition, faults, assertions
        case expectedRequests = "expected_requests"
    }

    /// The adapter's stdin: exactly `id`, `level`, `name`, `precondition` and `faults`, in that order, spelled the
    /// way Python's `json.dumps` writes them (`", "` and `": "` separators, non-ASCII as `\uXXXX`), so an adapter
    /// sees the same bytes from this runner as from the official one.
    public var adapterInput: String {
        let faultList = faults.map(PythonJSON.string).joined(separator: ", ")
        return "{\"id\": \(PythonJSON.string(id)), \"level\": \(PythonJSON.string(level.rawValue)), "
            + "\"name\": \(PythonJSON.string(name)), \"precondition\": \(PythonJSON.string(precondition)), "
            + "\"faults\": [\(faultList)]}"
    }
}

/// A recovery claim: which levels it runs.
public enum RecoveryClaim: String, Sendable, Hashable, CaseIterable {
    /// Core and boundary scenarios.
    case core
    /// Core, durable and boundary scenarios.
    case durable

    /// The levels the claim runs.
    public var levels: Set<RecoveryScenario.Level> {
        switch self {
        case .core: [.core, .boundary]
        case .durable: [.core, .durable, .boundary]
        }
    }
}

/// JSON strings as Python's `json.dumps` (with `ensure_ascii`) writes them.
enum PythonJSON {
    static func string(_ value: String) -> String {
        var out = "\""
        for unit in value.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
