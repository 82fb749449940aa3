import CyclesProtocol
import CyclesServer

extension ClientScenarioCatalogue {
    /// Caps from ALLOW_WITH_CAPS reach the caller.
    static let caps: [ClientScenario] = [
        ClientScenario(
            "SDK-CAPS-001", .must, "Caps from ALLOW_WITH_CAPS are handed to the guarded body",
            spec: "cycles-protocol-v0 Decision ALLOW_WITH_CAPS, Caps",
            budget: ClientScenarioBudget(caps: Caps(maxTokens: 256)), steps: [guardedStep()]
        ) { evidence in
            let outcome = evidence.outcome()
            try evidence.expect(
                outcome?["decision"]?.stringValue == "ALLOW_WITH_CAPS" && outcome?["caps"]?["max_tokens"]?.integerValue == 256,
                "the body saw \(evidence.describe(outcome))", expected: "decision ALLOW_WITH_CAPS and caps.max_tokens 256")
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-CAPS-002", .should, "A dry run returns the caps of ALLOW_WITH_CAPS",
            spec: "cycles-protocol-v0 Decision ALLOW_WITH_CAPS, Caps",
            budget: ClientScenarioBudget(caps: Caps(maxTokens: 256)), steps: [guardedStep(dryRun: true)]
        ) { evidence in
            let outcome = evidence.outcome()
            try evidence.expect(
                outcome?["decision"]?.stringValue == "ALLOW_WITH_CAPS" && outcome?["caps"]?["max_tokens"]?.integerValue == 256,
                "the dry run returned \(evidence.describe(outcome))", expected: "decision ALLOW_WITH_CAPS and caps.max_tokens 256")
        },
    ]

    /// Concurrent helper calls against a budget that fits only some of them.
    static let concurrency: [ClientScenario] = [
        ClientScenario(
            "SDK-CONC-001", .must,
            "Eight concurrent helper calls against a budget that fits three: three commits, five refusals, nothing leaks",
            spec: "CONFORMANCE no oversubscription; cycles-protocol-v0 409 BUDGET_EXCEEDED",
            budget: ClientScenarioBudget(allocated: 3_000), steps: [guardedStep(actual: 1_000, concurrency: 8)]
        ) { evidence in
            let kinds = evidence.outcomes().map { $0["status"]?.stringValue == "ok" ? "ok" : ($0["error"]?["kind"]?.stringValue ?? "?") }
            let committed = evidence.arrivals(.commit).filter { $0.status == 200 }.count
            try evidence.expect(
                committed == 3 && kinds.filter { $0 == "ok" }.count == 3
                    && kinds.filter { $0 == "budget_exceeded" }.count == 5,
                "\(committed) commits landed; outcomes \(kinds.sorted())", expected: "3 commits, 3 ok, 5 budget_exceeded")
            try evidence.expectLedger(spent: 3_000)
            try evidence.expectNoActiveReservations()
        },
        ClientScenario(
            "SDK-CONC-002", .must, "Concurrent helper calls never share an idempotency key",
            spec: "cycles-protocol-v0 IDEMPOTENCY", steps: [guardedStep(concurrency: 6)]
        ) { evidence in
            let keys = evidence.arrivals(.reserve).compactMap(\.idempotencyKey)
            try evidence.expect(
                keys.count == 6 && Set(keys).count == 6, "\(keys.count) reserves with \(Set(keys).count) distinct keys",
                expected: "six reserves, six keys")
            try evidence.expectArrivals(.commit, 6)
            try evidence.expectLedger(spent: 6 * 640)
        },
    ]
}
