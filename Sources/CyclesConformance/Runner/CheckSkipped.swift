/// Thrown when a check cannot run against this target (no provisioner, no clock control, no admin key…).
public struct CheckSkipped: Error, Sendable, CustomStringConvertible {
    /// Why the check did not run.
    public var reason: String

    /// Creates a skip with its reason.
    public init(_ reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}
