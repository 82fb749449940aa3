import CyclesProtocol
import CyclesServer
import HTTPTypes
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct FaultSpecificationTests {
    @Test("Compact header forms parse into effects")
    func compactHeaderForms() throws {
        #expect(try FaultEffect(headerValue: "drop_response") == .dropResponse)
        #expect(try FaultEffect(headerValue: " drop_connection ") == .dropConnection)
        #expect(try FaultEffect(headerValue: "expire_reservation") == .expireReservation)
        #expect(try FaultEffect(headerValue: "latency=250") == .latency(milliseconds: 250))
        #expect(
            try FaultEffect(headerValue: "error=503")
                == .error(status: 503, code: .internalError, message: nil, retryAfterSeconds: nil))
        #expect(
            try FaultEffect(headerValue: "error=429;retry_after=3")
                == .error(status: 429, code: .limitExceeded, message: nil, retryAfterSeconds: 3))
        #expect(
            try FaultEffect(headerValue: "error=409;code=BUDGET_EXCEEDED;message=nope")
                == .error(status: 409, code: .budgetExceeded, message: "nope", retryAfterSeconds: nil))
        #expect(try FaultEffect(headerValue: "non_conformant=status_202") == .nonConformant(.status202))
    }

    @Test("A JSON effect object is accepted in the header")
    func jsonHeaderForm() throws {
        #expect(try FaultEffect(headerValue: #"{"type":"non_conformant","variant":"garbage_body"}"#) == .nonConformant(.garbageBody))
    }

    @Test("Bad header values are rejected with a message naming the problem")
    func badHeaderValues() {
        for value in ["", "explode", "latency=soon", "error", "error=409", "error=200", "non_conformant=weird",
            "error=429;retry_after=x", "latency=999999"]
        {
            #expect(throws: FaultSpecificationError.self, "\(value)") { try FaultEffect(headerValue: value) }
        }
        do {
            _ = try FaultEffect(headerValue: "error=409")
        } catch {
            #expect(error.message.contains("code="))
        }
    }

    @Test("Rules round-trip through snake_case JSON")
    func ruleJSONRoundTrip() throws {
        let json = #"""
            {"match":{"operation":"commit","tenant":"acme","reservation_id":"r1","idempotency_key":"k1","nth":2},
             "effect":{"type":"error","status":429,"retry_after_s":2},"times":"always","probability":0.5,"seed":9}
            """#
        let rule = try CyclesJSON.decode(FaultRule.self, from: Data(json.utf8))
        #expect(rule.match == FaultMatch(operation: .commit, tenant: "acme", reservationID: "r1", idempotencyKey: "k1", nth: 2))
        #expect(rule.effect == .error(status: 429, code: .limitExceeded, message: nil, retryAfterSeconds: 2))
        #expect(rule.times == .always)
        #expect(rule.probability == 0.5)
        #expect(rule.seed == 9)
        let again = try CyclesJSON.decode(FaultRule.self, from: try CyclesJSON.encode(rule))
        #expect(again == rule)
    }

    @Test("Omitted match and times default to every request, once")
    func ruleDefaults() throws {
        let rule = try CyclesJSON.decode(FaultRule.self, from: Data(#"{"effect":{"type":"drop_response"}}"#.utf8))
        #expect(rule.match == FaultMatch())
        #expect(rule.times == .once)
    }

    @Test("Invalid rules do not decode or are refused by the store")
    func invalidRules() {
        let bad = [
            #"{"effect":{"type":"teleport"}}"#, #"{"effect":{"type":"error","status":409}}"#,
            #"{"effect":{"type":"drop_response"},"times":0}"#, #"{"effect":{"type":"latency"}}"#,
            #"{"match":{"operation":"nap"},"effect":{"type":"drop_response"}}"#,
        ]
        for json in bad {
            #expect(throws: (any Error).self, "\(json)") { try CyclesJSON.decode(FaultRule.self, from: Data(json.utf8)) }
        }
        let store = FaultRuleStore()
        #expect(throws: FaultSpecificationError.self) {
            try store.add(FaultRule(effect: .dropResponse, probability: 1.5))
        }
        #expect(throws: FaultSpecificationError.self) {
            try store.add(FaultRule(match: FaultMatch(nth: 0), effect: .dropResponse))
        }
        #expect(throws: FaultSpecificationError.self) {
            try store.add(FaultRule(match: FaultMatch(operation: .reserve), effect: .expireReservation))
        }
        #expect(store.list().isEmpty)
    }

    @Test("Runtime paths are classified into operations")
    func classification() {
        #expect(RuntimeOperation.classify(method: .post, path: "/v1/reservations")?.operation == .reserve)
        #expect(RuntimeOperation.classify(method: .get, path: "/v1/reservations")?.operation == .listReservations)
        let commit = RuntimeOperation.classify(method: .post, path: "/v1/reservations/r-1/commit")
        #expect(commit?.operation == .commit)
        #expect(commit?.reservationID == "r-1")
        #expect(RuntimeOperation.classify(method: .post, path: "/v1/reservations/r-1/extend")?.operation == .extend)
        #expect(RuntimeOperation.classify(method: .post, path: "/v1/reservations/r-1/release")?.operation == .release)
        #expect(RuntimeOperation.classify(method: .get, path: "/v1/reservations/r-1")?.operation == .getReservation)
        #expect(RuntimeOperation.classify(method: .post, path: "/v1/decide")?.operation == .decide)
        #expect(RuntimeOperation.classify(method: .post, path: "/v1/events")?.operation == .event)
        #expect(RuntimeOperation.classify(method: .get, path: "/v1/balances")?.operation == .balances)
        #expect(RuntimeOperation.classify(method: .get, path: "/health") == nil)
        #expect(RuntimeOperation.classify(method: .get, path: "/__cycles/state") == nil)
        #expect(RuntimeOperation.classify(method: .post, path: "/v1/reservations/r-1/explode") == nil)
    }
}
