import CyclesProtocol
import CyclesServer
import CyclesTesting
import NIOHTTP1
import Testing

/// The mock layer is opt-in and cannot be turned against a tenant: without `mock` there is no control API and no
/// fault header; with it, faults need the admin key and a forced expiry reaches only the requester's own reservations.
struct MockIsolationTests {
    static let victimKey = "cyc_test_victim_0123456789abcdef"
    static let rivalKey = "cyc_test_rival_0123456789abcdef"

    /// Two tenants, `victim` and `rival`, each with its own key and budget.
    static var twoTenants: SeedDocument {
        let victim = SeedDocument.testing(tenantID: "victim", apiKey: victimKey, allocated: 1_000_000)
        let rival = SeedDocument.testing(tenantID: "rival", apiKey: rivalKey, allocated: 1_000_000)
        return SeedDocument(tenants: victim.tenants + rival.tenants, budgets: victim.budgets + rival.budgets)
    }

    /// Every fault the header can ask for.
    static let everyFaultHeader = [
        "expire_reservation", "drop_connection", "drop_response", "latency=1", "error=503",
        "error=409;code=BUDGET_EXCEEDED", "non_conformant=status_202", #"{"type":"expire_reservation"}"#,
    ]

    /// Reserves 1 000 as `victim` and returns the reservation id.
    private func reserveAsVictim(_ victim: RuntimeCaller) async throws -> String {
        let answer = try await victim.reserve(tenant: "victim", amount: 1_000)
        #expect(answer.status == 200)
        return try #require(RuntimeCaller.reservationID(of: answer))
    }

    /// The victim's reservation and its budget's `reserved`, read through the control API.
    private func victimState(_ server: CyclesTestServer, _ reservationID: String) async throws
        -> (status: ReservationStatus?, reserved: Int64?)
    {
        let state = try await server.state()
        let reservation = state.reservations.first { $0.reservationID == reservationID }
        let budget = state.budgets.first { $0.scopePath == "tenant:victim" }
        return (reservation?.status, budget?.reserved)
    }

    @Test("Without mock, the admin key opens no control API and X-Cycles-Mock-Fault is an ordinary unknown header")
    func mockIsOptIn() async throws {
        let server = try await ReferenceServer.start(
            ReferenceServerConfiguration(seed: TestFixtures.seed(), adminKey: "operator-0123456789"))
        let caller = RuntimeCaller(baseURL: server.baseURL, apiKey: TestFixtures.apiKey, adminKey: "operator-0123456789")
        do {
            let control = try await caller.send(.GET, "/__cycles/state", admin: true)
            #expect(control.status == 404)
            #expect(control.errorCode == "NOT_FOUND")
            let answer = try await caller.reserve(
                tenant: TestFixtures.tenant, amount: 10,
                headers: [(FaultEffect.headerName, "error=503"), (CyclesHeader.adminAPIKey, "operator-0123456789")])
            #expect(answer.status == 200)
            // The admin key still works where the runtime spec allows it (operator list).
            #expect(try await caller.send(.GET, "/v1/reservations?tenant=\(TestFixtures.tenant)", admin: true).status == 200)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("A tenant's own X-Cycles-Mock-Fault without the admin key is ignored")
    func headerNeedsAdminKey() async throws {
        try await TestFixtures.withServer { server, caller in
            for value in Self.everyFaultHeader where value != "latency=1" {
                let answer = try await caller.reserve(
                    tenant: TestFixtures.tenant, amount: 10, headers: [(FaultEffect.headerName, value)])
                #expect(answer.status == 200, "\(value)")
                #expect(answer.json?["decision"]?.stringValue == "ALLOW", "\(value)")
            }
            let faulted = try await server.journal(JournalQuery(operation: .reserve)).compactMap(\.fault)
            #expect(faulted.isEmpty)
        }
    }

    @Test("A rival tenant and an unauthenticated caller cannot affect another tenant's reservation by any header")
    func noHeaderReachesAcrossTenants() async throws {
        try await CyclesTestServer.withRunning(seed: Self.twoTenants) { server in
            let victim = RuntimeCaller(baseURL: server.baseURL, apiKey: Self.victimKey)
            let rival = RuntimeCaller(baseURL: server.baseURL, apiKey: Self.rivalKey)
            let anonymous = RuntimeCaller(baseURL: server.baseURL)
            let reservationID = try await reserveAsVictim(victim)
            let paths = ["commit", "release", "extend"].map { "/v1/reservations/\(reservationID)/\($0)" }
            let bodies = [
                #"{"idempotency_key":"k-commit","actual":{"unit":"USD_MICROCENTS","amount":1}}"#,
                #"{"idempotency_key":"k-release"}"#,
                #"{"idempotency_key":"k-extend","extend_by_ms":1000}"#,
            ]
            for (label, caller) in [("rival", rival), ("unauthenticated", anonymous)] {
                for value in Self.everyFaultHeader {
                    for (path, body) in zip(paths, bodies) {
                        // No fault applies, so the caller always gets the runtime's own refusal (never a dropped
                        // connection, an injected status or a 2xx).
                        let answer = try await caller.send(
                            .POST, path, rawBody: body, headers: [(FaultEffect.headerName, value)])
                        #expect([401, 403, 404].contains(answer.status), "\(label) \(value) \(path): \(answer.status)")
                    }
                }
            }
            let after = try await victimState(server, reservationID)
            #expect(after.status == .active)
            #expect(after.reserved == 1_000)
            #expect(try await victim.commit(reservationID, amount: 400).status == 200)
            try await server.assertInvariants()
        }
    }

    @Test("An operator's expire_reservation rule fires on the owner's request only, never on a rival's")
    func expiryRuleNeedsOwnership() async throws {
        try await CyclesTestServer.withRunning(seed: Self.twoTenants) { server in
            let victim = RuntimeCaller(baseURL: server.baseURL, apiKey: Self.victimKey)
            let rival = RuntimeCaller(baseURL: server.baseURL, apiKey: Self.rivalKey)
            let anonymous = RuntimeCaller(baseURL: server.baseURL)
            let reservationID = try await reserveAsVictim(victim)
            try await server.inject(.expireReservation(on: .commit, times: .always))

            #expect(try await rival.commit(reservationID, amount: 1).status == 403)
            #expect(try await anonymous.commit(reservationID, amount: 1).status == 401)
            let untouched = try await victimState(server, reservationID)
            #expect(untouched.status == .active)
            #expect(untouched.reserved == 1_000)

            // The owner's own commit is where the rule is meant to bite.
            let owned = try await victim.commit(reservationID, amount: 1)
            #expect(owned.status == 410)
            #expect(owned.errorCode == "RESERVATION_EXPIRED")
            #expect(try await victimState(server, reservationID).status == .expired)
            try await server.assertInvariants()
        }
    }
}
