// EXPECT: consumed more than once
import Cycles

func commitAfterRelease(_ client: CyclesClient) async throws {
    let reservation = try await client.reserve(
        estimate: .usdMicrocents(1_000), action: Action(kind: "llm.completion", name: "m"))
    try await reservation.release(reason: "changed my mind")
    try await reservation.commit(actual: .usdMicrocents(900))
}
