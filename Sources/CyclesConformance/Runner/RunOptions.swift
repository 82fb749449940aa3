/// Settings of one conformance run that checks can read.
public struct RunOptions: Sendable {
    /// The operator key, when the target has one (admin-only checks skip without it).
    public var adminKey: String?
    /// Whether clock checks may wait in real time (a short TTL and a ~1–2 s sleep) when the target has no
    /// controllable clock. Off in unit tests, which must not sleep.
    public var allowsRealTimeWaits: Bool
    /// The seed of randomized workloads; printed in the evidence so a run can be reproduced.
    public var seed: UInt64
    /// How many checks run at once (checks marked `runsAlone` always run by themselves).
    public var parallelism: Int
    /// The longest one check may run before it fails as timed out.
    public var checkTimeout: Duration

    /// Creates options.
    public init(
        adminKey: String? = nil, allowsRealTimeWaits: Bool = true, seed: UInt64 = UInt64.random(in: 1...999_999),
        parallelism: Int = 8, checkTimeout: Duration = .seconds(120)
    ) {
        self.adminKey = adminKey
        self.allowsRealTimeWaits = allowsRealTimeWaits
        self.seed = seed
        self.parallelism = max(1, parallelism)
        self.checkTimeout = checkTimeout
    }
}
