import Crypto
import CyclesProtocol
import Foundation
import Yams

/// The SDK recovery profile's scenario catalogue, embedded and pinned by digest, so `cycles conformance recovery`
/// runs exactly the scenarios the official runner runs.
public enum RecoveryCatalogue {
    /// The profile name every report carries.
    public static let profileName = "cycles-sdk-recovery"
    /// The catalogue version this kit embeds.
    public static let profileVersion = "0.3"
    /// sha256 of the embedded catalogue (after line-ending normalisation), as the official runner computes it.
    public static let pinnedDigest = "28792ca09104ba04d0a9bd6ae922e6d9581af94d14807eab2b5ad2e50ba5bd72"

    /// The catalogue digest: sha256 of the UTF-8 text with CRLF and CR normalised to LF, lowercase hex (so one
    /// catalogue commit has one digest on every platform).
    public static func digest(of text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return RandomIdentifier.hexString(SHA256.hash(data: Data(normalized.utf8)))
    }

    /// A catalogue that cannot be read.
    public struct Invalid: Error, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    /// The embedded scenarios in catalogue order.
    public static func scenarios() throws -> [RecoveryScenario] {
        try parse(text)
    }

    /// Parses a catalogue document (the embedded one, or another for tests).
    public static func parse(_ text: String) throws -> [RecoveryScenario] {
        struct Document: Decodable {
            let profile: String
            let version: String
            let scenarios: [RecoveryScenario]
        }
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text)
        } catch {
            throw Invalid(description: "recovery scenario catalogue is not readable: \(error)")
        }
        guard document.profile == profileName else { throw Invalid(description: "catalogue profile is \(document.profile)") }
        return document.scenarios
    }
}
