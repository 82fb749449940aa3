import CyclesProtocol
import Foundation

/// The success predicates: which 2xx answers count as a protocol-valid success.
///
/// Decision: settlement answers (commit 200, event 201) are checked strictly, including the spec's
/// `additionalProperties: false`, because the SDK recovery profile says only a schema-valid, expected-status
/// answer may end settlement (CR-CORE-004); anything else is ambiguous and retried with the same key. Other
/// answers are checked for required fields and values but tolerate unknown keys, so an additive server change
/// (for example v0.1.26 `deny_detail`) does not turn a successful reservation into an error.
enum ResponseValidator {
    static let commitKeys: Set<String> = ["status", "charged", "released", "balances", "cycles_evidence"]
    static let eventKeys: Set<String> = ["status", "event_id", "charged", "balances", "cycles_evidence"]

    static func commit(_ body: CommitResponse, _ data: Data) throws(CyclesError) {
        try onlyKeys(commitKeys, in: data, schema: "CommitResponse")
        guard body.status == .committed else { throw invalid("CommitResponse.status is \(body.status), not COMMITTED") }
        try nonNegative(body.charged, "CommitResponse.charged")
        if let released = body.released { try nonNegative(released, "CommitResponse.released") }
    }

    static func event(_ body: EventCreateResponse, _ data: Data) throws(CyclesError) {
        try onlyKeys(eventKeys, in: data, schema: "EventCreateResponse")
        guard body.status == "APPLIED" else { throw invalid("EventCreateResponse.status is \(body.status), not APPLIED") }
        guard !body.eventID.rawValue.isEmpty else { throw invalid("EventCreateResponse.event_id is empty") }
        if let charged = body.charged { try nonNegative(charged, "EventCreateResponse.charged") }
    }

    static func release(_ body: ReleaseResponse, _ data: Data) throws(CyclesError) {
        guard body.status == .released else { throw invalid("ReleaseResponse.status is \(body.status), not RELEASED") }
        try nonNegative(body.released, "ReleaseResponse.released")
    }

    static func extend(_ body: ExtendResponse, _ data: Data) throws(CyclesError) {
        guard body.status == .active else { throw invalid("ExtendResponse.status is \(body.status), not ACTIVE") }
        guard body.expiresAtMs >= 0 else { throw invalid("ExtendResponse.expires_at_ms is negative") }
        if let remaining = body.remainingTTLMs, remaining < 0 { throw invalid("ExtendResponse.remaining_ttl_ms < 0") }
    }

    static func create(_ body: ReservationCreateResponse, dryRun: Bool) throws(CyclesError) {
        guard body.decision.isKnown else { throw invalid("unknown decision \(body.decision)") }
        if let remaining = body.remainingTTLMs, remaining < 0 { throw invalid("remaining_ttl_ms < 0") }
        if let reserved = body.reserved { try nonNegative(reserved, "reserved") }
        if body.decision.isAllowed && !dryRun {
            guard let id = body.reservationID, !id.rawValue.isEmpty else {
                throw invalid("an ALLOW reservation response has no reservation_id")
            }
            guard let expires = body.expiresAtMs, expires >= 0 else {
                throw invalid("an ALLOW reservation response has no expires_at_ms")
            }
        }
    }

    static func decision(_ body: DecisionResponse) throws(CyclesError) {
        guard body.decision.isKnown else { throw invalid("unknown decision \(body.decision)") }
    }

    private static func onlyKeys(_ allowed: Set<String>, in data: Data, schema: String) throws(CyclesError) {
        guard let object = try? CyclesJSON.decode([String: JSONValue].self, from: data) else {
            throw invalid("\(schema) is not a JSON object")
        }
        let extra = Set(object.keys).subtracting(allowed)
        guard extra.isEmpty else { throw invalid("\(schema) has keys the schema forbids: \(extra.sorted())") }
    }

    private static func nonNegative(_ amount: Amount, _ field: String) throws(CyclesError) {
        guard amount.amount >= 0 else { throw invalid("\(field) is negative") }
    }

    private static func invalid(_ message: String) -> CyclesError {
        CyclesError(kind: .invalidResponse, message: message)
    }
}
