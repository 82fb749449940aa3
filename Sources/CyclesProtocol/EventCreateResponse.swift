/// The answer to `POST /v1/events` (status 201).
public struct EventCreateResponse: Hashable, Sendable, Codable {
    /// Always `APPLIED`.
    public var status: String
    /// The server's id for the event.
    public var eventID: EventID
    /// Present when ALLOW_IF_AVAILABLE charged less than the actual.
    public var charged: Amount?
    /// Balances of the budgeted scopes after the charge.
    public var balances: [Balance]?

    /// Creates an event response.
    public init(status: String = "APPLIED", eventID: EventID, charged: Amount? = nil, balances: [Balance]? = nil) {
        self.status = status
        self.eventID = eventID
        self.charged = charged
        self.balances = balances
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status
        case eventID = "event_id"
        case charged, balances
    }
}
