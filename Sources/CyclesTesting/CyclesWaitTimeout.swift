/// A `CyclesTesting` wait (the next webhook delivery, the next event, the next delivery record) that found nothing
/// matching before its timeout. The description says what was awaited, for how long, and what was there instead.
public struct CyclesWaitTimeout: Error, CustomStringConvertible, Sendable {
    /// What was awaited, as the call spelled it (`nextEvent(ofType: reservation.denied)`).
    public var awaited: String
    /// How long it waited.
    public var timeout: Duration
    /// What there was instead (counts and the most recent items), to tell "nothing came" from "something else came".
    public var seen: String

    /// Creates a timeout.
    public init(awaited: String, timeout: Duration, seen: String) {
        self.awaited = awaited
        self.timeout = timeout
        self.seen = seen
    }

    /// One line for a test failure.

    /// One line for a test failure.
    public var description: String {
        "\(awaited) timed out after \(timeout): \(seen)"
    }
}
