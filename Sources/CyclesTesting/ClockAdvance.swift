/// The result of advancing a namespace's clock.
public struct ClockAdvance: Codable, Sendable, Hashable {
    /// The namespace's time after the advance (epoch ms).
    public var nowMs: Int64
    /// Reservations the advance expired.
    public var expired: [String]

    /// Creates a result.
    public init(nowMs: Int64, expired: [String]) {
        self.nowMs = nowMs
        self.expired = expired
    }

    enum CodingKeys: String, CodingKey {
        case nowMs = "now_ms"
        case expired
    }
}
