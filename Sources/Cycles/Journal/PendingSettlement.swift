public import CyclesProtocol
public import Foundation

/// One unresolved settlement as the journal stores it: the record format (version 1) the Python, TypeScript and
/// Rust SDKs share.
///
/// ```json
/// {"version": 1, "reservation_id": "…", "base_url": "…", "mode": "commit" | "event",
///  "commit_body": {…} | null, "event_fallback_body": {…} | null, "recorded_at_ms": 0, "not_before_ms": 0 | null}
/// ```
/// The bodies are the exact wire bodies, so a replay sends the original idempotency key.
public struct PendingSettlement: Sendable, Hashable {
    /// Which request settles the record next.
    public enum Mode: String, Sendable, Hashable {
        /// `POST /v1/reservations/{id}/commit` with ``PendingSettlement/commitBody``.
        case commit
        /// `POST /v1/events` with ``PendingSettlement/eventFallbackBody`` (the reservation expired).
        case event
    }

    /// The record version this client reads and writes.
    public static let recordVersion: Int64 = 1

    /// The reservation being settled (exact, any UTF-8).
    public var reservationID: String
    /// The server the record belongs to, as configured; only a client for the same base URL replays it.
    public var baseURL: String
    /// The next request to send.
    public var mode: Mode
    /// The commit's wire body (carries the idempotency key).
    public var commitBody: [String: JSONValue]?
    /// The event that settles the spend if the reservation expired (same idempotency key).
    public var eventFallbackBody: [String: JSONValue]?
    /// When the record was first written (epoch ms).
    public var recordedAtMs: Int64
    /// The earliest wall-clock time (epoch ms) the next attempt may be sent: a 429's `Retry-After`, persisted
    /// as an absolute time so a restart cannot retry early.
    public var notBeforeMs: Int64?

    /// Creates a record.
    public init(
        reservationID: String, baseURL: String, mode: Mode = .commit, commitBody: [String: JSONValue]?,
        eventFallbackBody: [String: JSONValue]?, recordedAtMs: Int64 = PendingSettlement.nowMs(),
        notBeforeMs: Int64? = nil
    ) {
        self.reservationID = reservationID
        self.baseURL = baseURL
        self.mode = mode
        self.commitBody = commitBody
        self.eventFallbackBody = eventFallbackBody
        self.recordedAtMs = recordedAtMs
        self.notBeforeMs = notBeforeMs
    }

    /// The wall clock in epoch milliseconds.
    public static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The record's JSON.
    public func encoded() throws -> Data {
        let object: [String: JSONValue] = [
            "version": .integer(Self.recordVersion),
            "reservation_id": .string(reservationID),
            "base_url": .string(baseURL),
            "mode": .string(mode.rawValue),
            "commit_body": commitBody.map(JSONValue.object) ?? .null,
            "event_fallback_body": eventFallbackBody.map(JSONValue.object) ?? .null,
            "recorded_at_ms": .integer(recordedAtMs),
            "not_before_ms": notBeforeMs.map(JSONValue.integer) ?? .null,
        ]
        return try CyclesJSON.encode(JSONValue.object(object))
    }

    /// Why a file is not a usable record.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public let reason: String
        /// The reason.
        public var description: String { reason }
    }

    /// Reads a record, with the same acceptance rules as the other SDKs: an unsupported `version`, an unknown
    /// `mode`, a missing body for the mode, or a badly typed field make the record malformed (to be quarantined).
    public init(decoding data: Data) throws(Malformed) {
        guard let value = try? CyclesJSON.decode(JSONValue.self, from: data) else {
            throw Malformed(reason: "not JSON")
        }
        guard case .object(let fields) = value else { throw Malformed(reason: "journal record must be a JSON object") }
        guard case .integer(let version)? = fields["version"], version == Self.recordVersion else {
            throw Malformed(reason: "unsupported journal version: \(fields["version"].map { "\($0)" } ?? "missing")")
        }
        guard case .string(let id)? = fields["reservation_id"], !id.isEmpty else {
            throw Malformed(reason: "journal record missing reservation_id")
        }
        let mode: Mode
        switch fields["mode"] {
        case nil: mode = .commit
        case .string(let raw)?:
            guard let parsed = Mode(rawValue: raw) else { throw Malformed(reason: "journal record has unknown mode: \(raw)") }
            mode = parsed
        default: throw Malformed(reason: "journal record has an invalid mode")
        }
        func body(_ key: String) throws(Malformed) -> [String: JSONValue]? {
            switch fields[key] {
            case nil, .null?: return nil
            case .object(let object)?: return object
            default: throw Malformed(reason: "journal record has invalid \(key)")
            }
        }
        let commitBody = try body("commit_body")
        let eventBody = try body("event_fallback_body")
        if mode == .commit && commitBody == nil { throw Malformed(reason: "commit-mode journal record missing commit_body") }
        if mode == .event && eventBody == nil {
            throw Malformed(reason: "event-mode journal record missing event_fallback_body")
        }
        var baseURL = ""
        switch fields["base_url"] {
        case nil: break
        case .string(let url)?: baseURL = url
        default: throw Malformed(reason: "journal record has invalid base_url")
        }
        var recordedAt: Int64 = 0
        switch fields["recorded_at_ms"] {
        case nil: break
        case .integer(let ms)? where ms >= 0: recordedAt = ms
        default: throw Malformed(reason: "journal record has invalid recorded_at_ms")
        }
        var notBefore: Int64?
        switch fields["not_before_ms"] {
        case nil, .null?: break
        case .integer(let ms)? where ms >= 0: notBefore = ms
        default: throw Malformed(reason: "journal record has invalid not_before_ms")
        }
        self.init(
            reservationID: id, baseURL: baseURL, mode: mode, commitBody: commitBody, eventFallbackBody: eventBody,
            recordedAtMs: recordedAt, notBeforeMs: notBefore)
    }
}
