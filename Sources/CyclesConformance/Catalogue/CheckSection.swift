/// The area of the protocol a check covers; the second part of its ID (`SRV-IDEM-003` → `IDEM`).
public enum CheckSection: String, Codable, Sendable, CaseIterable {
    /// Success status codes and body shapes, headers, tracing.
    case wire = "WIRE"
    /// Error codes, their statuses and precedence.
    case errors = "ERR"
    /// TTL, grace, extend, expiry, listing.
    case lifecycle = "LIFE"
    /// Replay, mismatch, concurrent duplicates.
    case idempotency = "IDEM"
    /// Races and invariants under concurrent load.
    case concurrency = "CONC"
    /// Our Swift client driven against the server.
    case client = "CLIENT"
    /// The governance admin plane: auth introspection, tenant lifecycle on the runtime plane, key permissions and
    /// revocation, tenant isolation and headers of admin answers.
    case admin = "ADM"
    /// The event stream: emitted types and their payloads, correlation ids, listings, isolation.
    case events = "EVT"
    /// Webhook subscriptions and deliveries: the subscription invariants, signatures, headers, retries, replay.
    case webhooks = "HOOK"

    /// A human heading for console output.
    public var title: String {
        switch self {
        case .wire: "Wire shapes and headers"
        case .errors: "Error codes and precedence"
        case .lifecycle: "Reservation lifecycle"
        case .idempotency: "Idempotency"
        case .concurrency: "Concurrency and invariants"
        case .client: "Client mode"
        case .admin: "Admin plane"
        case .events: "Event stream"
        case .webhooks: "Webhook subscriptions and deliveries"
        }
    }
}
