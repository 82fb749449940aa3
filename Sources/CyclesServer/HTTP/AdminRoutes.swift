public import Hummingbird
import CyclesProtocol

import Foundation

/// The governance admin plane (`cycles-governance-admin-v0.1.25.yaml`) served next to the runtime routes: each
/// operation group registers itself from its own `AdminRoutes+<Group>.swift` file and calls the matching `Ledger`
/// operation, so everything here is plumbing (authentication, strict bodies, answers through `HTTPExchange`: JSON
/// content type, request and trace ids, the protocol's error body).
public struct AdminRoutes: Sendable {
    /// Per-request plumbing shared with the runtime routes.
    let exchange: HTTPExchange
    var ledger: Ledger { exchange.ledger }

    /// Adds every admin-plane route to `router`.
    public static func register(on router: Router<BasicRequestContext>, exchange: HTTPExchange) {
        let routes = AdminRoutes(exchange: exchange)
        routes.addAuthRoutes(to: router)
        routes.addTenantRoutes(to: router)
        routes.addAPIKeyRoutes(to: router)
        routes.addBudgetRoutes(to: router)
        routes.addPolicyRoutes(to: router)
        routes.addEventRoutes(to: router)
        routes.addWebhookRoutes(to: router)
        routes.addTenantWebhookRoutes(to: router)
        routes.addAuditRoutes(to: router)
    }

    /// `HTTPExchange.respond`, plus the audit log's failure entry when the request is refused or fails: one entry
    /// per failed admin-plane request (tenant `__admin__` under a valid admin key, else `__unauth__`), written after
    /// the failed work's transaction has ended, so nothing the failed request tried to change is recorded as done.
    func respond(to request: Request, _ work: () async throws -> HTTPExchange.Reply) async -> Response {
        await exchange.respond(to: request) {
            do {
                return try await work()
            } catch {
                let failure = error as? LedgerError ?? LedgerError(.internalError, "Internal error")
                let presented = request.headers[HTTPExchange.adminKeyField]
                await ledger.recordFailedRequest(
                    method: request.method.rawValue, path: request.uri.path, status: failure.httpStatus,
                    errorCode: failure.code.rawValue, message: failure.message,
                    authenticatedAsAdmin: presented.map(ledger.isAdminKey) ?? false)
                throw error
            }
        }
    }

    /// 401 unless the request carries a valid `X-Admin-API-Key`.
    func requireAdmin(_ request: Request) throws(LedgerError) {
        guard let presented = request.headers[HTTPExchange.adminKeyField], !presented.isEmpty else {
            throw LedgerError(.unauthorized, "Missing \(CyclesHeader.adminAPIKey)")
        }
        // The ledger compares SHA-256 digests; the key is neither kept nor logged.
        guard ledger.isAdminKey(presented) else { throw LedgerError(.unauthorized, "Invalid \(CyclesHeader.adminAPIKey)") }
    }

    /// Reads a request body strictly: a JSON object whose members are all in the schema (`T.wireFieldNames`, and
    /// `T.nestedWireFieldNames` for closed nested objects), each of the right type. Anything else is a 400 naming the field, never a 500.
    func decode<T: AdminWireRequest>(_ type: T.Type, from request: Request) async throws -> T {
        guard let value = try await decodeIfPresent(type, from: request) else {
            throw LedgerError.invalid("request body is required")
        }
        return value
    }

    /// `decode` for an optional body: `nil` when the request has none (an empty body).
    func decodeIfPresent<T: AdminWireRequest>(_ type: T.Type, from request: Request) async throws -> T? {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: exchange.maximumBodySize)
        } catch {
            throw LedgerError.invalid("request body is larger than \(exchange.maximumBodySize) bytes")
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        guard let value = try? JSONValueParser.parse(bytes) else {
            throw LedgerError.invalid("request body is not valid JSON")
        }
        guard let members = value.objectValue else { throw LedgerError.invalid("request body must be a JSON object") }
        let allowed = Set(T.wireFieldNames)
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw LedgerError.invalid("\(unknown): unknown field")
        }
        for (member, allowedInside) in T.nestedWireFieldNames.sorted(by: { $0.key < $1.key }) {
            guard let nested = members[member]?.objectValue else { continue }
            let allowed = Set(allowedInside)
            if let unknown = nested.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw LedgerError.invalid("\(member).\(unknown): unknown field")
            }
        }
        do {
            return try CyclesJSON.decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw LedgerError.invalid(MockControlRoutes.describe(error))
        }
    }
}
