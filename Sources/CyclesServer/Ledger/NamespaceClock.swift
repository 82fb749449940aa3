import Foundation

/// A snapshot of one namespace's clock: its mode and the time it reads now.
public struct NamespaceClock: Sendable, Hashable, Codable {
    /// The namespace.
    public var namespace: String
    /// How the clock relates to the wall clock.
    public var mode: ClockMode
    /// The time the clock reads (epoch ms).
    public var nowMs: Int64

    /// Creates a snapshot.
    public init(namespace: String, mode: ClockMode, nowMs: Int64) {
        self.namespace = namespace
        self.mode = mode
        self.nowMs = nowMs
    }

    /// The wall clock in epoch milliseconds. The only place the ledger reads real time; every deadline goes
    /// through a namespace's `ClockMode` on top of it.
    static func wallClockMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
