/// Moves a fixture past reservation deadlines: with its virtual clock when the target has one, otherwise
/// (when the run allows it) by waiting in real time with short TTLs.
public struct DeadlineDriver: Sendable {
    /// The virtual clock, or `nil` when the driver waits in real time.
    public let clock: (any FixtureClock)?

    /// Whether time is virtual (exact boundaries can be tested).
    public var isVirtual: Bool { clock != nil }

    /// Lets `milliseconds` pass for the fixture. Real waits add a safety margin of 400 ms, since the server's
    /// clock and ours are not the same clock.
    public func pass(milliseconds: Int64) async throws {
        if let clock {
            _ = try await clock.advance(byMs: milliseconds)
        } else {
            try await Task.sleep(for: .milliseconds(milliseconds + 400))
        }
    }
}

extension CheckContext {
    /// A deadline driver for `fixture`: its clock frozen now, or real time if allowed, else the check is skipped.
    /// Call it before creating the reservations whose deadlines the check crosses.
    public func deadlineDriver(_ fixture: Fixture) async throws -> DeadlineDriver {
        do {
            return try await virtualClock(fixture)
        } catch let skipped as CheckSkipped {
            guard options.allowsRealTimeWaits else {
                throw CheckSkipped("\(skipped.reason), and real-time waits are disabled for this run")
            }
            await note("no controllable clock (\(skipped.reason)); waiting in real time with short TTLs")
            return DeadlineDriver(clock: nil)
        }
    }

    /// Like ``deadlineDriver(_:)`` but skips unless the clock is virtual (for exact-boundary checks).
    public func virtualClock(_ fixture: Fixture) async throws -> DeadlineDriver {
        let clock = try await provisioner.clock(for: fixture)
        _ = try await clock.freeze()
        return DeadlineDriver(clock: clock)
    }
}
