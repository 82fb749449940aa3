import CyclesProtocol
import CyclesServer
import Foundation
import NIOHTTP1
import Testing

struct ServerLifecycleTests {
    @Test("A file database persists across restarts with the same seed; stop is graceful and idempotent")
    func persistentRestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("persist-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let first = try await ReferenceServer.start(.init(databasePath: path, seed: Fixture.seed()))
        #expect(first.port > 0 && first.baseURL == "http://127.0.0.1:\(first.port)")
        let reserved = try await HTTPTestClient(baseURL: first.baseURL).send(
            .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
        #expect(reserved.status == 200)
        await first.stop()
        await first.stop()

        let second = try await ReferenceServer.start(.init(databasePath: path, seed: Fixture.seed()))
        let replay = try await HTTPTestClient(baseURL: second.baseURL).send(
            .POST, "/v1/reservations", body: HTTPRuntimeTests.reserveBody)
        #expect(replay.json["reservation_id"] == reserved.json["reservation_id"])
        #expect(try await second.ledger.budget("tenant:acme").reserved == 1_000)
        await second.stop()
    }

    @Test("The engine works without a socket and the server exposes it")
    func engineWithoutSocket() async throws {
        let server = try await ReferenceServer.start(.init(seed: Fixture.seed(), deterministicIDSeed: 7))
        let reply = try await server.ledger.reserve(Fixture.reserve(5), as: Fixture.acme)
        #expect(reply.status == 200)
        let listed = try await HTTPTestClient(baseURL: server.baseURL).send(.GET, "/v1/reservations")
        #expect(listed.json["reservations"]?.arrayValue?.count == 1)
        await server.stop()
    }
}
