import CyclesProtocol
import HTTPTypes
public import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus text exposition of one server (`ServerMetrics`).
///
/// It names tenants and scopes, so it is an operator's endpoint: it needs the admin key, as `X-Admin-API-Key` or
/// as `Authorization: Bearer <admin key>` (what Prometheus sends with `authorization: {credentials_file: …}`).
/// Without a valid one it answers 401 with the protocol's error body.
public enum MetricsRoutes {
    /// The exposition format's content type (text format 0.0.4).
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Adds `GET /metrics`, served from `metrics` and `exchange.ledger`.
    public static func register(on router: Router<BasicRequestContext>, exchange: HTTPExchange, metrics: ServerMetrics) {
        let ledger = exchange.ledger
        router.get("/metrics") { request, _ -> Response in
            guard let key = presentedAdminKey(request), ledger.isAdminKey(key) else {
                return await exchange.respond(to: request) {
                    throw LedgerError(
                        .unauthorized,
                        "/metrics needs the admin key, as \(CyclesHeader.adminAPIKey) or Authorization: Bearer")
                }
            }
            let text: String
            do {
                text = try await metrics.render(ledger: ledger)
            } catch {
                return await exchange.respond(to: request) { throw LedgerError(.internalError, "metrics unavailable") }
            }
            var headers = HTTPFields()
            headers[.contentType] = contentType
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// The admin key from `X-Admin-API-Key`, else from `Authorization: Bearer …`.
    static func presentedAdminKey(_ request: Request) -> String? {
        if let key = request.headers[HTTPExchange.adminKeyField], !key.isEmpty { return key }
        guard let authorization = request.headers[.authorization] else { return nil }
        let prefix = "bearer "
        guard authorization.count > prefix.count, authorization.prefix(prefix.count).lowercased() == prefix else {
            return nil
        }
        let token = authorization.dropFirst(prefix.count).trimmingPrefix(while: { $0 == " " })
        return token.isEmpty ? nil : String(token)
    }
}
