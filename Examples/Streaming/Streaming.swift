// A streaming reservation: usage accumulates per chunk, the total is committed when the stream ends, and
// the reservation is released if the stream fails or the task is cancelled.
import Cycles

@main
struct StreamingExample {
    static func main() async throws {
        let client = try CyclesClient.fromEnvironment()
        let chunks = ["Once", " upon", " a", " time"]

        let text = try await client.withStreamReservation(
            estimate: .tokens(2_000), action: Action(kind: "llm.completion", name: "anthropic:claude-sonnet"),
            costFunction: { usage in .tokens(usage.tokensInput + usage.tokensOutput) }
        ) { stream in
            stream.addInputTokens(350)
            var text = ""
            for chunk in chunks {  // stands in for `for try await chunk in llm.stream(…)`
                text += chunk
                stream.addOutputTokens(1)
            }
            return text
        }
        print(text)
    }
}
