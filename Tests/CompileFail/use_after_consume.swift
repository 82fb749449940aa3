// EXPECT: used after consume
import Cycles

func useAfterConsume(_ client: CyclesClient) async throws {
    let reservation = try await client.reserve(
        estimate: .usdMicrocents(1_000), action: Action(kind: "llm.completion", name: "m"))
    try await reservation.commit(actual: .usdMicrocents(900))
    print(reservation.id)
}
