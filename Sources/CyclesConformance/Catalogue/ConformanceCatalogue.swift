import CyclesProtocol
import Foundation

/// Every check of the kit, in a stable order. The catalogue file `Conformance/catalogue.json` is exported
/// from here (``catalogueJSON()``); a test keeps the two identical.
public enum ConformanceCatalogue {
    /// All checks, section by section.
    public static let all: [ConformanceCheck] =
        wire + errors + strictness + lifecycle + idempotency + concurrency + client + admin + events + webhooks

    /// The descriptors of all checks.
    public static var descriptors: [CheckDescriptor] { all.map(\.descriptor) }

    /// The check with `id`, if any.
    public static func check(id: String) -> ConformanceCheck? { all.first { $0.id == id } }

    /// The checks of `profile`, narrowed to `only` (exact IDs or ID prefixes such as `SRV-IDEM`) when not empty.
    public static func select(profile: ConformanceProfile, only: [String] = []) -> [ConformanceCheck] {
        all.filter { check in
            guard profile.includes(check.descriptor.level) || only.contains(check.id) else { return false }
            guard !only.isEmpty else { return true }
            return only.contains { check.id == $0 || check.id.hasPrefix($0 + "-") }
        }
    }

    /// The catalogue as data: pretty JSON with sorted keys, one entry per check.
    public static func catalogueJSON() -> String {
        struct Document: Encodable {
            var kitVersion: String
            var protocolVersion: String
            var checks: [CheckDescriptor]
            enum CodingKeys: String, CodingKey {
                case checks
                case kitVersion = "kit_version"
                case protocolVersion = "protocol_version"
            }
        }
        let encoder = CyclesJSON.makeEncoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        let document = Document(
            kitVersion: ConformanceKit.version, protocolVersion: ProtocolLimits.protocolVersion, checks: descriptors)
        guard let data = try? encoder.encode(document) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
