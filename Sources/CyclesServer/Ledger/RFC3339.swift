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

    /// `epochMs` written with millisecond precision in UTC.
    static func string(_ epochMs: Int64) -> String {
        Date(timeIntervalSince1970: Double(epochMs) / 1000)
            .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
