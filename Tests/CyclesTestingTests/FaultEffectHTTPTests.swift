import CyclesProtocol
import CyclesServer
import CyclesTesting
import NIOHTTP1
import Testing

/// Each fault effect against real runtime requests, checking both what the client saw and what the ledger did.
struct FaultEffectHTTPTests {
    /// Reserves 1 000 and returns the reservation id.
    private func reserve(_ caller: RuntimeCaller) async throws -> String {
        let answer = try await caller.reserve(tenant: TestFixtures.tenant, amount: 1_000)
        #expect(answer.status == 200)
        return try #require(RuntimeCaller.reservationID(of: answer))
    }

    /// The reservation's status, read through the runtime API.
    private func status(of reservationID: String, _ caller: RuntimeCaller) async throws -> String? {
        try await caller.send(.GET, "/v1/reservations/\(reservationID)").json?["status"]?.stringValue
    }

    @Test("drop_response: the commit lands, the client gets no answer, a same-key retry replays the success")
    func dropResponse() async throws {
        try await TestFixtures.withServer { server, caller in
            let reservationID = try await reserve(caller)
            try await server.inject(.dropResponse(on: .commit))
            await #expect(throws: (any Error).self) {
                _ = try await caller.commit(reservationID, amount: 600, key: "commit-once")
            }
            #expect(try await status(of: reservationID, caller) == "COMMITTED")
            let retry = try await caller.commit(reservationID, amount: 600, key: "commit-once")
            #expect(retry.status == 200)
            #expect(retry.json?["charged"]?["amount"]?.integerValue == 600)
            let entries = try await server.journal(JournalQuery(operation: .commit, idempotencyKey: "commit-once"))
            #expect(entries.map(\.responded) == [false, true])
            #expect(entries.first?.fault == "drop_response")
            #expect(entries.first?.status == 200)
            try await server.assertInvariants()
        }
    }

    @Test("drop_connection: the request is not applied and the client gets no answer")
    func dropConnection() async throws {
        try await TestFixtures.withServer { server, caller in
            let reservationID = try await reserve(caller)
            try await server.inject(.dropConnection(on: .commit))
            await #expect(throws: (any Error).self) { _ = try await caller.commit(reservationID, amount: 600) }
            #expect(try await status(of: reservationID, caller) == "ACTIVE")
            let entry = try #require(try await server.journal(JournalQuery(operation: .commit)).first)
            #expect(entry.status == nil)
            #expect(entry.responded == false)
            #expect(try await caller.commit(reservationID, amount: 600).status == 200)
        }
    }

    @Test("error: 503 with a protocol body, nothing applied")
    func serverError() async throws {
        try await TestFixtures.withServer { server, caller in
            let reservationID = try await reserve(caller)
            try await server.inject(.error(503, on: .commit))
            let answer = try await caller.commit(reservationID, amount: 600)
            #expect(answer.status == 503)
            #expect(answer.errorCode == "INTERNAL_ERROR")
            let requestID = try #require(answer.json?["request_id"]?.stringValue)
            #expect(answer.headers.first(name: CyclesHeader.requestID) == requestID)
            #expect(answer.json?["trace_id"]?.stringValue?.count == 32)
            #expect(try await status(of: reservationID, caller) == "ACTIVE")
        }
    }

    @Test("error: 429 carries Retry-After and X-RateLimit-Reset")
    func rateLimited() async throws {
        try await TestFixtures.withServer { server, caller in
            let reservationID = try await reserve(caller)
            try await server.inject(.error(429, on: .commit, retryAfterSeconds: 7))
            let answer = try await caller.commit(reservationID, amount: 600)
            #expect(answer.status == 429)
            #expect(answer.errorCode == "LIMIT_EXCEEDED")
            #expect(answer.headers.first(name: "Retry-After") == "7")
            #expect(answer.headers.first(name: CyclesHeader.rateLimitReset) != nil)
        }
    }

    @Test("error: a chosen 409/410 code is returned verbatim")
    func chosenConflict() async throws {
        try await TestFixtures.withServer { server, caller in
            let reservationID = try await reserve(caller)
            try await server.inject(.error(409, code: .reservationFinalized, on: .commit))
            let conflict = try await caller.commit(reservationID, amount: 600)
            #expect(conflict.status == 409)
            #expect(conflict.errorCode == "RESERVATION_FINALIZED")
            try await server.inject(.error(410, on: .commit))
            #expect(try await caller.commit(reservationID, amount: 600).errorCode == "RESERVATION_EXPIRED")
            #expect(try await status(of: reservationID, caller) == "ACTIVE")
        }
    }

    @Test("latency: the call is applied normally and the journal names the fault")
    func latency() async throws {
        try await TestFixtures.withServer { server, caller in
            try await server.inject(.latency(20, on: .reserve))
            _ = try await reserve(caller)
            let entry = try #require(try await server.journal(JournalQuery(operation: .reserve)).first)
            #expect(entry.fault == "latency:20ms")
            #expect(entry.durationMs >= 20)
        }
    }

    @Test("non_conformant: each variant breaks a 2xx while the write lands")
    func nonConformant() async throws {
        try await TestFixtures.withServer { server, caller in
            for variant in FaultEffect.NonConformance.allCases {
                let reservationID = try await reserve(caller)
                try await server.inject(.nonConformant(variant, on: .commit))
                let answer = try await caller.commit(reservationID, amount: 100)
                switch variant {
                case .status202:
                    #expect(answer.status == 202)
                    #expect(answer.json?["charged"] != nil)
                case .missingFields:
                    #expect(answer.status == 200)
                    #expect(answer.json?["charged"] == nil)
                    #expect(answer.json?["status"] == nil)
                case .garbageBody:
                    #expect(answer.status == 200)
                    #expect(answer.json == nil)
                case .emptyBody:
                    #expect(answer.status == 200)
                    #expect(answer.body.isEmpty)
                }
                #expect(try await status(of: reservationID, caller) == "COMMITTED", "\(variant)")
            }
            try await server.assertInvariants()
        }
    }

    @Test("expire_reservation: the commit meets an expired reservation (410) and the estimate is returned")
    func expireAtCommit() async throws {
        try await TestFixtures.withServer { server, caller in
            let reservationID = try await reserve(caller)
            try await server.inject(.expireReservation(on: .commit))
            let answer = try await caller.commit(reservationID, amount: 600)
            #expect(answer.status == 410)
            #expect(answer.errorCode == "RESERVATION_EXPIRED")
            let stored = try #require(try await server.state().reservations.first { $0.reservationID == reservationID })
            #expect(stored.status == .expired)
            #expect(try await server.balances().first?.reserved == 0)
            // GET of an EXPIRED reservation is a 410 as well.
            #expect(try await caller.send(.GET, "/v1/reservations/\(reservationID)").status == 410)
            try await server.assertInvariants()
        }
    }

    @Test("Rules match on tenant, reservation id, idempotency key and the Nth call")
    func matching() async throws {
        try await TestFixtures.withServer { server, caller in
            let first = try await reserve(caller)
            let second = try await reserve(caller)
            try await server.inject(
                FaultRule(match: FaultMatch(operation: .commit, reservationID: second), effect: .error(
                    status: 503, code: .internalError, message: nil, retryAfterSeconds: nil)))
            #expect(try await caller.commit(first, amount: 1).status == 200)
            #expect(try await caller.commit(second, amount: 1, key: "k-second").status == 503)

            try await server.inject(
                FaultRule(match: FaultMatch(tenant: "someone-else"), effect: .dropConnection, times: .always))
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 10).status == 200)

            try await server.inject(FaultRule(match: FaultMatch(idempotencyKey: "marked"), effect: .error(
                status: 500, code: .internalError, message: "boom", retryAfterSeconds: nil)))
            #expect(try await caller.reserve(tenant: TestFixtures.tenant, amount: 10, key: "unmarked").status == 200)
            let marked = try await caller.reserve(tenant: TestFixtures.tenant, amount: 10, key: "marked")
            #expect(marked.status == 500)
            #expect(marked.json?["message"]?.stringValue == "boom")

            try await server.inject(FaultRule(match: FaultMatch(operation: .balances, nth: 2), effect: .error(
                status: 502, code: .internalError, message: nil, retryAfterSeconds: nil)))
            let balancesPath = "/v1/balances?tenant=\(TestFixtures.tenant)"
            #expect(try await caller.send(.GET, balancesPath).status == 200)
            #expect(try await caller.send(.GET, balancesPath).status == 502)
            #expect(try await caller.send(.GET, balancesPath).status == 200)
        }
    }

    @Test("X-Cycles-Mock-Fault with the admin key applies a one-off fault; a malformed value is a 400")
    func faultHeader() async throws {
        try await TestFixtures.withServer { server, caller in
            let reservationID = try await reserve(caller)
            let operatorKey = (CyclesHeader.adminAPIKey, server.adminKey)
            let header = [(FaultEffect.headerName, "error=429;retry_after=2"), operatorKey]
            let limited = try await caller.commit(reservationID, amount: 5, headers: header)
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "Retry-After") == "2")
            await #expect(throws: (any Error).self) {
                _ = try await caller.commit(
                    reservationID, amount: 5, key: "hdr", headers: [(FaultEffect.headerName, "drop_response"), operatorKey])
            }
            #expect(try await caller.commit(reservationID, amount: 5, key: "hdr").status == 200)
            let malformed = try await caller.reserve(
                tenant: TestFixtures.tenant, amount: 1, headers: [(FaultEffect.headerName, "explode"), operatorKey])
            #expect(malformed.status == 400)
            #expect(malformed.json?["message"]?.stringValue?.contains(FaultEffect.headerName) == true)
            let entries = try await server.journal(JournalQuery(operation: .commit))
            #expect(entries.compactMap(\.faultRuleID) == ["header", "header"])
        }
    }
}
