import Foundation

/// RFC 3339 date-times, the spec's `format: date-time`, to and from epoch milliseconds: one reading for the query
/// bounds of list operations and for admin bodies, one writing for every date-time the admin plane answers.
enum RFC3339 {
    /// Epoch ms of `text` (fractional seconds optional), or `nil` when it is not an RFC 3339 date-time. A bare
    /// number is not one.
    static func epochMs(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var date = formatter.date(from: text)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime]
            date = formatter.date(from: text)
        }
        return date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    /// `epochMs` written with millisecond precision in UTC. The milliseconds are written from the integer, not from a
    /// `Date`: `Double(epochMs) / 1000` is often a hair below the true value and the formatter truncates, so about
    /// half of all instants came out one millisecond early, and a filter or replay window bounded by an event's own
    /// timestamp missed the event.
    static func string(_ epochMs: Int64) -> String {
        let (seconds, milliseconds) = epochMs >= 0 ? epochMs.quotientAndRemainder(dividingBy: 1000)
            : ((epochMs - 999) / 1000, epochMs - (epochMs - 999) / 1000 * 1000)
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        let fraction = String(milliseconds + 1000).dropFirst()
        return whole.dropLast() + "." + fraction + "Z"
    }
}
