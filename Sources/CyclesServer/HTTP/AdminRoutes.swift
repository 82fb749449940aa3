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
        routes.addEventRoutes(to: router)
        routes.addWebhookRoutes(to: router)
        routes.addTenantWebhookRoutes(to: router)
    }

    /// 401 unless the request carries a valid `X-Admin-API-Key`.
    func requireAdmin(_ request: Request) throws(LedgerError) {
        guard let presented = request.headers[HTTPExchange.adminKeyField], !presented.isEmpty else {
            throw LedgerError(.unauthorized, "Missing \(CyclesHeader.adminAPIKey)")
        }
        // The ledger compares SHA-256 digests; the key is neither kept nor logged.
        guard ledger.isAdminKey(presented) else { throw LedgerError(.unauthorized, "Invalid \(CyclesHeader.adminAPIKey)") }
    }

    /// Reads a request body strictly: a JSON object whose members are all in the schema (`T.wireFieldNames`), each
    /// of the right type. Anything else is a 400 naming the field, never a 500. `nested` names the members of
    /// closed nested objects (`additionalProperties: false`) by the field that holds them.
    func decode<T: AdminWireRequest>(_ type: T.Type, from request: Request, nested: [String: [String]] = [:])
        async throws -> T
    {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: exchange.maximumBodySize)
        } catch {
            throw LedgerError.invalid("request body is larger than \(exchange.maximumBodySize) bytes")
        }
        let bytes = Array(buffer.readableBytesView)
        guard let value = try? JSONValueParser.parse(bytes) else {
            throw LedgerError.invalid("request body is not valid JSON")
        }
        guard let members = value.objectValue else { throw LedgerError.invalid("request body must be a JSON object") }
        let allowed = Set(T.wireFieldNames)
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw LedgerError.invalid("\(unknown): unknown field")
        }
        for (field, names) in nested.sorted(by: { $0.key < $1.key }) {
            guard let inner = members[field]?.objectValue else { continue }
            if let unknown = inner.keys.sorted().first(where: { !names.contains($0) }) {
                throw LedgerError.invalid("\(field).\(unknown): unknown field")
            }
        }
        do {
            return try CyclesJSON.decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw LedgerError.invalid(MockControlRoutes.describe(error))
        }
    }
}
