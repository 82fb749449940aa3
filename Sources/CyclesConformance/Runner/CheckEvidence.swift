/// What a check saw: the exchanges (with `curl`), notes, and for a failure what was expected and why.
public struct CheckEvidence: Codable, Sendable, Hashable {
    /// The failure or skip message.
    public var message: String?
    /// What the spec requires, for failures.
    public var expected: String?
    /// The spec section, for failures.
    public var spec: String?
    /// The exchange that showed the failure.
    public var failingExchange: RecordedExchange?
    /// Other exchanges of the check (first and last ones when there were many).
    public var exchanges: [RecordedExchange]
    /// How many exchanges were left out of `exchanges`.
    public var omittedExchanges: Int
    /// Free-form notes (fixtures, seeds, counts).
    public var notes: [String]

    /// Creates evidence.
    public init(
        message: String? = nil, expected: String? = nil, spec: String? = nil,
        failingExchange: RecordedExchange? = nil, exchanges: [RecordedExchange] = [], omittedExchanges: Int = 0,
        notes: [String] = []
    ) {
        self.message = message
        self.expected = expected
        self.spec = spec
        self.failingExchange = failingExchange
        self.exchanges = exchanges
        self.omittedExchanges = omittedExchanges
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case message, expected, spec, exchanges, notes
        case failingExchange = "failing_exchange"
        case omittedExchanges = "omitted_exchanges"
    }
}
