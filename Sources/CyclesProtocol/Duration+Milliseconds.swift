extension Duration {
    /// Whole milliseconds, rounded down; saturates instead of overflowing.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = millis.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return total
    }

    /// Whole milliseconds, rounded up (for budgets and margins, which must never be understated).
    public var wholeMillisecondsRoundedUp: Int64 {
        let down = wholeMilliseconds
        let remainder = components.attoseconds % 1_000_000_000_000_000
        return remainder > 0 && down < .max ? down + 1 : down
    }
}
