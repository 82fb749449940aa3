import CyclesProtocol
import Synchronization

/// The dashboard's browser sessions: random tokens handed out once the admin key was shown, held in memory only.
///
/// A browser cannot send `X-Admin-API-Key` on a page load or an `EventSource`, so the key is checked once (at login)
/// and the browser keeps an HttpOnly, SameSite=Strict cookie with a token instead: never the key itself, so the key
/// is not stored by the browser, and a token stolen from memory dies with the process or at logout. Tokens are kept
/// as SHA-256 digests, like API keys.
final class DashboardSessions: Sendable {
    /// The cookie's name.
    static let cookieName = "cycles_dashboard"
    /// How long a session lasts (the cookie's Max-Age as well).
    static let lifetimeSeconds: Int64 = 12 * 3600
    /// The most sessions kept; the oldest go first (each login makes one).
    static let capacity = 64

    /// Token digest → expiry (wall-clock epoch ms).
    private let sessions = Mutex<[String: Int64]>([:])

    /// Starts a session and returns its token (64 hex characters, 256 random bits).
    func create() -> String {
        let token = RandomIdentifier.hex(byteCount: 32)
        let now = NamespaceClock.wallClockMs()
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value > now }
            if sessions.count >= Self.capacity, let oldest = sessions.min(by: { $0.value < $1.value }) {
                sessions.removeValue(forKey: oldest.key)
            }
            sessions[Ledger.hash(token)] = now + Self.lifetimeSeconds * 1000
        }
        return token
    }

    /// Whether `token` names a live session.
    func isValid(_ token: String?) -> Bool {
        guard let token, !token.isEmpty else { return false }
        let digest = Ledger.hash(token)
        let now = NamespaceClock.wallClockMs()
        return sessions.withLock { ($0[digest] ?? 0) > now }
    }

    /// Ends the session of `token`, if any.
    func end(_ token: String?) {
        guard let token else { return }
        let digest = Ledger.hash(token)
        sessions.withLock { _ = $0.removeValue(forKey: digest) }
    }
}
