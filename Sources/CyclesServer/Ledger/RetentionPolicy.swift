/// How long the ledger keeps each kind of record once nothing live needs it (`Ledger+Retention.swift` purges;
/// `docs/retention.md` explains every rule). All values are milliseconds on the ledger clock.
///
/// The specs name no hard retention number; what they do say is honoured here:
/// - the admin spec's `Event` and `listEvents` RETENTION notes: "Events follow the same retention policy as audit
///   logs" (recommended 90 days hot) — so the two must be equal (`validate()` refuses a configuration where they
///   differ) and both default to 90 days;
/// - the protocol spec's webhook notes: delivery records 14 days (the default), stale deliveries are given up after
///   24 h — so no record kind may be dropped sooner than that 24 h horizon;
/// - the protocol's longest lease (`ttl_ms` at most 86,400,000, i.e. 24 h) and protocol.md §16.3's shortest replay
///   window (decide and dry-run: 24 h) — so idempotency answers and finalized reservations are kept at least 24 h;
///   finalized reservations default to 30 days, as the reference server keeps its terminal reservation hashes.
public struct RetentionPolicy: Sendable, Hashable, Codable {
    /// One kind of record the purge removes.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        /// Stored idempotent answers (runtime and admin bulk actions), once their replay window has closed.
        case idempotency
        /// COMMITTED, RELEASED and EXPIRED reservations (with their commit/release/extend answers), and direct-debit
        /// charges (`POST /v1/events`).
        case reservations
        /// The protocol event stream (`GET /v1/admin/events`).
        case events
        /// Finished webhook deliveries (SUCCESS or FAILED).
        case deliveries
        /// Audit log entries.
        case audit

        /// The `cycles serve` flag that sets it.
        public var flag: String { "--retention-\(rawValue)" }
    }

    /// Idempotency answers: kept until their replay window closes and at least this long after they were stored.
    public var idempotencyMs: Int64
    /// Finalized reservations and charges: kept this long after they ended (or their lease would have, if later).
    public var reservationsMs: Int64
    /// Events: kept this long after they happened (never while a delivery of them is pending).
    public var eventsMs: Int64
    /// Finished deliveries: kept this long after their last attempt.
    public var deliveriesMs: Int64
    /// Audit entries: kept this long after the operation.
    public var auditMs: Int64

    static let hourMs: Int64 = 3_600_000
    static let dayMs: Int64 = 24 * hourMs

    /// The defaults: idempotency 24 h, reservations 30 days, events and audit 90 days, deliveries 14 days.
    public static let defaults = RetentionPolicy(
        idempotencyMs: dayMs, reservationsMs: 30 * dayMs, eventsMs: 90 * dayMs, deliveriesMs: 14 * dayMs,
        auditMs: 90 * dayMs)

    /// Creates a policy (check it with `validate()`).
    public init(idempotencyMs: Int64, reservationsMs: Int64, eventsMs: Int64, deliveriesMs: Int64, auditMs: Int64) {
        self.idempotencyMs = idempotencyMs
        self.reservationsMs = reservationsMs
        self.eventsMs = eventsMs
        self.deliveriesMs = deliveriesMs
        self.auditMs = auditMs
    }

    /// The retention of one kind.
    public subscript(kind: Kind) -> Int64 {
        get {
            switch kind {
            case .idempotency: idempotencyMs
            case .reservations: reservationsMs
            case .events: eventsMs
            case .deliveries: deliveriesMs
            case .audit: auditMs
            }
        }
        set {
            switch kind {
            case .idempotency: idempotencyMs = newValue
            case .reservations: reservationsMs = newValue
            case .events: eventsMs = newValue
            case .deliveries: deliveriesMs = newValue
            case .audit: auditMs = newValue
            }
        }
    }

    /// The shortest retention accepted for a kind: 24 h for every kind (see the type's comment for where each
    /// comes from).
    public static func minimumMs(_ kind: Kind) -> Int64 { dayMs }

    /// Throws a `RetentionPolicyError` naming the flag when a kind is below its minimum, or when events and audit
    /// differ (the spec: "Events follow the same retention policy as audit logs").
    public func validate() throws(RetentionPolicyError) {
        for kind in Kind.allCases where self[kind] < Self.minimumMs(kind) {
            throw RetentionPolicyError(
                message: "\(kind.flag) \(Self.format(self[kind])) is below the minimum of "
                    + "\(Self.format(Self.minimumMs(kind))) (docs/retention.md explains each minimum)")
        }
        if eventsMs != auditMs {
            throw RetentionPolicyError(
                message: "--retention-events \(Self.format(eventsMs)) differs from --retention-audit \(Self.format(auditMs)); "
                    + "the admin spec says events follow the same retention policy as audit logs: "
                    + "give one of the two flags (the other follows it) or the same value to both")
        }
    }

    /// Parses a duration: a whole number followed by `ms`, `s`, `m`, `h` or `d` (`30d`, `12h`, `90m`); `nil` if
    /// malformed, zero or negative, or too large for milliseconds.
    public static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", hourMs), ("d", dayMs)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            // `ms` is tried first: "5ms" also ends in "s", whose digits ("5m") are then not a number.
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                let value = Int64(digits), value > 0
            else { continue }
            let (product, overflow) = value.multipliedReportingOverflow(by: factor)
            return overflow ? nil : product
        }
        return nil
    }

    /// A duration in the largest unit that divides it (`30d`, `36h`, `1500ms`).
    public static func format(_ ms: Int64) -> String {
        for (suffix, factor) in [("d", dayMs), ("h", hourMs), ("m", Int64(60_000)), ("s", Int64(1000))]
        where ms != 0 && ms % factor == 0 {
            return "\(ms / factor)\(suffix)"
        }
        return "\(ms)ms"
    }
}

/// A retention configuration the server refuses.
public struct RetentionPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the flag.
    public var message: String
    /// The message.
    public var description: String { message }
}
