import Synchronization

/// The random source of identifiers made without an explicit generator: xoshiro256** seeded once per process from
/// `SystemRandomNumberGenerator`, behind a lock.
///
/// Why not `SystemRandomNumberGenerator` itself: on Linux every `next()` is a `getrandom` system call, and a server
/// makes several ids per request (request id, trace id, reservation id); that was measurable per request. These ids
/// must be unique and must not collide across processes, but they are not secrets: nothing authenticates with them.
/// Generated secrets (test API keys) use `RandomIdentifier.secretHex`, which draws from the system generator.
struct IdentifierRandomness: RandomNumberGenerator, Sendable {
    private static let shared = Mutex(Xoshiro256StarStar())

    /// Creates a handle on the process-wide generator.
    init() {}

    /// The next 64 random bits.
    mutating func next() -> UInt64 { Self.shared.withLock { $0.next() } }

    /// xoshiro256** (Blackman and Vigna): fast, 256 bits of state, passes the usual statistical test batteries.
    struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
        private var state: (UInt64, UInt64, UInt64, UInt64)

        init() {
            var system = SystemRandomNumberGenerator()
            repeat {
                state = (system.next(), system.next(), system.next(), system.next())
            } while state == (0, 0, 0, 0)
        }

        mutating func next() -> UInt64 {
            let result = rotateLeft(state.1 &* 5, 7) &* 9
            let shifted = state.1 << 17
            state.2 ^= state.0
            state.3 ^= state.1
            state.1 ^= state.2
            state.0 ^= state.3
            state.2 ^= shifted
            state.3 = rotateLeft(state.3, 45)
            return result
        }

        private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
            (value << count) | (value >> (64 - count))
        }
    }
}
