import Cycles
import CyclesProtocol
import CyclesServer
import CyclesTesting
import Testing

/// The README's quickstarts, run against real servers, so the documented calls keep compiling and working.
struct ReadmeQuickstartTests {
    struct ModelAnswer {
        var text: String
        var tokens: Int64
        var costMicrocents: Int64
    }

    func callModel(maxTokens: Int64) async throws -> ModelAnswer {
        ModelAnswer(text: "summary", tokens: min(maxTokens, 300), costMicrocents: 420_000)
    }

    @Test("Quickstart 1: withCycles and the guard against the demo seed the server prints")
    func clientQuickstart() async throws {
        let server = try await ReferenceServer.start(.init(seed: .demo))
        do {
            let tenant = try #require(SeedDocument.demo.tenants.first)
            let client = CyclesClient(
                config: CyclesConfig(
                    baseURL: server.baseURL, apiKey: try #require(tenant.apiKeys.first).key,
                    subjectDefaults: Subject(tenant: tenant.tenantID)))

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
            #expect(reply == "summary")

            let reservation = try await client.reserve(
                estimate: .usdMicrocents(4_000), action: Action(kind: "llm.completion", name: "claude"))
            let id = reservation.id
            try await reservation.commit(actual: .usdMicrocents(3_100))
            let detail = try await client.getReservation(id)
            #expect(detail.status == .committed)
            #expect(detail.committed == .usdMicrocents(3_100))
            #expect(try await server.ledger.checkInvariants(namespace: nil).isEmpty)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("Quickstart 2: a lost commit answer is retried, the clock advanced and the invariants hold")
    func mockQuickstart() async throws {
        try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
            try await server.inject(.dropResponse(on: .commit))
            let reservation = try await server.client.reserve(
                estimate: .usdMicrocents(50_000), action: Action(kind: "llm.completion", name: "gpt-4o"))
            let receipt = try await reservation.commit(actual: .usdMicrocents(42_000))
            #expect(receipt.attempts == 2)
            _ = try await server.advanceClock(by: .seconds(65))
            try await server.assertInvariants()
            let budget = try #require(try await server.balances().first)
            #expect(budget.spent == 42_000)
        }
    }
}
