import CyclesProtocol

/// One call of every runtime operation with one key, for the checks that judge how a tenant's state or a key's
/// standing shows on the whole runtime plane (suspended, closed, revoked, missing a permission).
struct RuntimeSweep {
    /// How the spec groups an operation when a tenant is closed.
    enum Kind: Sendable {
        /// Reserve (live), commit, release, extend, create event: they persist.
        case persisting
        /// Dry-run reserve and decide: evaluations that persist nothing.
        case evaluation
        /// Balances, list and get: reads.
        case read
    }

    /// One answer of the sweep.
    struct Call {
        /// The operation, for messages (`commit`, `dry-run`, …).
        var operation: String
        /// How the spec groups it.
        var kind: Kind
        /// What was sent and answered.
        var exchange: WireExchange
    }

    /// Sends each runtime operation once as `tenant` (whose key may be anything), the reservation operations on
    /// `reservationID`. Commit and release target the same reservation: the sweep is for refusals, where neither
    /// changes it.
    static func run(_ context: CheckContext, _ tenant: ProvisionedTenant, reservationID: String) async throws -> [Call] {
        [
            Call(operation: "reserve", kind: .persisting, exchange: try await context.reserve(tenant, estimate: 10)),
            Call(
                operation: "dry-run reserve", kind: .evaluation,
                exchange: try await context.reserve(tenant, estimate: 10, extra: ["dry_run": true])),
            Call(operation: "decide", kind: .evaluation, exchange: try await context.decide(tenant, estimate: 10)),
            Call(
                operation: "commit", kind: .persisting,
                exchange: try await context.commit(tenant, reservationID, actual: 5)),
            Call(operation: "release", kind: .persisting, exchange: try await context.release(tenant, reservationID)),
            Call(
                operation: "extend", kind: .persisting,
                exchange: try await context.extend(tenant, reservationID, byMs: 1_000)),
            Call(operation: "create event", kind: .persisting, exchange: try await context.event(tenant, actual: 1)),
            Call(operation: "balances", kind: .read, exchange: try await context.balances(tenant)),
            Call(
                operation: "list reservations", kind: .read,
                exchange: try await context.send(
                    context.request("GET", "/v1/reservations?tenant=\(tenant.tenantID)", tenant))),
            Call(
                operation: "get reservation", kind: .read,
                exchange: try await context.getReservation(tenant, reservationID)),
        ]
    }
}

extension CheckContext {
    /// Fails unless the exchange is an error whose status is one of `statuses` and whose code is one of `codes`, in a
    /// conformant ErrorResponse.
    func expectRefusal(
        _ exchange: WireExchange, statuses: Set<Int>, codes: Set<String>, because operation: String,
        spec: String? = nil
    ) throws {
        guard statuses.contains(exchange.status), let code = exchange.errorCode, codes.contains(code) else {
            throw CheckFailure(
                "\(operation): \(exchange.summary): \(exchange.body.prefix(300))",
                expected: "HTTP \(statuses.sorted().map(String.init).joined(separator: " or ")) with "
                    + codes.sorted().joined(separator: " or "),
                spec: spec ?? descriptor.spec, exchange: exchange)
        }
        try expectJSONContentType(exchange)
        let problems = WireShapes.errorResponse.violations(of: exchange.json ?? .null)
        try expect(
            problems.isEmpty, "error body is not a conformant ErrorResponse: \(problems.joined(separator: "; "))",
            expected: "error, message, request_id, trace_id", spec: "ErrorResponse", exchange: exchange)
    }

    /// Fails unless the answer is JSON with `X-Request-Id` and a 32-hex `X-Cycles-Trace-Id`, and, when it is an error,
    /// a conformant ErrorResponse whose `request_id` and `trace_id` are the headers' values.
    func expectCorrelatedJSON(_ answer: WireExchange) throws {
        try expectJSONContentType(answer)
        let requestID = answer.header(CyclesHeader.requestID) ?? ""
        try expect(
            !requestID.isEmpty, "\(answer.summary): no X-Request-Id", expected: "X-Request-Id on every response",
            exchange: answer)
        let traceID = TraceContext.validTraceID(answer.header(CyclesHeader.traceID))
        try expect(
            traceID != nil, "\(answer.summary): X-Cycles-Trace-Id is \(answer.header(CyclesHeader.traceID) ?? "absent")",
            expected: "32 lowercase hex digits on every response", exchange: answer)
        guard answer.status >= 400 else { return }
        let body = answer.json ?? .null
        let problems = WireShapes.errorResponse.violations(of: body)
        try expect(
            problems.isEmpty, "\(answer.summary): not a conformant ErrorResponse: \(problems.joined(separator: "; "))",
            expected: "error, message, request_id, trace_id", spec: "ErrorResponse", exchange: answer)
        try expect(
            body["request_id"]?.stringValue == requestID && body["trace_id"]?.stringValue == traceID,
            "\(answer.summary): request_id/trace_id of the body differ from X-Request-Id/X-Cycles-Trace-Id",
            expected: "the same ids in the body and the headers", exchange: answer)
    }
}
