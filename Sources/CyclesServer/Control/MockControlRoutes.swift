#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CyclesProtocol
import HTTPTypes
public import Hummingbird
import NIOCore

/// The control API under `/__cycles`: namespaces, seeding, state, clock, faults, journal, invariants and reset.
///
/// Every route requires `X-Admin-API-Key`; bodies are snake_case JSON and failures use the protocol's
/// `ErrorResponse`. The routes sit off the `/v1` runtime surface, so a runtime client never reaches them.
public struct MockControlRoutes: Sendable {
    /// The ledger the routes drive.
    let ledger: Ledger
    /// Fault rules and journal shared with `FaultInjectionMiddleware`.
    let controls: MockControls

    /// The path prefix of every control route.
    public static let pathPrefix = "/__cycles"

    /// The largest control request body accepted (a seed document may be large, but not unbounded).
    static let maximumBodySize = 4 * 1024 * 1024

    /// Creates the routes.
    public init(ledger: Ledger, controls: MockControls) {
        self.ledger = ledger
        self.controls = controls
    }

    /// Adds the control routes and the fault middleware to `router`.
    ///
    /// Call it once where the server builds its router, before the runtime routes are added, so the
    /// middleware wraps them.
    public static func register<Context: RequestContext>(
        on router: Router<Context>, ledger: Ledger, controls: MockControls
    ) {
        router.add(middleware: FaultInjectionMiddleware<Context>(controls: controls))
        MockControlRoutes(ledger: ledger, controls: controls).addRoutes(to: router)
    }

    /// Adds only the `/__cycles` routes (the middleware is added separately).
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = router.group(RouterPath(stringLiteral: Self.pathPrefix))
        group.post("namespaces") { request, _ in await self.respond(request) { try await self.createNamespace(request) } }
        group.delete("namespaces/:name") { request, context in
            await self.respond(request) {
                try await self.deleteNamespace(name: try context.parameters.require("name"))
            }
        }
        group.post("seed") { request, _ in await self.respond(request) { try await self.seed(request) } }
        group.get("state") { request, _ in await self.respond(request) { try await self.state(request) } }
        group.get("clock") { request, _ in await self.respond(request) { try await self.readClock(request) } }
        group.put("clock") { request, _ in await self.respond(request) { try await self.setClock(request) } }
        group.post("clock/advance") { request, _ in
            await self.respond(request) { try await self.advanceClock(request) }
        }
        group.post("faults") { request, _ in await self.respond(request) { try await self.addFault(request) } }
        group.get("faults") { request, _ in await self.respond(request) { try self.listFaults() } }
        group.delete("faults") { request, _ in
            await self.respond(request) {
                self.controls.faults.removeAll(namespace: try Self.optionalNamespace(request))
                return Self.noContent()
            }
        }
        group.delete("faults/:id") { request, context in
            await self.respond(request) { try self.removeFault(id: try context.parameters.require("id")) }
        }
        group.get("journal") { request, _ in await self.respond(request) { try self.journal(request) } }
        group.delete("journal") { request, _ in
            await self.respond(request) {
                self.controls.journal.clear(namespace: try Self.optionalNamespace(request))
                return Self.noContent()
            }
        }
        group.get("invariants") { request, _ in await self.respond(request) { try await self.invariants(request) } }
        group.post("reset") { request, _ in await self.respond(request) { try await self.reset(request) } }
        group.post("retention/purge") { request, _ in await self.respond(request) { try await self.purgeRetention() } }
    }

    // MARK: - Authentication and answers

    /// Checks the admin key, runs `body`, and turns any failure into a protocol error answer.
    func respond(_ request: Request, _ body: () async throws -> Response) async -> Response {
        do {
            try authenticate(request)
            return try await body()
        } catch let error as LedgerError {
            return errorResponse(error, request: request)
        } catch let error as FaultSpecificationError {
            return errorResponse(.invalid(error.message), request: request)
        } catch let error as DecodingError {
            return errorResponse(.invalid(Self.describe(error)), request: request)
        } catch {
            return errorResponse(Self.classify(error), request: request)
        }
    }

    private func authenticate(_ request: Request) throws(LedgerError) {
        guard ledger.hasAdminKey else {
            throw LedgerError(.unauthorized, "The control API is disabled: start the server with an admin key")
        }
        guard let presented = request.headers[HTTPExchange.adminKeyField], !presented.isEmpty else {
            throw LedgerError(.unauthorized, "Missing \(CyclesHeader.adminAPIKey)")
        }
        // The ledger compares SHA-256 digests, so the key itself is never held or logged here.
        guard ledger.isAdminKey(presented) else { throw LedgerError(.unauthorized, "Invalid \(CyclesHeader.adminAPIKey)") }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let data = try CyclesJSON.encode(value)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func noContent() -> Response { Response(status: .noContent) }

    /// The protocol error answer (status, code and message; control errors carry no details or tenant).
    func errorResponse(_ error: LedgerError, request: Request) -> Response {
        FaultInjectionMiddleware<BasicRequestContext>.errorResponse(
            status: error.httpStatus, code: error.code, message: error.message, retryAfterSeconds: nil, request: request,
            makeRequestID: { ledger.makeRequestID() })
    }

    /// A readable message for a body that does not decode, naming the JSON path.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let components = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return components.isEmpty ? "body" : components.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "Missing field '\(key.stringValue)'" + (context.codingPath.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "Invalid value at \(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "Invalid value at \(path(context)): \(context.debugDescription)"
        @unknown default:
            return "Invalid request body"
        }
    }

    // MARK: - Request helpers

    /// Reads and decodes a JSON body; an empty body decodes as `{}` when `allowEmpty`.
    static func decodeBody<T: Decodable>(_ type: T.Type, from request: Request, allowEmpty: Bool = false) async throws
        -> T
    {
        var data = try await collectBody(of: request)
        if data.isEmpty {
            guard allowEmpty else { throw LedgerError.invalid("Request body is required") }
            data = Data("{}".utf8)
        }
        do {
            return try CyclesJSON.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw LedgerError.invalid(describe(error))
        }
    }

    /// The raw request body, refusing bodies above `maximumBodySize`.
    static func collectBody(of request: Request) async throws -> Data {
        do {
            return Data(try await request.body.collect(upTo: maximumBodySize).readableBytesView)
        } catch {
            throw LedgerError.invalid("Request body is larger than \(maximumBodySize) bytes")
        }
    }

    /// The `namespace` query parameter, defaulting to `default`.
    static func namespace(_ request: Request) throws(LedgerError) -> String {
        try optionalNamespace(request) ?? Ledger.defaultNamespace
    }

    /// The `namespace` query parameter, if present and well formed.
    /// The query is form-decoded (`+` is a space) like every other route's, through ``QueryParameters``.
    static func optionalNamespace(_ request: Request) throws(LedgerError) -> String? {
        guard let name = try query(request)["namespace"] else { return nil }
        try validateNamespaceName(name)
        return name
    }

    /// Namespace names: 1–64 characters of letters, digits, `_`, `-`, `.`, starting with a letter or digit.
    static func validateNamespaceName(_ name: String) throws(LedgerError) {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_-.".unicodeScalars.contains($0)
        }
        guard (1...64).contains(name.count), allowed, let first = name.unicodeScalars.first,
            first.properties.isAlphabetic || ("0"..."9").contains(first)
        else {
            throw .invalid(
                "Invalid namespace '\(name)': use 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit")
        }
    }

    /// An optional integer query parameter, rejecting text that is not one.
    static func integerParameter(_ name: String, in request: Request) throws(LedgerError) -> Int? {
        guard let text = try query(request)[name] else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw .invalid("Query parameter '\(name)' must be a non-negative integer, got '\(text)'")
        }
        return value
    }

    /// The request's query, form-decoded; malformed percent-encoding is a 400.
    private static func query(_ request: Request) throws(LedgerError) -> QueryParameters {
        do {
            return try QueryParameters(request)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw .invalid("the query string cannot be read")
        }
    }
}
