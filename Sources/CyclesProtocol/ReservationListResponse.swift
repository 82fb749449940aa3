/// The answer to `GET /v1/reservations`.
public struct ReservationListResponse: Hashable, Sendable, Codable {
    /// One page of rows.
    public var reservations: [ReservationSummary]
    /// Pass back as `cursor` to get the next page.
    public var nextCursor: String?
    /// Whether another page may exist.
    public var hasMore: Bool?

    /// Creates a page.
    public init(reservations: [ReservationSummary], nextCursor: String? = nil, hasMore: Bool? = nil) {
        self.reservations = reservations
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reservations
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}
