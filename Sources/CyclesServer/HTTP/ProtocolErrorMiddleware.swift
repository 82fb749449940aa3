import CyclesProtocol
import HTTPTypes
import Hummingbird

/// Gives responses the router produced itself (unknown path, wrong method) the protocol's error body and the
/// `X-Request-Id` / `X-Cycles-Trace-Id` headers every response must carry.
struct ProtocolErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let exchange: HTTPExchange

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            let status = error.status.code
            let code: ErrorCode =
                switch status {
                case 404: .notFound
                case 401: .unauthorized
                case 403: .forbidden
                case 400..<500: .invalidRequest
                default: .internalError
                }
            let message = status == 404 ? "No route for \(request.method) \(request.uri.path)" : "\(error.status)"
            return await exchange.respond(to: request) {
                throw LedgerError(code, message, httpStatus: status == 405 ? 405 : nil)
            }
        }
    }
}
