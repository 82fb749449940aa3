/// `POST /__cycles/namespaces` body.
struct NamespaceCreateBody: Codable, Sendable {
    var name: String?
}

/// `POST /__cycles/namespaces` answer.
struct NamespaceCreatedBody: Codable, Sendable {
    var namespace: String
}

/// `GET /__cycles/clock` answer and `PUT /__cycles/clock` body.
struct ClockBody: Codable, Sendable {
    /// `real`, `frozen` or `offset`.
    var mode: String
    /// For `frozen`: the instant the clock stands at (epoch ms).
    var atMs: Int64?
    /// For `offset`: milliseconds added to the wall clock.
    var offsetMs: Int64?
    /// The namespace's current time (answers only).
    var nowMs: Int64?

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
