// EXPECT: consumed more than once
import Cycles

func copyGuard(_ client: CyclesClient) async throws {
    let reservation = try await client.reserve(
        estimate: .usdMicrocents(1_000), action: Action(kind: "llm.completion", name: "m"))
    let copy = reservation
    try await reservation.release()
    try await copy.release()
}
