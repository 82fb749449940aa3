import CyclesProtocol
import CyclesServer
import Testing

struct ListAndBalanceTests {
    @Test("List filters by status, subject fields, idempotency key and windows; sorts; pages with bound cursors")
    func listing() async throws {
        let ledger = try await Fixture.ledger()
        var ids: [ReservationID] = []
        for index in 0..<5 {
            ids.append(
                try #require(
                    try await ledger.reserveValue(
                        Fixture.reserve(Int64(100 * (index + 1)), key: IdempotencyKey("key\(index)"))
                    ).reservationID))
            try await ledger.advanceClock(namespace: "default", byMs: 1_000)
        }
        _ = try await ledger.commit(ids[0], CommitRequest(actual: .usdMicrocents(1)), as: Fixture.acme)
        let me = Principal.tenant(Fixture.acme)

        let byKey = try await ledger.listReservations(.init(idempotencyKey: "key3"), as: me)
        #expect(byKey.reservations.map(\.reservationID) == [ids[3]])
        #expect(try await ledger.listReservations(.init(status: .committed), as: me).reservations.count == 1)
        #expect(try await ledger.listReservations(.init(agent: "BOT"), as: me).reservations.count == 5)
        #expect(try await ledger.listReservations(.init(agent: "other"), as: me).reservations.isEmpty)
        let window = try await ledger.listReservations(
            .init(createdFromMs: Fixture.start + 1_000, createdToMs: Fixture.start + 2_000), as: me)
        #expect(Set(window.reservations.map(\.reservationID)) == [ids[1], ids[2]])
        let finalized = try await ledger.listReservations(.init(finalizedFromMs: 0), as: me)
        #expect(finalized.reservations.map(\.reservationID) == [ids[0]])
        let byAmount = try await ledger.listReservations(.init(sortBy: .reserved, ascending: true), as: me)
        #expect(byAmount.reservations.map(\.reserved.amount) == [100, 200, 300, 400, 500])
        // Default: created_at_ms descending.
        let firstPage = try await ledger.listReservations(.init(limit: 2), as: me)
        #expect(firstPage.reservations.map(\.reservationID) == [ids[4], ids[3]])
        #expect(firstPage.hasMore == true)
        let cursor = try #require(firstPage.nextCursor)
        let secondPage = try await ledger.listReservations(.init(include: ["metadata"], limit: 2, cursor: cursor), as: me)
        #expect(secondPage.reservations.map(\.reservationID) == [ids[2], ids[1]])
        await expectLedgerError(.invalidRequest) {
            _ = try await ledger.listReservations(.init(status: .active, limit: 2, cursor: cursor), as: me)
        }
        await expectLedgerError(.invalidRequest) {
            _ = try await ledger.listReservations(.init(createdFromMs: 10, createdToMs: 5), as: me)
        }
        await expectLedgerError(.forbidden) { _ = try await ledger.listReservations(.init(tenant: "other"), as: me) }
        await expectLedgerError(.invalidRequest) { _ = try await ledger.listReservations(.init(), as: .admin) }
        #expect(try await ledger.listReservations(.init(tenant: "acme"), as: .admin).reservations.count == 5)
        try ledger.close()
    }

    @Test("Balances match by segment containment within the key's tenant and page by (scope_path, unit)")
    func balances() async throws {
        let ledger = try await Fixture.ledger()
        let all = try await ledger.balances(.init(tenant: "acme"), as: Fixture.acme)
        #expect(all.balances.map(\.scopePath) == ["tenant:acme", "tenant:acme/agent:bot", "tenant:acme/workspace:tok"])
        let agents = try await ledger.balances(.init(agent: "bot"), as: Fixture.acme)
        #expect(agents.balances.map(\.scopePath) == ["tenant:acme/agent:bot"])
        let page = try await ledger.balances(.init(tenant: "acme", limit: 2), as: Fixture.acme)
        #expect(page.balances.count == 2 && page.hasMore == true)
        let rest = try await ledger.balances(.init(tenant: "acme", limit: 2, cursor: page.nextCursor), as: Fixture.acme)
        #expect(rest.balances.map(\.scopePath) == ["tenant:acme/workspace:tok"] && rest.hasMore == false)
        let others = try await ledger.balances(.init(tenant: "other"), as: Fixture.other)
        #expect(others.balances.map(\.scopePath) == ["tenant:other"])
        await expectLedgerError(.invalidRequest) { _ = try await ledger.balances(.init(), as: Fixture.acme) }
        await expectLedgerError(.forbidden) { _ = try await ledger.balances(.init(tenant: "other"), as: Fixture.acme) }
        try ledger.close()
    }
}
