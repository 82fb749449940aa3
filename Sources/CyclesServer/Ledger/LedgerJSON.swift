import CyclesProtocol

import Foundation

/// JSON helpers for values the ledger keeps in TEXT columns and for response bodies (always sorted keys, so the
/// same value gives the same bytes and replays are byte-identical).
enum LedgerJSON {
    static func data(_ value: some Encodable) throws -> Data { try CyclesJSON.encode(value) }

    static func string(_ value: some Encodable) throws -> String {
        String(decoding: try CyclesJSON.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try CyclesJSON.decode(type, from: Data(text.utf8))
    }
}
