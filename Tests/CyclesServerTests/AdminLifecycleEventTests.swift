import CyclesProtocol
import Foundation
import GRDB
import NIOHTTP1
import Testing

@testable import CyclesServer

/// Tenant and API-key lifecycle events, the tenant-close cascade's events, and `api_key.auth_failed`.
struct AdminLifecycleEventTests {
    static func events(_ ledger: Ledger, _ type: EventType? = nil) async throws -> [ProtocolEvent] {
        try await ledger.listEvents(.init(eventType: type, sortDirection: "asc", limit: 100)).events
    }

    @Test("Tenant create, rename, settings change, suspend and reactivate emit one typed event each; retries and no-ops emit none")
    func tenantLifecycle() async throws {
        let ledger = try await Fixture.ledger()
        _ = try await ledger.createTenant(TenantCreateRequest(tenantID: "globex", name: "Globex"))
        _ = try await ledger.createTenant(TenantCreateRequest(tenantID: "globex", name: "Globex"))  // retry
        _ = try await ledger.updateTenant("globex", TenantUpdateRequest(name: "Globex Inc"))
        _ = try await ledger.updateTenant("globex", TenantUpdateRequest(name: "Globex Inc"))  // no-op
        _ = try await ledger.updateTenant("globex", TenantUpdateRequest(defaultReservationTTLMs: 30_000))
        _ = try await ledger.updateTenant("globex", TenantUpdateRequest(status: "SUSPENDED"))
        _ = try await ledger.updateTenant("globex", TenantUpdateRequest(name: "G", status: "ACTIVE"))
        let events = try await Self.events(ledger)
        #expect(events.map(\.eventType) == [
            .tenantCreated, .tenantUpdated, .tenantSettingsChanged, .tenantSuspended, .tenantReactivated,
        ])
        #expect(events.allSatisfy { $0.tenantID == "globex" && $0.category == .tenant && $0.actor?.type == "admin" })
        let payloads = try events.map { try $0.payload(as: EventDataTenantLifecycle.self) }
        #expect(payloads[0].newStatus == "ACTIVE")
        #expect(payloads[0].previousStatus == nil)
        #expect(payloads[0].changedFields == [])
        #expect(payloads[1].changedFields == ["name"])
        #expect(payloads[2].changedFields == ["default_reservation_ttl_ms"])
        #expect(payloads[3].previousStatus == "ACTIVE")
        #expect(payloads[3].newStatus == "SUSPENDED")
        #expect(payloads[4].newStatus == "ACTIVE")
        #expect(payloads[4].changedFields == ["name"])
    }

    @Test("Closing a tenant emits one cascade event per drained budget, closed budget and revoked key, then tenant.closed, all under one correlation id")
    func closeCascade() async throws {
        let ledger = try await Fixture.ledger()
        _ = try await ledger.reserveValue(Fixture.reserve(1_000))
        _ = try await ledger.updateTenant("acme", TenantUpdateRequest(status: "CLOSED"))
        let events = try await Self.events(ledger)
        let released = events.filter { $0.eventType == .reservationReleasedViaTenantCascade }
        #expect(released.count == 2)  // the tenant and agent budgets both held the reservation
        let agent = try #require(released.first { $0.scope == "tenant:acme/agent:bot" })
        let drained = try agent.payload(as: EventDataTenantCascade.self)
        #expect(drained.releasedAmount == 1_000)
        #expect(drained.ledgerID?.hasPrefix("ldg_") == true)
        #expect(drained.cascadeReason == "tenant_closed")
        #expect(drained.newStatus == nil)
        let closed = events.filter { $0.eventType == .budgetClosedViaTenantCascade }
        #expect(closed.count == 3)
        #expect(try closed.allSatisfy { try $0.payload(as: EventDataTenantCascade.self).newStatus == "CLOSED" })
        let revoked = events.filter { $0.eventType == .apiKeyRevokedViaTenantCascade }
        #expect(revoked.count == 1)
        #expect(try revoked[0].payload(as: EventDataTenantCascade.self).keyID?.hasPrefix("key_") == true)
        #expect(events.last?.eventType == .tenantClosed)
        #expect(Set(events.map(\.correlationID)).count == 1)
    }

    @Test("API-key create, permission change and revoke emit api_key events without the secret")
    func apiKeyLifecycle() async throws {
        let ledger = try await Fixture.ledger()
        let created = try await ledger.createAPIKey(APIKeyCreateRequest(tenantID: "acme", name: "ci"))
        _ = try await ledger.updateAPIKey(created.keyID, APIKeyUpdateRequest(name: "ci-2"))  // no event type for it
        _ = try await ledger.updateAPIKey(created.keyID, APIKeyUpdateRequest(permissions: [.eventsRead]))
        _ = try await ledger.revokeAPIKey(created.keyID, reason: "rotated")
        let events = try await Self.events(ledger)
        #expect(events.map(\.eventType) == [.apiKeyCreated, .apiKeyPermissionsChanged, .apiKeyRevoked])
        #expect(events.allSatisfy { $0.category == .apiKey && $0.tenantID == "acme" })
        let payloads = try events.map { try $0.payload(as: EventDataApiKey.self) }
        #expect(payloads.allSatisfy { $0.keyID == created.keyID })
        #expect(payloads[1].permissions == [.eventsRead])
        #expect(payloads[2].previousStatus == "ACTIVE")
        #expect(payloads[2].newStatus == "REVOKED")
        let stored = try await ledger.pool.read { db in try String.fetchAll(db, sql: "SELECT body FROM event_log") }
        #expect(!stored.joined().contains(created.keySecret))
    }

    @Test("A 401 for an unknown or revoked tenant key emits api_key.auth_failed with the reason, never the secret")
    func authFailed() async throws {
        try await HTTPTestClient.withServer { client, server in
            let unknown = "cyc_live_not_a_key_00000000"
            #expect(try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: unknown).status == 401)
            let created = try await server.ledger.createAPIKey(APIKeyCreateRequest(tenantID: "acme", name: "x"))
            _ = try await server.ledger.revokeAPIKey(created.keyID, reason: nil)
            let reply = try await client.send(.GET, "/v1/balances?tenant=acme", apiKey: created.keySecret)
            #expect(reply.status == 401)
            let failures = try await Self.events(server.ledger, .apiKeyAuthFailed)
            #expect(failures.count == 2)
            let first = try failures[0].payload(as: EventDataApiKey.self)
            #expect(failures[0].tenantID == "__system__")
            #expect(first.failureReason == "key_not_found")
            #expect(first.keyID == nil)
            let second = try failures[1].payload(as: EventDataApiKey.self)
            #expect(failures[1].tenantID == "acme")
            #expect(second.failureReason == "key_revoked")
            #expect(second.keyID == created.keyID)
            #expect(failures[1].requestID == reply.header("X-Request-Id"))
            let stored = try await server.ledger.pool.read { db in try String.fetchAll(db, sql: "SELECT body FROM event_log") }
            #expect(!stored.joined().contains(created.keySecret))
            #expect(!stored.joined().contains(unknown))
        }
    }
}
