/// The answer to `GET /v1/balances`.
public struct BalanceResponse: Hashable, Sendable, Codable {
    /// One page of balances, one per (scope, unit).
    public var balances: [Balance]
    /// Pass back as `cursor` to get the next page.
    public var nextCursor: String?
    /// Whether another page may exist.
    public var hasMore: Bool?

    /// Creates a page.
    public init(balances: [Balance], nextCursor: String? = nil, hasMore: Bool? = nil) {
        self.balances = balances
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case balances
        case nextCursor = "next_cursor"
        case hasMore = "has_more"
    }
}
