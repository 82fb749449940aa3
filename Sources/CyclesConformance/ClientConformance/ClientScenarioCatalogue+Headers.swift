import CyclesProtocol
import CyclesServer

extension ClientScenarioCatalogue {
    /// Headers on every request: idempotency key, API key, content type, trace context.
    static let headers: [ClientScenario] = [
        ClientScenario(
            "SDK-HDR-001", .must, "Every mutation's X-Idempotency-Key equals the idempotency_key in its body",
            spec: "cycles-protocol-v0 IDEMPOTENCY (header and body keys MUST match)",
            steps: [guardedStep(), guardedStep(body: "throw")]
        ) { evidence in
            let mutations = evidence.mutations
            try evidence.expect(mutations.count >= 4, "\(mutations.count) mutations captured", expected: "reserve, commit, reserve, release")
            for mutation in mutations {
                let header = mutation.header(CyclesHeader.idempotencyKey)
                let body = mutation.json?["idempotency_key"]?.stringValue
                try evidence.expect(
                    header != nil && header == body,
                    "\(mutation.method) \(mutation.path): header \(header ?? "missing"), body \(body ?? "missing")",
                    expected: "X-Idempotency-Key present and equal to the body's idempotency_key")
            }
        },
        ClientScenario(
            "SDK-HDR-002", .must, "Every request carries the configured key in X-Cycles-API-Key",
            spec: "cycles-protocol-v0 securitySchemes ApiKeyAuth", steps: [guardedStep(), decideStep()]
        ) { evidence in
            try evidence.expect(!evidence.captured.isEmpty, "no request captured", expected: "requests")
            for request in evidence.captured {
                try evidence.expect(
                    request.header(CyclesHeader.apiKey) == evidence.apiKey,
                    "\(request.method) \(request.path) sent \(request.header(CyclesHeader.apiKey) == nil ? "no key" : "another key")",
                    expected: "X-Cycles-API-Key = CYCLES_API_KEY")
            }
        },
        ClientScenario(
            "SDK-HDR-003", .must, "Every mutation is sent as JSON (Content-Type: application/json)",
            spec: "cycles-protocol-v0 requestBody content application/json",
            steps: [guardedStep(), guardedStep(body: "throw"), decideStep()]
        ) { evidence in
            for mutation in evidence.mutations {
                let type = mutation.header("Content-Type") ?? ""
                try evidence.expect(
                    type.lowercased().hasPrefix("application/json") && mutation.json != nil,
                    "\(mutation.method) \(mutation.path) Content-Type '\(type)'",
                    expected: "application/json and a JSON body")
            }
        },
        ClientScenario(
            "SDK-HDR-004", .should,
            "A trace id (traceparent or X-Cycles-Trace-Id) is sent and kept across one reservation's requests",
            spec: "cycles-protocol-v0 Trace context (traceparent, X-Cycles-Trace-Id)", steps: [guardedStep()]
        ) { evidence in
            let traces = evidence.captured.map { traceID(of: $0) }
            try evidence.expect(
                traces.count >= 2 && traces.allSatisfy { $0 != nil } && Set(traces.compactMap { $0 }).count == 1,
                "trace ids sent: \(traces.map { $0 ?? "none" })", expected: "one trace id on the reserve and the commit")
        },
        ClientScenario(
            "SDK-HDR-005", .must, "Reserve and commit use different idempotency keys (a key names one operation)",
            spec: "cycles-protocol-v0 IDEMPOTENCY (scope: endpoint + key)", steps: [guardedStep()]
        ) { evidence in
            let reserve = evidence.arrivals(.reserve).first?.idempotencyKey
            let commit = evidence.arrivals(.commit).first?.idempotencyKey
            try evidence.expect(
                reserve != nil && commit != nil && reserve != commit, "reserve key \(reserve ?? "none"), commit key \(commit ?? "none")",
                expected: "two distinct keys")
        },
    ]

    /// The trace id a request carries: `traceparent`'s trace-id field, else `X-Cycles-Trace-Id`.
    static func traceID(of request: CapturedExchange) -> String? {
        if let parent = request.header(CyclesHeader.traceparent) {
            let parts = parent.split(separator: "-")
            if parts.count == 4 { return String(parts[1]) }
        }
        return request.header(CyclesHeader.traceID)
    }
}
