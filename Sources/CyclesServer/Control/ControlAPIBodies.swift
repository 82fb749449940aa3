/// `POST /__cycles/namespaces` body.
struct NamespaceCreateBody: Codable, Sendable {
    var name: String?
}

/// `POST /__cycles/namespaces` answer.
struct NamespaceCreatedBody: Codable, Sendable {
    var namespace: String
}

/// `GET /__cycles/clock` answer, `PUT /__cycles/clock` body, and the `clock` of `GET /__cycles/state` (one shape,
/// so the state dump names its clock fields exactly as the clock endpoint and the README do).
public struct ClockBody: Codable, Sendable, Hashable {
    /// `real`, `frozen` or `offset`.
    public var mode: String
    /// For `frozen`: the instant the clock stands at (epoch ms).
    public var atMs: Int64?
    /// For `offset`: milliseconds added to the wall clock.
    public var offsetMs: Int64?
    /// The namespace's current time (answers only).
    public var nowMs: Int64?

    init(mode: String, atMs: Int64? = nil, offsetMs: Int64? = nil, nowMs: Int64? = nil) {
        self.mode = mode
        self.atMs = atMs
        self.offsetMs = offsetMs
        self.nowMs = nowMs
    }

    /// The answer for a namespace clock snapshot.
    init(_ clock: NamespaceClock) {
        switch clock.mode {
        case .real: self.init(mode: "real", nowMs: clock.nowMs)
        case .frozen(let atMs): self.init(mode: "frozen", atMs: atMs, nowMs: clock.nowMs)
        case .offset(let ms): self.init(mode: "offset", offsetMs: ms, nowMs: clock.nowMs)
        }
    }

    enum CodingKeys: String, CodingKey {
        case mode
        case atMs = "at_ms"
        case offsetMs = "offset_ms"
        case nowMs = "now_ms"
    }
}

/// `POST /__cycles/clock/advance` body.
struct ClockAdvanceBody: Codable, Sendable {
    var byMs: Int64

    enum CodingKeys: String, CodingKey {
        case byMs = "by_ms"
    }
}

/// `POST /__cycles/clock/advance` answer.
struct ClockAdvancedBody: Codable, Sendable {
    /// The namespace's time after the advance.
    var nowMs: Int64
    /// Reservations the advance expired, in id order.
    var expired: [String]

    enum CodingKeys: String, CodingKey {
        case nowMs = "now_ms"
        case expired
    }
}

/// `GET /__cycles/faults` answer.
struct FaultListBody: Codable, Sendable {
    var rules: [FaultRule]
}

/// `GET /__cycles/journal` answer.
struct JournalBody: Codable, Sendable {
    var entries: [JournalEntry]
}
