import CyclesProtocol

/// How the dashboard writes numbers and times for people. Integer arithmetic throughout: an amount is shown exactly
/// as the ledger holds it, never through a `Double` that could round a large balance.
enum DashboardFormat {
    /// One US dollar in `USD_MICROCENTS` (the unit is 10^-8 USD).
    static let microcentsPerDollar: Int64 = 100_000_000

    /// `amount` in `unit`: dollars for `USD_MICROCENTS` (two decimals, more when the amount is below a cent), grouped
    /// digits for every other unit.
    static func amount(_ amount: Int64, unit: BudgetUnit) -> String {
        guard unit == .usdMicrocents else { return grouped(amount) }
        let sign = amount < 0 ? "-" : ""
        let magnitude = amount.magnitude
        let dollars = magnitude / UInt64(microcentsPerDollar)
        let fraction = magnitude % UInt64(microcentsPerDollar)
        // Two decimals when they say everything (whole cents), eight otherwise, trailing zeros trimmed to two.
        var decimals = String(fraction)
        decimals = String(repeating: "0", count: 8 - decimals.count) + decimals
        while decimals.count > 2, decimals.hasSuffix("0") { decimals.removeLast() }
        return "\(sign)$\(grouped(Int64(dollars)))" + ".\(decimals)"
    }

    /// Digits in groups of three (`1,234,567`).
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// The UTC time of day of an epoch-ms instant, `HH:MM:SS`.
    static func timeOfDay(_ epochMs: Int64) -> String {
        let seconds = (epochMs / 1000) % 86_400
        let positive = seconds < 0 ? seconds + 86_400 : seconds
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(positive / 3600)):\(two(positive / 60 % 60)):\(two(positive % 60))"
    }

    /// A span of milliseconds as people read it (`950 ms`, `42 s`, `3 m 05 s`, `2 h 10 m`).
    static func duration(_ ms: Int64) -> String {
        let sign = ms < 0 ? "-" : ""
        let value = ms.magnitude
        if value < 1000 { return "\(sign)\(value) ms" }
        let seconds = value / 1000
        if seconds < 60 { return "\(sign)\(seconds) s" }
        if seconds < 3600 { return "\(sign)\(seconds / 60) m \(seconds % 60 < 10 ? "0" : "")\(seconds % 60) s" }
        return "\(sign)\(seconds / 3600) h \(seconds / 60 % 60) m"
    }

    /// A share of a whole as a CSS percentage with two decimals (`12.50`), clamped to 0…100.
    static func percent(_ part: Int64, of whole: Int64) -> String {
        guard whole > 0, part > 0 else { return "0" }
        let hundredths = min(10_000, Int64((Double(part) / Double(whole) * 10_000).rounded()))
        let remainder = hundredths % 100
        return "\(hundredths / 100).\(remainder < 10 ? "0" : "")\(remainder)"
    }
}
