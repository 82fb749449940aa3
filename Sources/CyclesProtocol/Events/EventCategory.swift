/// The top-level group of an event (the spec's `EventCategory`): the part of an `EventType` before the first dot.
/// Webhook subscriptions select by category; unknown categories from a newer server are kept.
public struct EventCategory: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String

    /// Creates a category from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Budget lifecycle and runtime budget events.
    public static let budget: EventCategory = "budget"
    /// Tenant lifecycle.
    public static let tenant: EventCategory = "tenant"
    /// API-key lifecycle and authentication failures (admin-only).
    public static let apiKey: EventCategory = "api_key"
    /// Policy lifecycle (admin-only).
    public static let policy: EventCategory = "policy"
    /// Reservation runtime events.
    public static let reservation: EventCategory = "reservation"
    /// Server and dispatcher events (admin-only).
    public static let system: EventCategory = "system"
    /// Webhook-subscription lifecycle (admin-only).
    public static let webhook: EventCategory = "webhook"

    /// Every category of v0.1.25.
    public static let knownValues: [EventCategory] = [.budget, .tenant, .apiKey, .policy, .reservation, .system, .webhook]

    /// The categories a tenant may see and subscribe to (WEBHOOK SUBSCRIPTION INVARIANT 2, listTenantEvents):
    /// budget, reservation and tenant. The others carry admin governance telemetry.
    public static let tenantAccessible: [EventCategory] = [.budget, .reservation, .tenant]

    /// Whether a tenant may see or subscribe to this category.
    public var isTenantAccessible: Bool { Self.tenantAccessible.contains(self) }
}
