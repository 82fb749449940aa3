import Cycles
import CyclesTesting

try await CyclesTestServer.withRunning(seed: .testing(tenantID: "acme", allocated: 1_000_000)) { server in
    let receiver = try await CyclesWebhookReceiver.start(secret: "whsec_test")      // 127.0.0.1, port 0
    try await server.subscribeWebhook(to: receiver, eventTypes: [.reservationDenied])
    _ = try await server.client.dryRun(estimate: .usdMicrocents(5_000_000),           // over budget: DENY
                                       action: Action(kind: "llm.completion", name: "gpt-4o"))
    let event = try await receiver.nextEvent(ofType: .reservationDenied)  // awaited, signature checked, decoded
    print(event.eventID == (try await server.nextEvent(ofType: .reservationDenied)).eventID)   // true
    await receiver.stop()
}
