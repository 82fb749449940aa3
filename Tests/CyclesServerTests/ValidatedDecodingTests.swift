import CyclesProtocol
import Foundation
import Testing

@testable import CyclesServer

/// The reserve route builds its request from the shape-validated JSON instead of `JSONDecoder`; both must read every
/// body the same way, or idempotency hashes and stored reservations would depend on the path taken.
struct ValidatedDecodingTests {
    static let bodies = [
        #"{"idempotency_key":"k1","subject":{"tenant":"acme"},"action":{"kind":"llm","name":"m"},"estimate":{"unit":"USD_MICROCENTS","amount":5}}"#,
        #"""
        {"idempotency_key":"k\u00e9/\"2","subject":{"tenant":"acme","workspace":"w","app":"a","workflow":"f","agent":"g",
         "toolset":"t","dimensions":{"region":"eu","B":""}},"action":{"kind":"tool","name":"search","tags":["x","y/z",""]},
         "estimate":{"unit":"TOKENS","amount":9223372036854775807},"ttl_ms":1000,"grace_period_ms":0,
         "overage_policy":"ALLOW_WITH_OVERDRAFT","dry_run":true,
         "metadata":{"n":-1,"d":0.25,"s":"v","b":false,"z":null,"o":{"a":[1,2.5,"x",{}]}}}
        """#,
        #"{"idempotency_key":"k3","subject":{"agent":"solo"},"action":{"kind":"k","name":"n","tags":[]},"estimate":{"unit":"CREDITS","amount":0},"dry_run":false,"metadata":{}}"#,
    ]

    @Test("Reserve bodies read from validated JSON equal JSONDecoder's reading", arguments: bodies)
    func sameAsJSONDecoder(body: String) throws {
        let value = try JSONValueParser.parse(Array(body.utf8))
        try JSONShape.reservationCreate.validate(value, at: "")
        let fast = try ReservationCreateRequest(validated: try ValidatedJSONObject(value, path: ""))
        let decoded = try CyclesJSON.decode(ReservationCreateRequest.self, from: Data(body.utf8))
        #expect(fast == decoded)
        #expect(try CyclesJSON.encode(fast) == CyclesJSON.encode(decoded))
    }

    @Test("A value of the wrong type is a 400 naming the field, not a crash")
    func wrongTypeIsInvalidRequest() throws {
        let value = try JSONValueParser.parse(Array(#"{"idempotency_key":"k","subject":{"tenant":7},"action":{"kind":"k","name":"n"},"estimate":{"unit":"TOKENS","amount":1}}"#.utf8))
        #expect {
            _ = try ReservationCreateRequest(validated: try ValidatedJSONObject(value, path: ""))
        } throws: { error in
            (error as? LedgerError)?.code == .invalidRequest && "\(error)".contains("subject.tenant")
        }
    }
}
