import CyclesConformance
import CyclesProtocol
import CyclesServer
import Foundation

/// Provisions straight into an in-process server's `Ledger` (namespaces, seed, clock), for tests that run before
/// or without the `/__cycles` control routes. Each fixture gets its own namespace, so its clock is its own.
struct LedgerProvisioner: Provisioner {
    let ledger: Ledger

    var name: String { "in-process-ledger" }

    func provision(_ plan: FixturePlan) async throws -> Fixture {
        let namespace = "conf-" + RandomIdentifier.hex(byteCount: 6)
        try await ledger.createNamespace(namespace)
        let (document, tenants) = SeedPlanner.seed(for: plan)
        let seed = try CyclesJSON.decode(SeedDocument.self, from: Data(JSONText.encode(document).utf8))
        try await ledger.applySeed(seed, namespace: namespace)
        return Fixture(namespace: namespace, tenants: tenants)
    }

    func clock(for fixture: Fixture) async throws -> any FixtureClock {
        guard let namespace = fixture.namespace else { throw CheckSkipped("no namespace") }
        return LedgerClock(ledger: ledger, namespace: namespace)
    }

    func closeTenant(_ tenantID: String, in fixture: Fixture) async throws {
        guard let namespace = fixture.namespace else { throw CheckSkipped("no namespace") }
        // A seed upserts an existing tenant of the same namespace, status included.
        _ = try await ledger.applySeed(
            SeedDocument(tenants: [SeedTenant(tenantID: tenantID, name: tenantID, status: "CLOSED")]),
            namespace: namespace)
    }

    func dispose(_ fixture: Fixture) async {
        guard let namespace = fixture.namespace else { return }
        try? await ledger.deleteNamespace(namespace)
    }
}

/// The virtual clock of one ledger namespace.
struct LedgerClock: FixtureClock {
    let ledger: Ledger
    let namespace: String

    func freeze() async throws -> Int64 {
        let now = ledger.now(namespace: namespace)
        try await ledger.setClock(namespace: namespace, mode: .frozen(atMs: now))
        return now
    }

    func advance(byMs: Int64) async throws -> Int64 {
        try await ledger.advanceClock(namespace: namespace, byMs: byMs)
    }
}
