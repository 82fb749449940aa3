import CyclesProtocol
import Foundation
import Testing

/// `CanonicalJSONWriter` must produce exactly `JSONEncoder`'s bytes (sorted keys, unescaped slashes): stored
/// idempotent answers, payload hashes and golden files all depend on one spelling per value.
struct CanonicalJSONWriterTests {
    static func encoderBytes(_ value: some Encodable) throws -> String {
        String(decoding: try CyclesJSON.makeEncoder().encode(value), as: UTF8.self)
    }

    static func writerBytes(_ value: some CanonicalJSONWritable) -> String {
        var writer = CanonicalJSONWriter()
        value.writeJSON(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static let awkwardString: String = {
        var text = (0..<0x20).map { String(Character(Unicode.Scalar(UInt8($0)))) }.joined()
        return text + "\"\\/é\u{2028}\u{7F}😀 plain"
    }()

    static let fullSubject = Subject(
        tenant: "acme", workspace: "ws", app: "app", workflow: "wf", agent: "a/1", toolset: "tools",
        dimensions: ["region": "eu", "B": "upper", "a_b": "x", "aa": "y", "é": "accent"])

    static let balances = [
        Balance(
            scope: "tenant:acme", scopePath: "tenant:acme", remaining: .usdMicrocents(-5), reserved: .usdMicrocents(10),
            spent: .usdMicrocents(0), debt: .usdMicrocents(Int64.max), allocated: .usdMicrocents(Int64.min),
            overdraftLimit: .usdMicrocents(7), isOverLimit: true),
        Balance(scope: "agent:x", scopePath: "tenant:acme/agent:x", remaining: .tokens(3)),
    ]

    @Test("Strings: every control character, quotes, backslash, slash and non-ASCII match JSONEncoder")
    func strings() throws {
        #expect(Self.writerBytes(Self.awkwardString) == (try Self.encoderBytes(Self.awkwardString)))
        #expect(Self.writerBytes([Self.awkwardString, ""]) == (try Self.encoderBytes([Self.awkwardString, ""])))
    }

    @Test("Integers at the edges match JSONEncoder", arguments: [Int64.min, -1, 0, 7, 10, 1_000_000, Int64.max])
    func integers(value: Int64) throws {
        #expect(Self.writerBytes(value) == (try Self.encoderBytes(value)))
    }

    @Test("Free-form metadata (nested objects, arrays, doubles, nulls) matches JSONEncoder")
    func metadata() throws {
        let metadata: [String: JSONValue] = [
            "z": .array([.integer(1), .double(0.1), .double(1e-7), .double(1e21), .null, .bool(false)]),
            "a": .object(["y": .string("x/y"), "b": .object([:]), "B": .array([])]),
            "m": .double(2.0), "é": .bool(true), "": .string(Self.awkwardString),
        ]
        #expect(Self.writerBytes(metadata) == (try Self.encoderBytes(metadata)))
        #expect(Self.writerBytes(JSONValue.object(metadata)) == (try Self.encoderBytes(JSONValue.object(metadata))))
    }

    @Test("Reserve requests, minimal and with every field, match JSONEncoder")
    func reserveRequests() throws {
        let minimal = ReservationCreateRequest(
            idempotencyKey: "k-1", subject: Subject(tenant: "acme"), action: Action(kind: "llm.completion", name: "m"),
            estimate: .usdMicrocents(100))
        let full = ReservationCreateRequest(
            idempotencyKey: IdempotencyKey(Self.awkwardString), subject: Self.fullSubject,
            action: Action(kind: "tool", name: "search", tags: ["a", "b/c"]), estimate: .tokens(Int64.max),
            ttlMs: 60_000, gracePeriodMs: 0, overagePolicy: .allowWithOverdraft, dryRun: true,
            metadata: ["k": .string("v"), "n": .integer(-3), "d": .double(3.25)])
        for request in [minimal, full] {
            #expect(Self.writerBytes(request) == (try Self.encoderBytes(request)))
            #expect(try CyclesJSON.encode(request) == CyclesJSON.makeEncoder().encode(request))
        }
    }

    @Test("Reserve responses (allow with caps and balances, deny with a reason, unknown enum values) match JSONEncoder")
    func reserveResponses() throws {
        let allow = ReservationCreateResponse(
            decision: .allowWithCaps, reservationID: "rsv_1", reserved: .usdMicrocents(5), expiresAtMs: 1_700_000_000_000,
            remainingTTLMs: 60_000, scopePath: "tenant:acme/agent:x", affectedScopes: ["tenant:acme", "agent:x"],
            caps: Caps(maxTokens: 4096, maxStepsRemaining: 3, toolAllowlist: ["a"], toolDenylist: [], cooldownMs: 0),
            balances: Self.balances, retryAfterMs: 10,
            cyclesEvidence: EvidenceReference(evidenceID: "e1", cyclesEvidenceURL: "https://x.example/e/1"))
        let deny = ReservationCreateResponse(
            decision: Decision(rawValue: "SOMETHING_NEW"), scopePath: "tenant:acme", affectedScopes: [],
            reasonCode: DecisionReasonCode(rawValue: "NEW_REASON"))
        for response in [allow, deny] {
            #expect(Self.writerBytes(response) == (try Self.encoderBytes(response)))
        }
    }

    @Test("Small wire values (amount, balance, caps, subject, action, ids, statuses) match JSONEncoder")
    func smallValues() throws {
        #expect(Self.writerBytes(Amount(unit: BudgetUnit(rawValue: "FUTURE"), amount: 1)) == (try Self.encoderBytes(Amount(unit: BudgetUnit(rawValue: "FUTURE"), amount: 1))))
        #expect(Self.writerBytes(Self.balances) == (try Self.encoderBytes(Self.balances)))
        #expect(Self.writerBytes(Caps()) == (try Self.encoderBytes(Caps())))
        #expect(Self.writerBytes(Self.fullSubject) == (try Self.encoderBytes(Self.fullSubject)))
        #expect(Self.writerBytes(Subject()) == (try Self.encoderBytes(Subject())))
        #expect(Self.writerBytes(Action(kind: "k", name: "n")) == (try Self.encoderBytes(Action(kind: "k", name: "n"))))
        #expect(Self.writerBytes(ReservationStatus.committed) == (try Self.encoderBytes(ReservationStatus.committed)))
        #expect(Self.writerBytes(EventID("evt_1")) == (try Self.encoderBytes(EventID("evt_1"))))
    }
}
