/// Control of the clock a fixture's reservations are judged by.
public protocol FixtureClock: Sendable {
    /// Stops the clock at the current time and returns it (epoch ms).
    func freeze() async throws -> Int64
    /// Moves the clock forward, runs every expiry that falls due, and returns the new time (epoch ms).
    func advance(byMs: Int64) async throws -> Int64
}
