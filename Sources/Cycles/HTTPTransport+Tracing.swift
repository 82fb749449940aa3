import CyclesProtocol
import NIOHTTP1
import Tracing

/// Client spans (swift-distributed-tracing): one `.client` span per protocol call, named `cycles.<operation>`
/// (`cycles.createReservation`, `cycles.commitReservation`, `cycles.releaseReservation`, `cycles.extendReservation`,
/// `cycles.createEvent`, `cycles.decide`, `cycles.getBalances`, …), parented to the task's current span.
///
/// The protocol's own trace id (the one the request sends in `traceparent` and `X-Cycles-Trace-Id`, see
/// ``CyclesTrace``) is the `cycles.trace_id` attribute, so a span can be matched with the server's audit log and
/// events. A protocol error sets the span's status to error and records `cycles.error.code`.
///
/// Without ``CyclesConfig/tracer`` the process-wide `InstrumentationSystem.tracer` is used, which is a no-op tracer
/// until the application bootstraps one.
extension HTTPTransport {
    /// Span attribute names, spelled once.
    enum SpanAttributeName {
        static let traceID = "cycles.trace_id"
        static let operation = "cycles.operation"
        static let idempotencyKey = "cycles.idempotency_key"
        static let reservationID = "cycles.reservation_id"
        static let requestID = "cycles.request_id"
        static let errorCode = "cycles.error.code"
        static let errorKind = "cycles.error.kind"
        static let method = "http.request.method"
        static let statusCode = "http.response.status_code"
    }

    /// Runs `attempt` inside a client span for `exchange`, recording the outcome on it.
    func withClientSpan<Body: Sendable>(
        _ exchange: Exchange, traceID: String, _ attempt: () async throws -> CyclesResponse<Body>
    ) async throws -> CyclesResponse<Body> {
        let tracer = config.tracer ?? InstrumentationSystem.tracer
        let span = tracer.startSpan("cycles.\(exchange.operation)", context: ServiceContext.current ?? .topLevel, ofKind: .client)
        defer { span.end() }
        span.attributes[SpanAttributeName.traceID] = traceID
        span.attributes[SpanAttributeName.operation] = exchange.operation
        span.attributes[SpanAttributeName.method] = exchange.method.rawValue
        if let key = exchange.idempotencyKey { span.attributes[SpanAttributeName.idempotencyKey] = key.rawValue }
        if exchange.pathSegments.count >= 3, exchange.pathSegments[1] == "reservations" {
            span.attributes[SpanAttributeName.reservationID] = exchange.pathSegments[2]
        }
        do {
            let response = try await attempt()
            span.attributes[SpanAttributeName.statusCode] = response.metadata.httpStatus
            if let requestID = response.metadata.requestID { span.attributes[SpanAttributeName.requestID] = requestID }
            return response
        } catch let error as CyclesError {
            if let status = error.httpStatus { span.attributes[SpanAttributeName.statusCode] = status }
            if let requestID = error.requestID { span.attributes[SpanAttributeName.requestID] = requestID }
            if let code = error.effectiveCode { span.attributes[SpanAttributeName.errorCode] = code.rawValue }
            span.attributes[SpanAttributeName.errorKind] = error.kind.rawValue
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: error.code?.rawValue ?? error.kind.rawValue))
            throw error
        } catch {
            // Cancellation and the like: the span ends with the error, and no protocol code.
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }
}
