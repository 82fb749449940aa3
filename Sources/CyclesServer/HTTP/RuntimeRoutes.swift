public import Hummingbird
import CyclesProtocol

import Foundation

/// Registers the Cycles runtime API (`/v1/…`) and the health endpoints on a router.
///
/// Each route requires the key permission `protocol.md` §16.22 maps to it (the runtime spec maps none): reserve and
/// decide `reservations:create`, commit and createEvent `reservations:commit`, release `reservations:release`, extend
/// `reservations:extend`, list and get `reservations:list`, balances `balances:read`. A key's `scope_filter` travels
/// in the `TenantIdentity` authentication returns and is enforced by the ledger (403 naming the scope; lists narrowed).
public enum RuntimeRoutes {
    /// Adds every runtime route backed by `exchange.ledger`.
    public static func register(on router: Router<BasicRequestContext>, exchange: HTTPExchange) {
        let ledger = exchange.ledger
        let health: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            await exchange.respond(to: request) {
                HTTPExchange.Reply(status: 200, body: Data(#"{"status":"UP"}"#.utf8), tenant: nil)
            }
        }
        router.get("/health", use: health)
        router.get("/actuator/health", use: health)
        router.get("/actuator/health/liveness", use: health)
        router.get("/actuator/health/readiness", use: health)

        router.post("/v1/reservations") { request, _ in
            await exchange.respond(to: request, operation: .reserve) {
                let identity = try exchange.tenant(of: request, requiring: .reservationsCreate)
                let body = try await exchange.decode(
                    ReservationCreateRequest.self, from: request, shape: WireShapes.reservationCreateRequest)
                let reply = try await ledger.reserve(body, as: identity)
                return HTTPExchange.Reply(reply)
            }
        }
        router.post("/v1/decide") { request, _ in
            await exchange.respond(to: request, operation: .decide) {
                let identity = try exchange.tenant(of: request, requiring: .reservationsCreate)
                let body = try await exchange.decode(DecisionRequest.self, from: request, shape: WireShapes.decisionRequest)
                let reply = try await ledger.decide(body, as: identity)
                return HTTPExchange.Reply(reply)
            }
        }
        router.post("/v1/events") { request, _ in
            await exchange.respond(to: request, operation: .event) {
                let identity = try exchange.tenant(of: request, requiring: .reservationsCommit)
                let body = try await exchange.decode(EventCreateRequest.self, from: request, shape: WireShapes.eventCreateRequest)
                let reply = try await ledger.createEvent(body, as: identity)
                return HTTPExchange.Reply(reply)
            }
        }
        router.post("/v1/reservations/:reservation_id/commit") { request, context in
            await exchange.respond(to: request, operation: .commit) {
                let identity = try exchange.tenant(of: request, requiring: .reservationsCommit)
                let id = try reservationID(context)
                let body = try await exchange.decode(CommitRequest.self, from: request, shape: WireShapes.commitRequest)
                let reply = try await ledger.commit(id, body, as: identity)
                return HTTPExchange.Reply(reply)
            }
        }
        router.post("/v1/reservations/:reservation_id/release") { request, context in
            await exchange.respond(to: request, operation: .release) {
                let principal = try exchange.principal(of: request, requiring: .reservationsRelease)
                let id = try reservationID(context)
                let body = try await exchange.decode(ReleaseRequest.self, from: request, shape: WireShapes.releaseRequest)
                let reply = try await ledger.release(id, body, as: principal)
                return HTTPExchange.Reply(reply)
            }
        }
        router.post("/v1/reservations/:reservation_id/extend") { request, context in
            await exchange.respond(to: request, operation: .extend) {
                let identity = try exchange.tenant(of: request, requiring: .reservationsExtend)
                let id = try reservationID(context)
                let body = try await exchange.decode(ExtendRequest.self, from: request, shape: WireShapes.extendRequest)
                let reply = try await ledger.extend(id, body, as: identity)
                return HTTPExchange.Reply(reply)
            }
        }
        router.get("/v1/reservations") { request, _ in
            await exchange.respond(to: request, operation: .listReservations) {
                let principal = try exchange.principal(of: request, requiring: .reservationsList)
                let query = try QueryParameters(request).reservationFilter()
                let page = try await ledger.listReservations(query, as: principal)
                return try .json(page, tenant: principal.tenant?.tenantID)
            }
        }
        router.get("/v1/reservations/:reservation_id") { request, context in
            await exchange.respond(to: request, operation: .getReservation) {
                let principal = try exchange.principal(of: request, requiring: .reservationsList)
                let detail = try await ledger.reservation(try reservationID(context), as: principal)
                return try .json(detail, tenant: principal.tenant?.tenantID)
            }
        }
        router.get("/v1/balances") { request, _ in
            await exchange.respond(to: request, operation: .balances) {
                let identity = try exchange.tenant(of: request, requiring: .balancesRead)
                let page = try await ledger.balances(try QueryParameters(request).balanceFilter(), as: identity)
                return try .json(page, tenant: identity.tenantID)
            }
        }
    }

    static func reservationID(_ context: BasicRequestContext) throws -> ReservationID {
        guard let id = context.parameters.get("reservation_id"), !id.isEmpty else {
            throw LedgerError.invalid("reservation_id is required")
        }
        guard id.schemaLength <= ProtocolLimits.reservationIDMaxLength else {
            throw LedgerError.invalid("reservation_id must be at most 128 characters")
        }
        return ReservationID(id)
    }
}
