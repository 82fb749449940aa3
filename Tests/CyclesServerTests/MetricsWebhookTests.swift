import CyclesProtocol
import CyclesServer
import CyclesTesting
import Testing

/// `/metrics` sees webhook deliveries: the dispatcher's attempt counter and the ledger's deliveries by status.
struct MetricsWebhookTests {
    @Test("a delivered webhook counts one successful attempt and one SUCCESS delivery; the dry-run DENY counts as a decision")
    func webhookOutcomes() async throws {
        try await WebhookDeliveryTests.withSetup(metrics: true) { client, server, receiver in
            let metrics = try #require(server.metrics)
            let id = try await WebhookDeliveryTests.subscribe(client, receiver)
            try await WebhookDeliveryTests.deny(client)
            _ = try await receiver.nextDelivery(timeout: .seconds(60))
            _ = try await WebhookDeliveryTests.waitForDelivery(client, id, status: "SUCCESS")
            let text = try await metrics.render(ledger: server.ledger)
            let lines = Set(text.split(separator: "\n").map(String.init))
            #expect(lines.contains(#"cycles_webhook_delivery_attempts_total{outcome="success"} 1"#), "\(text)")
            #expect(lines.contains(#"cycles_webhook_delivery_attempts_total{outcome="failure"} 0"#))
            #expect(lines.contains(#"cycles_webhook_deliveries{status="SUCCESS"} 1.0"#))
            #expect(lines.contains(#"cycles_decisions_total{operation="reserve",decision="DENY",reason="BUDGET_EXCEEDED"} 1"#))
            // The admin calls (subscribe, delivery listing) are not runtime operations: only the reserve is counted.
            #expect(lines.contains(#"cycles_http_requests_total{operation="reserve",status="200"} 1"#))
            #expect(text.split(separator: "\n").filter { $0.hasPrefix("cycles_http_requests_total{") }.count == 1)
        }
    }
}
