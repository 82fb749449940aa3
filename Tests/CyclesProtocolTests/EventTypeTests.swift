import CyclesProtocol
import Foundation
import Testing

/// The event catalogue's shape: the spec's 51 types in 7 categories, 29 of them tenant-accessible, unknown values
/// kept, and payload field names as the spec spells them.
struct EventTypeTests {
    @Test("EventType lists the spec's 51 types; 29 (budget, reservation, tenant) are tenant-accessible; categories come from the prefix")
    func catalogue() throws {
        #expect(EventType.knownValues.count == 51)
        #expect(Set(EventType.knownValues).count == 51)
        #expect(EventType.knownValues.filter(\.isTenantAccessible).count == 29)
        #expect(Set(EventType.knownValues.map(\.category)) == Set(EventCategory.knownValues))
        #expect(EventType.apiKeyAuthFailed.category == .apiKey)
        #expect(!EventType.webhookCreated.isTenantAccessible)
        #expect(EventType.budgetClosedViaTenantCascade.isTenantAccessible)
        let unknown = try CyclesJSON.decode(EventType.self, from: Data(#""custom.billing.invoice_sent""#.utf8))
        #expect(unknown.rawValue == "custom.billing.invoice_sent")
        #expect(!unknown.isKnown)
        #expect(unknown.category.rawValue == "custom")
    }

    @Test("An event and its payload encode with the spec's field names and decode back")
    func wireNames() throws {
        let event = ProtocolEvent(
            eventID: "evt_1", eventType: .reservationCommitOverage, timestamp: "2027-01-15T08:00:00.000Z",
            tenantID: "acme", scope: "tenant:acme", actor: .apiKey, source: "cycles-server",
            data: ["reservation_id": "rsv_1", "debt_incurred": 0], correlationID: "c", requestID: "r",
            traceID: String(repeating: "a", count: 32))
        let json = String(decoding: try CyclesJSON.encode(event), as: UTF8.self)
        for name in ["event_id", "event_type", "category", "tenant_id", "correlation_id", "request_id", "trace_id"] {
            #expect(json.contains("\"\(name)\""), "\(name)")
        }
        #expect(json.contains(#""category":"reservation""#))
        let payload = try CyclesJSON.decode(ProtocolEvent.self, from: Data(json.utf8)).payload(as: EventDataCommitOverage.self)
        #expect(payload.reservationID == "rsv_1")
        #expect(payload.debtIncurred == 0)
    }
}
