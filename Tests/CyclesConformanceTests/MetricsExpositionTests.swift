import CyclesConformance
import CyclesProtocol
import CyclesServer
import Foundation
import Testing

/// `/metrics` read as Prometheus reads it: the exposition is parsed by `prometheus-client`'s text-format parser (pinned
/// in scripts/python-sdk-requirements.txt, installed by scripts/python-sdk.sh), and its samples match the requests sent.
@Suite("Prometheus /metrics")
struct MetricsExpositionTests {
    static let adminKey = "admin_metrics_0123456789abcdef"
    static let apiKey = "cyc_test_metrics_0123456789abcdef0123"

    /// Tenant `acme` with 500 µ¢ on its tenant scope, `agentBudgets` more on agent scopes (1 000, 2 000, … µ¢, unused),
    /// and with `overLimit` one agent budget over its overdraft limit.
    static func seed(agentBudgets: Int = 0, overLimit: Bool = false) -> SeedDocument {
        var budgets = [SeedBudget(tenantID: "acme", scope: "tenant:acme", unit: .usdMicrocents, allocated: 500)]
        if overLimit {
            budgets.append(
                SeedBudget(
                    tenantID: "acme", scope: "tenant:acme/agent:over", unit: .usdMicrocents, allocated: 1_000,
                    overdraftLimit: 5, debt: 10, isOverLimit: true))
        }
        for index in 0..<agentBudgets {
            budgets.append(
                SeedBudget(
                    tenantID: "acme", scope: "tenant:acme/agent:a\(index)", unit: .usdMicrocents,
                    allocated: Int64(1_000 * (index + 1))))
        }
        return SeedDocument(
            tenants: [SeedTenant(tenantID: "acme", name: "Acme", apiKeys: [SeedAPIKey(key: apiKey, name: "k")])],
            budgets: budgets, adminKey: adminKey)
    }

    static func reserveBody(_ key: String, amount: Int64 = 100, dryRun: Bool = false) -> String {
        #"{"idempotency_key":"\#(key)","subject":{"tenant":"acme"},"action":{"kind":"llm.completion","name":"m"},"#
            + #""estimate":{"unit":"USD_MICROCENTS","amount":\#(amount)}\#(dryRun ? #","dry_run":true"# : "")}"#
    }

    static func send(
        _ client: WireClient, _ method: String, _ path: String, body: String? = nil,
        headers: [WireHeader] = [WireHeader(CyclesHeader.apiKey, apiKey)]
    ) async throws -> WireExchange {
        var all = headers
        if body != nil { all.append(WireHeader("Content-Type", "application/json")) }
        return try await client.send(WireRequest(method: method, path: path, headers: all, body: body))
    }

    /// One parsed sample: name, labels, value.
    struct Sample: Decodable, Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Parses `text` with `prometheus_client.parser.text_string_to_metric_families` (which raises on any malformed
    /// line), also requiring a `# TYPE` for every family; returns every sample.
    static func parse(_ text: String) async throws -> [Sample] {
        let sdk = try await PythonSDK.install()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let program = """
            import json, os, sys
            from prometheus_client.parser import text_string_to_metric_families
            text = open(os.environ["METRICS_FILE"], encoding="utf-8").read()
            typed = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}
            samples = []
            for family in text_string_to_metric_families(text):
                if family.name not in typed and family.name + "_total" not in typed:
                    sys.exit("family without # TYPE: " + family.name)
                if family.type == "unknown":
                    sys.exit("family of unknown type: " + family.name)
                for s in family.samples:
                    samples.append({"name": s.name, "labels": s.labels, "value": s.value})
            print(json.dumps(samples))
            """
        let output = try await sdk.run(program, environment: ["METRICS_FILE": file.path])
        return try JSONDecoder().decode([Sample].self, from: Data(output.utf8))
    }

    static func value(_ samples: [Sample], _ name: String, _ labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    static func scrape(_ client: WireClient) async throws -> String {
        let exchange = try await send(
            client, "GET", "/metrics", headers: [WireHeader("Authorization", "Bearer \(adminKey)")])
        #expect(exchange.status == 200, "\(exchange.body)")
        #expect(exchange.header("Content-Type") == MetricsRoutes.contentType)
        return exchange.body
    }

    @Test("the counts in /metrics match the requests sent, as prometheus-client parses them")
    func countsMatchRequests() async throws {
        let server = try await ReferenceServer.start(.init(seed: Self.seed(), metrics: true))
        let client = WireClient(baseURL: server.baseURL)
        defer { Task { await client.shutdown(); await server.stop() } }

        // 7 reserves of 100 against 500: five allowed, two denied with BUDGET_EXCEEDED (409).
        var reservationIDs: [String] = []
        for index in 0..<7 {
            let reply = try await Self.send(client, "POST", "/v1/reservations", body: Self.reserveBody("r\(index)"))
            if let id = reply.json?["reservation_id"]?.stringValue { reservationIDs.append(id) }
        }
        #expect(reservationIDs.count == 5)
        // A replay answers the stored reply: a request, not a second decision.
        _ = try await Self.send(client, "POST", "/v1/reservations", body: Self.reserveBody("r0"))
        // No key: 401.
        _ = try await Self.send(client, "POST", "/v1/reservations", body: Self.reserveBody("r9"), headers: [])
        let commit = try await Self.send(
            client, "POST", "/v1/reservations/\(reservationIDs[0])/commit",
            body: #"{"idempotency_key":"c0","actual":{"unit":"USD_MICROCENTS","amount":60}}"#)
        #expect(commit.status == 200, "\(commit.body)")
        let release = try await Self.send(
            client, "POST", "/v1/reservations/\(reservationIDs[1])/release", body: #"{"idempotency_key":"x1"}"#)
        #expect(release.status == 200, "\(release.body)")
        let decide = try await Self.send(
            client, "POST", "/v1/decide",
            body: #"{"idempotency_key":"d0","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b"},"estimate":{"unit":"USD_MICROCENTS","amount":100000}}"#)
        #expect(decide.json?["decision"]?.stringValue == "DENY")

        let samples = try await Self.parse(try await Self.scrape(client))
        let requests = "cycles_http_requests_total"
        #expect(Self.value(samples, requests, ["operation": "reserve", "status": "200"]) == 6)
        #expect(Self.value(samples, requests, ["operation": "reserve", "status": "409"]) == 2)
        #expect(Self.value(samples, requests, ["operation": "reserve", "status": "401"]) == 1)
        #expect(Self.value(samples, requests, ["operation": "commit", "status": "200"]) == 1)
        #expect(Self.value(samples, requests, ["operation": "release", "status": "200"]) == 1)
        #expect(Self.value(samples, requests, ["operation": "decide", "status": "200"]) == 1)
        #expect(samples.filter { $0.name == requests }.reduce(0) { $0 + $1.value } == 12)

        let decisions = "cycles_decisions_total"
        #expect(Self.value(samples, decisions, ["operation": "reserve", "decision": "ALLOW", "reason": "none"]) == 5)
        #expect(
            Self.value(samples, decisions, ["operation": "reserve", "decision": "DENY", "reason": "BUDGET_EXCEEDED"]) == 2)
        #expect(
            Self.value(samples, decisions, ["operation": "decide", "decision": "DENY", "reason": "BUDGET_EXCEEDED"]) == 1)
        #expect(samples.filter { $0.name == decisions }.reduce(0) { $0 + $1.value } == 8)

        let latency = "cycles_http_request_duration_seconds"
        #expect(Self.value(samples, latency + "_count", ["operation": "reserve"]) == 9)
        #expect(Self.value(samples, latency + "_bucket", ["operation": "reserve", "le": "+Inf"]) == 9)
        #expect(Self.value(samples, latency + "_count", ["operation": "commit"]) == 1)

        // 5 × 100 reserved, one committed at 60, one released: 300 held, 60 spent, 140 left.
        let scope = ["tenant": "acme", "scope": "tenant:acme", "unit": "USD_MICROCENTS"]
        #expect(Self.value(samples, "cycles_budget_allocated", scope) == 500)
        #expect(Self.value(samples, "cycles_budget_reserved", scope) == 300)
        #expect(Self.value(samples, "cycles_budget_spent", scope) == 60)
        #expect(Self.value(samples, "cycles_budget_remaining", scope) == 140)
        #expect(Self.value(samples, "cycles_budget_debt", scope) == 0)
        #expect(Self.value(samples, "cycles_budget_over_limit", scope) == 0)
        #expect(Self.value(samples, "cycles_budget_scopes_over_limit", [:]) == 0)
        #expect(Self.value(samples, "cycles_budget_scopes", [:]) == 1)
        #expect(Self.value(samples, "cycles_webhook_deliveries", ["status": "SUCCESS"]) == 0)
        await client.shutdown()
        await server.stop()
    }

    @Test("two servers in one process keep separate counts, and the scope gauges stop at the scope limit")
    func separateServersAndBoundedScopes() async throws {
        // Server A: six budgets, one of them over limit, and a limit of two; server B: one reserve.
        let first = try await ReferenceServer.start(
            .init(seed: Self.seed(agentBudgets: 4, overLimit: true), metrics: true, metricsScopeLimit: 2))
        let second = try await ReferenceServer.start(.init(seed: Self.seed(), metrics: true))
        let firstClient = WireClient(baseURL: first.baseURL)
        let secondClient = WireClient(baseURL: second.baseURL)
        defer {
            Task {
                await firstClient.shutdown(); await secondClient.shutdown()
                await first.stop(); await second.stop()
            }
        }
        for index in 0..<3 {
            _ = try await Self.send(firstClient, "POST", "/v1/reservations", body: Self.reserveBody("a\(index)"))
        }
        _ = try await Self.send(secondClient, "POST", "/v1/reservations", body: Self.reserveBody("b0"))

        let firstSamples = try await Self.parse(try await Self.scrape(firstClient))
        let secondSamples = try await Self.parse(try await Self.scrape(secondClient))
        let reserved = ["operation": "reserve", "status": "200"]
        #expect(Self.value(firstSamples, "cycles_http_requests_total", reserved) == 3)
        #expect(Self.value(secondSamples, "cycles_http_requests_total", reserved) == 1)

        // Two budgets listed, worst first: the over-limit one, then the tenant scope (300 of 500 held); the four
        // unused agent budgets are summed under __other__.
        let allocated = firstSamples.filter { $0.name == "cycles_budget_allocated" }
        #expect(allocated.count == 3)
        let over = ["tenant": "acme", "scope": "tenant:acme/agent:over", "unit": "USD_MICROCENTS"]
        #expect(Self.value(firstSamples, "cycles_budget_over_limit", over) == 1)
        #expect(Self.value(firstSamples, "cycles_budget_debt", over) == 10)
        let tenantScope = ["tenant": "acme", "scope": "tenant:acme", "unit": "USD_MICROCENTS"]
        #expect(Self.value(firstSamples, "cycles_budget_reserved", tenantScope) == 300)
        let other = ["tenant": "__other__", "scope": "__other__", "unit": "USD_MICROCENTS"]
        #expect(Self.value(firstSamples, "cycles_budget_allocated", other) == 10_000)
        #expect(Self.value(firstSamples, "cycles_budget_over_limit", other) == 0)
        #expect(Self.value(firstSamples, "cycles_budget_scopes", [:]) == 6)
        #expect(Self.value(firstSamples, "cycles_budget_scopes_omitted", [:]) == 4)
        #expect(Self.value(firstSamples, "cycles_budget_scopes_over_limit", [:]) == 1)
        #expect(Self.value(secondSamples, "cycles_budget_scopes_over_limit", [:]) == 0)
        await firstClient.shutdown()
        await secondClient.shutdown()
        await first.stop()
        await second.stop()
    }

    @Test("/metrics needs the admin key (header or bearer) and exists only when metrics are on")
    func protection() async throws {
        let server = try await ReferenceServer.start(.init(seed: Self.seed(), metrics: true))
        let plain = try await ReferenceServer.start(.init(seed: Self.seed()))
        let client = WireClient(baseURL: server.baseURL)
        let plainClient = WireClient(baseURL: plain.baseURL)
        defer { Task { await client.shutdown(); await plainClient.shutdown(); await server.stop(); await plain.stop() } }

        let anonymous = try await Self.send(client, "GET", "/metrics", headers: [])
        #expect(anonymous.status == 401)
        #expect(anonymous.errorCode == "UNAUTHORIZED")
        let tenantKey = try await Self.send(client, "GET", "/metrics")
        #expect(tenantKey.status == 401)
        let wrongBearer = try await Self.send(
            client, "GET", "/metrics", headers: [WireHeader("Authorization", "Bearer \(Self.apiKey)")])
        #expect(wrongBearer.status == 401)
        let adminHeader = try await Self.send(
            client, "GET", "/metrics", headers: [WireHeader(CyclesHeader.adminAPIKey, Self.adminKey)])
        #expect(adminHeader.status == 200)
        #expect(adminHeader.body.contains("# TYPE cycles_budget_allocated gauge"))

        let off = try await Self.send(
            plainClient, "GET", "/metrics", headers: [WireHeader(CyclesHeader.adminAPIKey, Self.adminKey)])
        #expect(off.status == 404)
        await client.shutdown()
        await plainClient.shutdown()
        await server.stop()
        await plain.stop()
    }
}
