public import CyclesProtocol

public import Foundation

/// The outcome of a ledger operation: the typed value plus the exact wire bytes and status, which an idempotent
/// replay reproduces byte for byte (only `remaining_ttl_ms` is recomputed).
public struct LedgerReply<Value: Sendable & Decodable>: Sendable {
    /// The HTTP status (200, or 201 for events).
    public var status: Int
    /// The exact response body.
    public var body: Data
    /// The tenant the request acted for (for `X-Cycles-Tenant`).
    public var tenant: String?
    /// Whether this is a replay of an earlier success with the same idempotency key.
    public var replayed: Bool
    /// The decision of a fresh reserve or decide evaluation (`nil` for a replay and for other operations), so
    /// `/metrics` can count decisions without decoding the body.
    public var decision: Decision?
    /// The reason of a fresh `DENY`.
    public var reasonCode: DecisionReasonCode?

    /// Creates a reply.
    public init(status: Int, body: Data, tenant: String?, replayed: Bool) {
        self.status = status
        self.body = body
        self.tenant = tenant
        self.replayed = replayed
    }

    /// The body decoded.
    public func value() throws -> Value { try CyclesJSON.decode(Value.self, from: body) }
}
