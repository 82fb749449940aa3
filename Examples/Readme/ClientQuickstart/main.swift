import Cycles

let client = CyclesClient(config: CyclesConfig(
    baseURL: "http://127.0.0.1:7878",
    apiKey: "cyc_test_demo_0123456789abcdef0123456789",
    subjectDefaults: Subject(tenant: "demo")))

// Stands in for your model call.
func callModel(maxTokens: Int64) async throws -> (text: String, tokens: Int64, costMicrocents: Int64) {
    ("a summary", min(maxTokens, 300), 420_000)
}

// Reserve → run → commit the actual; the body's own error is rethrown after a release.
let reply = try await withCycles(
    client,
    estimate: .usdMicrocents(500_000),
    action: Action(kind: "llm.completion", name: "openai:gpt-4o-mini"),
    subject: Subject(agent: "summarizer")
) { context in
    let answer = try await callModel(maxTokens: context.caps?.maxTokens ?? 1_024)
    context.metrics.tokensOutput = answer.tokens
    return (answer.text, .usdMicrocents(answer.costMicrocents))
}
print(reply)

// Or hold the reservation yourself: `ReservationGuard` is ~Copyable, so a second commit does not compile.
// It lives in a `do` block because a top-level `let` in main.swift is a global, and a global cannot be consumed.
do {
    let reservation = try await client.reserve(estimate: .usdMicrocents(4_000),
                                               action: Action(kind: "llm.completion", name: "claude"))
    try await reservation.commit(actual: .usdMicrocents(3_100))
    // try await reservation.commit(actual: .usdMicrocents(1))   // error: 'reservation' consumed more than once
}
