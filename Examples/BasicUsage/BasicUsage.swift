// Basic usage: configure from the environment, wrap an LLM call in withCycles, read balances.
//
//   CYCLES_BASE_URL=http://localhost:7878 CYCLES_API_KEY=cyc_live_… CYCLES_TENANT=acme swift run BasicUsageExample
import Cycles

@main
struct BasicUsageExample {
    static func main() async throws {
        let client = try CyclesClient.fromEnvironment()

        // Reserve 0.05 USD, run the call, commit what it really cost. If the call throws, the reservation is
        // released and the call's own error comes out unchanged.
        let reply = try await withCycles(
            client, estimate: .usdMicrocents(5_000_000),
            action: Action(kind: "llm.completion", name: "openai:gpt-4o-mini")
        ) { context in
            let maxTokens = context.caps?.maxTokens ?? 1_024
            let (text, promptTokens, completionTokens) = fakeCompletion(maxTokens: maxTokens)
            context.metrics.tokensInput = promptTokens
            context.metrics.tokensOutput = completionTokens
            let cost = promptTokens * 15 + completionTokens * 60  // microcents per token, say
            return (text, Amount.usdMicrocents(cost))
        }
        print("model said: \(reply)")

        for try await balance in client.balances() {
            print("\(balance.scopePath): \(balance.remaining) remaining")
        }
    }

    static func fakeCompletion(maxTokens: Int64) -> (String, Int64, Int64) {
        ("Hello from a pretend model", 120, min(maxTokens, 40))
    }
}
