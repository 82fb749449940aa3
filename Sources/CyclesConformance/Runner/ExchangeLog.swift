/// Collects what one check sent and received, its notes and its fixtures, while it runs concurrently.
actor ExchangeLog {
    /// Keeps the first few and the most recent exchanges so a 200-request stampede does not bloat reports.
    private static let keptHead = 6
    private static let keptTail = 10

    private(set) var head: [WireExchange] = []
    private(set) var tail: [WireExchange] = []
    private(set) var total = 0
    private(set) var notes: [String] = []
    private(set) var fixtures: [Fixture] = []

    func record(_ exchange: WireExchange) {
        total += 1
        if head.count < Self.keptHead {
            head.append(exchange)
        } else {
            tail.append(exchange)
            if tail.count > Self.keptTail { tail.removeFirst() }
        }
    }

    func note(_ text: String) { notes.append(text) }

    func remember(_ fixture: Fixture) { fixtures.append(fixture) }

    /// The kept exchanges in order, and how many were left out.
    func exchanges() -> (kept: [WireExchange], omitted: Int) {
        (head + tail, total - head.count - tail.count)
    }
}
