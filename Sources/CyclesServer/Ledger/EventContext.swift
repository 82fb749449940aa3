public import CyclesProtocol

import Foundation

/// Who asked for a ledger change, as the events it emits record it (the spec's correlation contract): the
/// `X-Request-Id` and trace id of the originating HTTP request, and the inbound trace flags a webhook delivery will
/// carry on its `traceparent`.
///
/// The HTTP layer binds it for the whole request (`HTTPExchange.respond`) as a task-local value, so the engine's
/// signatures stay free of transport details. Ledger operations read it once, before their write transaction:
/// batched transactions run on the database writer's thread, where task-locals are not visible.
public struct EventContext: Sendable, Hashable {
    /// `X-Request-Id` of the originating request; `nil` for work no request caused (the expiry sweeper).
    public var requestID: String?
    /// 32 lowercase hex digits.
    public var traceID: String
    /// W3C trace flags of a valid inbound `traceparent`, else `01` (sampled), as the spec defaults.
    public var traceFlags: String
    /// Whether the request carried a valid `traceparent`.
    public var traceparentInboundValid: Bool

    /// The context of the request being served, if any.
    @TaskLocal public static var current: EventContext?

    /// Creates a context.
    public init(requestID: String?, traceID: String, traceFlags: String = "01", traceparentInboundValid: Bool = false) {
        self.requestID = requestID
        self.traceID = traceID
        self.traceFlags = traceFlags
        self.traceparentInboundValid = traceparentInboundValid
    }

    /// The context of an HTTP request: its request id and its resolved trace id, keeping the inbound trace flags
    /// when `traceparent` was valid.
    public init(requestID: String, traceID: String, traceparent: String?) {
        let inboundValid = TraceContext.traceID(fromTraceparent: traceparent) == traceID
        self.init(
            requestID: requestID, traceID: traceID,
            traceFlags: inboundValid ? String(traceparent!.trimmingCharacters(in: .whitespaces).suffix(2)) : "01",
            traceparentInboundValid: inboundValid)
    }

    /// The request's context, or for work without one (the sweeper, engine calls) a fresh trace id shared by every
    /// event of that one operation, and no request id (the spec allows its absence there).
    static func currentOrInternal() -> EventContext {
        current ?? EventContext(requestID: nil, traceID: RandomIdentifier.hex(byteCount: 16))
    }

    /// The correlation id events get unless their type defines one: the request id, else the trace id, so every
    /// event one request or one sweep produced can be found together.
    var defaultCorrelationID: String { requestID ?? traceID }
}
