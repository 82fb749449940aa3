import Cycles
import CyclesTesting

try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
    try await server.inject(.dropResponse(on: .commit))        // the commit lands; the answer is lost
    let reservation = try await server.client.reserve(estimate: .usdMicrocents(50_000),
                                                      action: Action(kind: "llm.completion", name: "gpt-4o"))
    let receipt = try await reservation.commit(actual: .usdMicrocents(42_000))   // retried with the same key
    print(receipt.attempts)                                     // 2
    try await server.advanceClock(by: .seconds(65))             // runs every expiry that falls due
    try await server.assertInvariants()                         // allocated = remaining + reserved + spent + debt
}
