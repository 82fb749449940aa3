/// The lifecycle state of a reservation.
public struct ReservationStatus: OpenEnumeration {
    /// The wire spelling.
    public let rawValue: String
    /// Creates a status from its wire spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Holding budget; may be committed, released or extended.
    public static let active: ReservationStatus = "ACTIVE"
    /// Settled with an actual amount (terminal).
    public static let committed: ReservationStatus = "COMMITTED"
    /// Returned without spending (terminal).
    public static let released: ReservationStatus = "RELEASED"
    /// Timed out past `expires_at_ms + grace` and returned (terminal).
    public static let expired: ReservationStatus = "EXPIRED"

    /// Every status defined by protocol v0.1.25.
    public static let knownValues: [ReservationStatus] = [.active, .committed, .released, .expired]

    /// Whether the status can never change again. Unknown statuses are treated as terminal, as the spec asks.
    public var isTerminal: Bool { self != .active }
}
