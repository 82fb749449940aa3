import CyclesProtocol
import CyclesServer
import CyclesTesting
import NIOHTTP1
import Testing

/// What a newcomer trips over in the control API: readable errors and field names that match the README.
struct ControlAPIFirstHourTests {
    @Test("A typo in a fault rule's operation answers 400 listing the valid operations")
    func operationTypo() async throws {
        try await TestFixtures.withServer { _, caller in
            let answer = try await caller.send(
                .POST, "/__cycles/faults", rawBody: #"{"match":{"operation":"comit"},"effect":{"type":"drop_response"}}"#,
                admin: true)
            #expect(answer.status == 400)
            let message = answer.json?["message"]?.stringValue ?? ""
            #expect(message.contains("match.operation") && message.contains("'comit'"), "\(message)")
            #expect(RuntimeOperation.allCases.allSatisfy { message.contains($0.rawValue) }, "\(message)")
        }
    }

    @Test("GET /__cycles/state names its clock exactly as GET /__cycles/clock does")
    func stateClockFields() async throws {
        try await TestFixtures.withServer { _, caller in
            _ = try await caller.send(
                .PUT, "/__cycles/clock", rawBody: #"{"mode":"frozen","at_ms":1700000000000}"#, admin: true)
            let clock = try await caller.send(.GET, "/__cycles/clock", admin: true).json
            let state = try await caller.send(.GET, "/__cycles/state", admin: true).json
            #expect(clock?["mode"] == "frozen" && clock?["at_ms"] == 1_700_000_000_000)
            #expect(state?["clock"] == clock)
            #expect(state?["clock_mode"] == nil && state?["now_ms"] == nil)
        }
    }
}
