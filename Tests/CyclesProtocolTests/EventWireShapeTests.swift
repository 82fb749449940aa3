import CyclesProtocol
import Foundation
import Testing

/// The event-stream schemas of the shape oracle: every v0.1.25 type has its payload schema, what our own types encode
/// conforms, and a departure is named at its path.
struct EventWireShapeTests {
    @Test("Every v0.1.25 EventType has an EventData schema; a custom type has none")
    func everyTypeHasAPayloadSchema() {
        for type in EventType.knownValues {
            #expect(WireShapes.eventDataShape(for: type) != nil, "\(type.rawValue) has no EventData schema")
        }
        #expect(WireShapes.eventDataShape(for: EventType(rawValue: "custom.billing.invoice_sent")) == nil)
        #expect(WireShapes.eventDataShape(for: .budgetExhausted)?.name == "EventDataBudgetThreshold")
        #expect(WireShapes.eventDataShape(for: .apiKeyRevokedViaTenantCascade)?.name == "EventDataTenantCascade")
    }

    @Test("An Event our types encode conforms, its payload included; a number field accepts integers too")
    func encodedEventConforms() throws {
        let payload = EventDataBudgetThreshold(
            scope: "tenant:t", unit: .tokens, threshold: 0.8, utilization: 1, allocated: 10, remaining: 2, spent: 8,
            reserved: 0, direction: "rising")
        let event = ProtocolEvent(
            eventID: "evt_1", eventType: .budgetThresholdCrossed, timestamp: "2026-01-01T00:00:00.000Z", tenantID: "t",
            actor: .apiKey, source: "cycles-server",
            data: try CyclesJSON.decode([String: JSONValue].self, from: CyclesJSON.encode(payload)),
            requestID: "r", traceID: String(repeating: "ab", count: 16))
        let json = try CyclesJSON.decode(JSONValue.self, from: CyclesJSON.encode(event))
        #expect(WireShapes.event.violations(of: json) == [])
        let data = try #require(json["data"])
        #expect(WireShapes.eventDataBudgetThreshold.violations(of: data) == [])
    }

    @Test("Departures are named at their path: a string threshold, a lowercase unit, an unknown Event member")
    func departuresAreNamed() throws {
        let data = try CyclesJSON.decode(JSONValue.self, from: Data(#"{"threshold":"0.8","unit":"tokens"}"#.utf8))
        #expect(
            WireShapes.eventDataBudgetThreshold.violations(of: data, at: "$.data")
                == ["$.data.threshold: expected a number", "$.data.unit: expected one of USD_MICROCENTS|TOKENS|CREDITS|RISK_POINTS"])
        let event = try CyclesJSON.decode(
            JSONValue.self,
            from: Data(
                #"{"event_id":"e","event_type":"budget.funded","category":"budget","timestamp":"t","tenant_id":"t","source":"s","extra":1}"#
                    .utf8))
        #expect(WireShapes.event.violations(of: event) == ["$.extra: not a field of Event (additionalProperties: false)"])
    }
}
