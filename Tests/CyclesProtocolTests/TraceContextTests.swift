import CyclesProtocol
import Testing

struct TraceContextTests {
    let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"

    @Test("A valid traceparent wins over the trace-id header")
    func traceparentWins() {
        let resolved = TraceContext.resolve(
            traceparent: "00-\(traceID)-00f067aa0ba902b7-01", traceIDHeader: "0af7651916cd43dd8448eb211c80319c")
        #expect(resolved == traceID)
    }

    @Test("Malformed traceparent falls back to the header, then to a fresh id")
    func malformedIsIgnored() {
        #expect(TraceContext.resolve(traceparent: "garbage", traceIDHeader: traceID) == traceID)
        let fresh = TraceContext.resolve(traceparent: "00-\(String(repeating: "0", count: 32))-00f067aa0ba902b7-01",
            traceIDHeader: "NOT-HEX")
        #expect(fresh.count == 32)
        #expect(fresh != String(repeating: "0", count: 32))
        #expect(TraceContext.validTraceID(fresh) == fresh)
    }

    @Test("Uppercase or wrong-version traceparents are rejected")
    func strictParsing() {
        #expect(TraceContext.traceID(fromTraceparent: "01-\(traceID)-00f067aa0ba902b7-01") == nil)
        #expect(TraceContext.traceID(fromTraceparent: "00-\(traceID.uppercased())-00f067aa0ba902b7-01") == nil)
        #expect(TraceContext.traceID(fromTraceparent: "00-\(traceID)-0000000000000000-01") == nil)
    }

    @Test("Generated UUIDs are version 4")
    func uuidShape() {
        let uuid = RandomIdentifier.uuidString()
        let parts = uuid.split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(parts[2].first == "4")
    }
}
