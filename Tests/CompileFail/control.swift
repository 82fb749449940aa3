// EXPECT: COMPILES
// The control case: correct single settlement must compile, so a broken harness cannot pass vacuously.
import Cycles

func settleOnce(_ client: CyclesClient, succeed: Bool) async throws {
    let reservation = try await client.reserve(
        estimate: .usdMicrocents(1_000), action: Action(kind: "llm.completion", name: "m"))
    if succeed {
        try await reservation.commit(actual: .usdMicrocents(900))
    } else {
        try await reservation.release(reason: "failed")
    }
}
