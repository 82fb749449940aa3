import CyclesProtocol
import Foundation
import Testing

/// The one description of the wire schemas read two ways: the server's `validate` (first violation, naming the
/// field) and the kit's `violations` (every problem). Both must agree on what conforms.
struct WireShapeTests {
    static let schemas: [String: ObjectShape] = [
        "reservation-create-request.json": WireShapes.reservationCreateRequest,
        "reservation-create-response.json": WireShapes.reservationCreateResponse,
        "commit-request.json": WireShapes.commitRequest, "commit-response.json": WireShapes.commitResponse,
        "error-unit-mismatch.json": WireShapes.errorResponse,
        "reservation-list-response.json": WireShapes.reservationListResponse,
        "event-create-request.json": WireShapes.eventCreateRequest,
    ]

    @Test("Every golden wire file follows its schema in both readings", arguments: schemas.keys.sorted())
    func goldenFilesConform(file: String) throws {
        let data = try Data(contentsOf: GoldenWireTests.wireDirectory.appendingPathComponent(file))
        let value = try CyclesJSON.decode(JSONValue.self, from: data)
        let schema = try #require(Self.schemas[file])
        #expect(schema.violations(of: value) == [])
        #expect(schema.accepts(value))
        #expect(throws: Never.self) { try schema.validate(value) }
    }

    static let valid = #"{"idempotency_key":"k","subject":{"tenant":"t"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"TOKENS","amount":1}}"#

    @Test("A broken reserve body: validate names the first violation, violations lists it at the same path", arguments: [
        (#"{"idempotency_key":"k","subject":{"tenant":"t"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"TOKENS","amount":-1}}"#,
            "estimate.amount must not be negative", "$.estimate.amount"),
        (#"{"idempotency_key":"k","subject":{"tenant":"t"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"TOKENS","amount":1},"extra":1}"#,
            "extra is not a known field", "$.extra"),
        (#"{"idempotency_key":"k","subject":{"tenant":"t"},"action":{"kind":"k"},"estimate":{"unit":"TOKENS","amount":1}}"#,
            "action.name is required", "$.action.name"),
        (#"{"idempotency_key":"","subject":{"tenant":"t"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"TOKENS","amount":1}}"#,
            "idempotency_key must not be empty", "$.idempotency_key"),
        (#"{"idempotency_key":"k","subject":{"tenant":"t"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"GRAMS","amount":1}}"#,
            "estimate.unit must be one of USD_MICROCENTS, TOKENS, CREDITS, RISK_POINTS (got 'GRAMS')", "$.estimate.unit"),
        (#"{"idempotency_key":"k","subject":{"tenant":"t"},"action":{"kind":"k","name":"n","tags":["a","b","c","d","e","f","g","h","i","j","k"]},"estimate":{"unit":"TOKENS","amount":1}}"#,
            "action.tags must have at most 10 items", "$.action.tags"),
        (#"{"idempotency_key":"k","subject":{"tenant":"t"},"action":{"kind":"k","name":"n"},"estimate":{"unit":"TOKENS","amount":1},"ttl_ms":1.5}"#,
            "ttl_ms must be an integer within the int64 range", "$.ttl_ms"),
    ])
    func brokenBody(body: String, message: String, path: String) throws {
        let value = try CyclesJSON.decode(JSONValue.self, from: Data(body.utf8))
        let schema = WireShapes.reservationCreateRequest
        #expect(!schema.accepts(value))
        #expect(throws: WireShape.Violation.self) { try schema.validate(value) }
        do {
            try schema.validate(value)
        } catch {
            #expect(error.message == message)
        }
        let problems = schema.violations(of: value)
        #expect(problems.contains { $0.hasPrefix(path + ":") }, "\(problems)")
    }

    @Test("A valid reserve body passes both readings, and a null member fails both")
    func validAndNull() throws {
        let value = try CyclesJSON.decode(JSONValue.self, from: Data(Self.valid.utf8))
        #expect(WireShapes.reservationCreateRequest.violations(of: value) == [])
        try WireShapes.reservationCreateRequest.validate(value)
        guard case .object(var members) = value else { Issue.record("not an object"); return }
        members["dry_run"] = .null
        #expect(!WireShapes.reservationCreateRequest.accepts(.object(members)))
        #expect(throws: WireShape.Violation.self) { try WireShapes.reservationCreateRequest.validate(.object(members)) }
        #expect(WireShapes.reservationCreateRequest.violations(of: .object(members)) == ["$.dry_run: expected a boolean"])
    }
}
