/// A namespace's clock as the control API reports it.
public struct ClockReading: Codable, Sendable, Hashable {
    /// `real`, `frozen` or `offset`.
    public var mode: String
    /// For `frozen`: where the clock stands (epoch ms).
    public var atMs: Int64?
    /// For `offset`: milliseconds added to the wall clock.
    public var offsetMs: Int64?
    /// The namespace's time now (epoch ms).
    public var nowMs: Int64

    /// Creates a reading.
    public init(mode: String, atMs: Int64? = nil, offsetMs: Int64? = nil, nowMs: Int64) {
        self.mode = mode
        self.atMs = atMs
        self.offsetMs = offsetMs
        self.nowMs = nowMs
    }

    enum CodingKeys: String, CodingKey {
        case mode
        case atMs = "at_ms"
        case offsetMs = "offset_ms"
        case nowMs = "now_ms"
    }
}
