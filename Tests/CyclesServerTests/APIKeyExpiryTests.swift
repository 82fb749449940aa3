import CyclesProtocol
import Foundation
import Testing

@testable import CyclesServer

/// `api_key.expired`: emitted exactly once per key, when its `expires_at` passes on the ledger clock.
struct APIKeyExpiryTests {
    @Test("A key whose expires_at passes becomes EXPIRED with exactly one api_key.expired event; other keys are untouched")
    func expiredOnce() async throws {
        let ledger = try await Fixture.ledger()
        defer { try? ledger.close() }
        let expiresAt = Fixture.start + 3_600_000
        let short = try await ledger.createAPIKey(
            APIKeyCreateRequest(tenantID: "acme", name: "short-lived", expiresAt: RFC3339.string(expiresAt)))
        #expect(try ledger.authenticate(apiKey: short.keySecret).tenantID == "acme")
        // A minute before: nothing.
        try await ledger.advanceClock(namespace: "default", byMs: 3_600_000 - 60_000)
        #expect(try await ledger.listEvents(.init(eventType: .apiKeyExpired)).events.isEmpty)
        // At the instant itself the key is refused and the sweep marks it.
        try await ledger.advanceClock(namespace: "default", byMs: 60_000)
        #expect(throws: LedgerError.self) { try ledger.authenticate(apiKey: short.keySecret) }
        let events = try await ledger.listEvents(.init(eventType: .apiKeyExpired)).events
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.tenantID == "acme")
        #expect(event.actor?.type == "system")
        #expect(event.data?["key_id"] == .string(short.keyID))
        #expect(event.data?["previous_status"] == "ACTIVE")
        #expect(event.data?["new_status"] == "EXPIRED")
        // Later sweeps (and a clock moved back) never emit it again.
        try await ledger.advanceClock(namespace: "default", byMs: 3_600_000)
        _ = try await ledger.sweepAllNamespaces()
        try await ledger.setClock(namespace: "default", mode: .frozen(atMs: Fixture.start))
        _ = try await ledger.sweepAllNamespaces()
        #expect(try await ledger.listEvents(.init(eventType: .apiKeyExpired)).events.count == 1)
        #expect(throws: LedgerError.self) { try ledger.authenticate(apiKey: short.keySecret) }
        let keys = try await ledger.listAPIKeys(.init(tenantID: "acme")).keys
        #expect(keys.first { $0.keyID == short.keyID }?.status == "EXPIRED")
        #expect(keys.filter { $0.keyID != short.keyID }.allSatisfy { $0.status == "ACTIVE" })
        #expect(try ledger.authenticate(apiKey: Fixture.acmeKey).tenantID == "acme")
    }
}
