import CyclesProtocol
import Synchronization

/// Makes reservation, event and request ids: random by default, reproducible when seeded (`--seed-ids N`).
final class IdentifierGenerator: Sendable {
    /// SplitMix64: tiny, fast and good enough for reproducible test ids (not for secrets).
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private let isSeeded: Bool
    private let seeded: Mutex<SplitMix64>

    init(seed: UInt64?) {
        isSeeded = seed != nil
        seeded = Mutex(SplitMix64(state: seed ?? 0))
    }

    /// 32 lowercase hex digits.
    func hex128() -> String {
        guard isSeeded else { return RandomIdentifier.hex(byteCount: 16) }
        return seeded.withLock { generator in RandomIdentifier.hex(byteCount: 16, using: &generator) }
    }

    /// A UUID v4 string.
    func uuid() -> String {
        guard isSeeded else { return RandomIdentifier.uuidString() }
        return seeded.withLock { generator in RandomIdentifier.uuidString(using: &generator) }
    }

    /// `rsv_<32 hex>`. Unseeded, the first 12 digits are the wall-clock milliseconds and the other 20 random, so
    /// later reservations sort later and their rows append to the reservation table's B-tree: with random keys every
    /// reserve dirtied (and wrote to the WAL) a page of its own. Seeded ids stay fully reproducible.
    func reservationID() -> ReservationID {
        guard !isSeeded else { return ReservationID("rsv_" + hex128()) }
        let milliseconds = UInt64(clamping: NamespaceClock.wallClockMs())
        let timeBytes = stride(from: 40, through: 0, by: -8).map { UInt8(truncatingIfNeeded: milliseconds >> $0) }
        return ReservationID("rsv_" + RandomIdentifier.hexString(timeBytes) + RandomIdentifier.hex(byteCount: 10))
    }
    /// `evt_<32 hex>`.
    func eventID() -> EventID { EventID("evt_" + hex128()) }
    /// A request id (UUID v4).
    func requestID() -> String { uuid() }
}
