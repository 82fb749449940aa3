import CyclesProtocol
import Foundation
import Testing

struct WireFormatTests {
    @Test("Requests encode snake_case keys and omit absent optionals")
    func reservationRequestEncoding() throws {
        let request = ReservationCreateRequest(
            idempotencyKey: "k1", subject: Subject(tenant: "acme"), action: Action(kind: "llm.completion", name: "m"),
            estimate: .usdMicrocents(5_000), ttlMs: 30_000)
        let text = String(decoding: try CyclesJSON.encode(request), as: UTF8.self)
        #expect(
            text
                == #"{"action":{"kind":"llm.completion","name":"m"},"estimate":{"amount":5000,"unit":"USD_MICROCENTS"},"idempotency_key":"k1","subject":{"tenant":"acme"},"ttl_ms":30000}"#
        )
    }

    @Test("Int64 amounts keep full precision")
    func int64Precision() throws {
        let amount = Amount.tokens(Int64.max)
        let decoded = try CyclesJSON.decode(Amount.self, from: try CyclesJSON.encode(amount))
        #expect(decoded.amount == Int64.max)
    }

    @Test("Amounts past Int64 fail to decode instead of wrapping")
    func overflowRejected() {
        let data = Data(#"{"unit":"TOKENS","amount":9223372036854775808}"#.utf8)
        #expect(throws: (any Error).self) { try CyclesJSON.decode(Amount.self, from: data) }
    }

    @Test("Free-form metadata round-trips nested values")
    func jsonValueRoundTrip() throws {
        let metadata: [String: JSONValue] = ["a": 1, "b": [true, "x", nil], "c": ["d": .double(1.5)]]
        let decoded = try CyclesJSON.decode([String: JSONValue].self, from: try CyclesJSON.encode(metadata))
        #expect(decoded == metadata)
    }

    @Test("Caps follow the allowlist-then-denylist rule")
    func capsToolRule() {
        #expect(Caps(toolAllowlist: ["search"], toolDenylist: ["search"]).isToolAllowed("search"))
        #expect(!Caps(toolAllowlist: ["search"]).isToolAllowed("Search"))
        #expect(!Caps(toolDenylist: ["rm"]).isToolAllowed("rm"))
        #expect(Caps().isToolAllowed("anything"))
    }
}

/// One percent-encoder serves the client's paths and queries, the mock control client and the conformance kit.
struct PercentEncodingTests {
    @Test("Only RFC 3986 unreserved bytes stay; every other byte is %XX in upper-case hex")
    func encodesEverythingButUnreserved() {
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentEncoding.encode("a b/c?d=e&f+g%h") == "a%20b%2Fc%3Fd%3De%26f%2Bg%25h")
        #expect(PercentEncoding.encode("ü") == "%C3%BC")
        #expect(PercentEncoding.encode("") == "")
    }
}
