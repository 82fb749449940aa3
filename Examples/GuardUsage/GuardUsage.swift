// The ~Copyable reservation guard and the low-level API.
import Cycles

@main
struct GuardUsageExample {
    static func main() async throws {
        let client = try CyclesClient.fromEnvironment()
        let search = Action(kind: "tool.search", name: "web-search", tags: ["research"])

        // Preflight: nothing is held.
        let decision = try await client.decide(
            DecisionRequest(subject: client.resolvedSubject(nil), action: search, estimate: .credits(10)))
        print("decide → \(decision.decision) (request \(decision.metadata.requestID ?? "-"))")

        // The guard: commit or release exactly once; the compiler rejects a second settlement.
        let reservation = try await client.reserve(
            estimate: .credits(10), action: search, options: ReservationOptions(ttlMs: 30_000))
        print("reserved \(reservation.id), expires at \(reservation.expiresAtMs ?? 0)")
        if reservation.caps?.isToolAllowed(search.name) == false {
            try await reservation.release(reason: "tool not allowed by caps")
            return
        }
        let results = 7  // run the tool here; the heartbeat keeps the lease alive meanwhile
        let receipt = try await reservation.commit(
            actual: .credits(Int64(results)), metadata: ["query": "swift ownership"])
        print("charged \(receipt.charged.map { "\($0)" } ?? "-") via \(receipt.path)")

        // The low-level API: one HTTP call each, typed requests and responses.
        let created = try await client.createReservation(
            ReservationCreateRequest(
                subject: Subject(tenant: client.config.subjectDefaults.tenant, agent: "indexer"), action: search,
                estimate: .credits(5)))
        if let id = created.reservationID {
            let detail = try await client.getReservation(id)
            print("\(id) is \(detail.status)")
            _ = try await client.releaseReservation(id, ReleaseRequest(reason: "example done"))
        }
        for try await summary in client.reservations(ReservationListQuery(status: .active, limit: 50)) {
            print("still active: \(summary.reservationID)")
        }
    }
}
