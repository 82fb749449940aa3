import CyclesProtocol
import Foundation
import Testing

@testable import CyclesServer

/// The runtime routes build their requests from the shape-validated JSON instead of `JSONDecoder`; both must read
/// every body the same way, or idempotency hashes and stored rows would depend on the path taken.
struct ValidatedDecodingTests {
    static let subject = #"{"tenant":"acme","workspace":"w","app":"a","workflow":"f","agent":"g","toolset":"t","dimensions":{"region":"eu","B":""}}"#
    static let action = #"{"kind":"tool","name":"search","tags":["x","y/z",""]}"#
    static let metadata = #"{"n":-1,"d":0.25,"s":"v","b":false,"z":null,"o":{"a":[1,2.5,"x",{}]}}"#
    static let metrics = #"{"tokens_input":1,"tokens_output":2,"latency_ms":3,"model_version":"m-1","custom":{"k":[1]}}"#

    /// Parses, validates and builds `body` the fast way; returns it with `JSONDecoder`'s reading.
    static func both<T: ValidatedJSONDecodable & Decodable>(_ type: T.Type, _ body: String, shape: ObjectShape) throws
        -> (fast: T, decoded: T)
    {
        let value = try JSONValueParser.parse(Array(body.utf8))
        try shape.validate(value)
        let fast = try T(validated: try ValidatedJSONObject(value, path: ""))
        return (fast, try CyclesJSON.decode(T.self, from: Data(body.utf8)))
    }

    @Test("Reserve bodies read from validated JSON equal JSONDecoder's reading", arguments: [
        #"{"idempotency_key":"k1","subject":{"tenant":"acme"},"action":{"kind":"llm","name":"m"},"estimate":{"unit":"USD_MICROCENTS","amount":5}}"#,
        #"{"idempotency_key":"k\u00e9/\"2","subject":\#(subject),"action":\#(action),"estimate":{"unit":"TOKENS","amount":9223372036854775807},"ttl_ms":1000,"grace_period_ms":0,"overage_policy":"ALLOW_WITH_OVERDRAFT","dry_run":true,"metadata":\#(metadata)}"#,
        #"{"idempotency_key":"k3","subject":{"agent":"solo"},"action":{"kind":"k","name":"n","tags":[]},"estimate":{"unit":"CREDITS","amount":0},"dry_run":false,"metadata":{}}"#,
    ])
    func reserve(body: String) throws {
        let (fast, decoded) = try Self.both(ReservationCreateRequest.self, body, shape: WireShapes.reservationCreateRequest)
        #expect(fast == decoded)
        #expect(try CyclesJSON.encode(fast) == CyclesJSON.encode(decoded))
    }

    @Test("Decide, commit, release, extend and event bodies, minimal and full, equal JSONDecoder's reading")
    func otherRequests() throws {
        for body in [
            #"{"idempotency_key":"d","subject":{"tenant":"acme"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"TOKENS","amount":1}}"#,
            #"{"idempotency_key":"d2","subject":\#(Self.subject),"action":\#(Self.action),"estimate":{"unit":"RISK_POINTS","amount":7},"metadata":\#(Self.metadata)}"#,
        ] {
            let (fast, decoded) = try Self.both(DecisionRequest.self, body, shape: WireShapes.decisionRequest)
            #expect(fast == decoded)
        }
        for body in [
            #"{"idempotency_key":"c","actual":{"unit":"USD_MICROCENTS","amount":0}}"#,
            #"{"idempotency_key":"c2","actual":{"unit":"TOKENS","amount":42},"metrics":\#(Self.metrics),"metadata":\#(Self.metadata)}"#,
            #"{"idempotency_key":"c3","actual":{"unit":"TOKENS","amount":42},"metrics":{}}"#,
        ] {
            let (fast, decoded) = try Self.both(CommitRequest.self, body, shape: WireShapes.commitRequest)
            #expect(fast == decoded)
        }
        for body in [#"{"idempotency_key":"r"}"#, #"{"idempotency_key":"r2","reason":"done \"early\""}"#] {
            let (fast, decoded) = try Self.both(ReleaseRequest.self, body, shape: WireShapes.releaseRequest)
            #expect(fast == decoded)
        }
        for body in [
            #"{"idempotency_key":"x","extend_by_ms":1000}"#,
            #"{"idempotency_key":"x2","extend_by_ms":86400000,"metadata":\#(Self.metadata)}"#,
        ] {
            let (fast, decoded) = try Self.both(ExtendRequest.self, body, shape: WireShapes.extendRequest)
            #expect(fast == decoded)
        }
        for body in [
            #"{"idempotency_key":"e","subject":{"tenant":"acme"},"action":{"kind":"k","name":"n"},"actual":{"unit":"CREDITS","amount":3}}"#,
            #"{"idempotency_key":"e2","subject":\#(Self.subject),"action":\#(Self.action),"actual":{"unit":"CREDITS","amount":3},"overage_policy":"REJECT","metrics":\#(Self.metrics),"client_time_ms":1700000000000,"metadata":\#(Self.metadata)}"#,
        ] {
            let (fast, decoded) = try Self.both(EventCreateRequest.self, body, shape: WireShapes.eventCreateRequest)
            #expect(fast == decoded)
        }
    }

    @Test("A value of the wrong type is a 400 naming the field, not a crash")
    func wrongTypeIsInvalidRequest() throws {
        let value = try JSONValueParser.parse(
            Array(#"{"idempotency_key":"k","subject":{"tenant":7},"action":{"kind":"k","name":"n"},"estimate":{"unit":"TOKENS","amount":1}}"#.utf8))
        #expect {
            _ = try ReservationCreateRequest(validated: try ValidatedJSONObject(value, path: ""))
        } throws: { error in
            (error as? LedgerError)?.code == .invalidRequest && "\(error)".contains("subject.tenant")
        }
    }
}
