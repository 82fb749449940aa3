@testable import CyclesServer
import Testing

/// Date-times the server writes read back to the same millisecond.
struct RFC3339Tests {
    @Test("Every millisecond of a second, and instants before 1970, round-trip exactly")
    func millisecondsRoundTrip() {
        let instants = Array(Int64(1_764_489_296_000)..<1_764_489_297_000) + [0, 999, -1, -1_000, -1_001]
        let wrong = instants.filter { RFC3339.epochMs(RFC3339.string($0)) != $0 }
        #expect(wrong.isEmpty, "\(wrong.prefix(5).map { "\($0) → \(RFC3339.string($0))" })")
        #expect(RFC3339.string(1_764_489_296_001) == "2025-11-30T07:54:56.001Z")
        #expect(RFC3339.string(-1) == "1969-12-31T23:59:59.999Z")
    }
}
