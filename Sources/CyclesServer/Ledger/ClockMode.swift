/// How a namespace's clock relates to the wall clock.
public enum ClockMode: Sendable, Hashable, Codable {
    /// The wall clock.
    case real
    /// Time stands still at `atMs` (epoch ms) until changed or advanced.
    case frozen(atMs: Int64)
    /// The wall clock shifted by `ms` (may be negative).
    case offset(ms: Int64)

    /// `"real"`, `"frozen"` or `"offset"`.
    public var name: String {
        switch self {
        case .real: "real"
        case .frozen: "frozen"
        case .offset: "offset"
        }
    }

    /// The current time under this mode, given the wall clock.
    public func now(wallClockMs: Int64) -> Int64 {
        switch self {
        case .real: wallClockMs
        case .frozen(let atMs): atMs
        case .offset(let ms): wallClockMs &+ ms
        }
    }

    /// The mode after moving time forward by `ms`: a real clock becomes an offset one.
    public func advanced(by ms: Int64) -> ClockMode {
        switch self {
        case .real: .offset(ms: ms)
        case .frozen(let atMs): .frozen(atMs: atMs &+ ms)
        case .offset(let offset): .offset(ms: offset &+ ms)
        }
    }
}
