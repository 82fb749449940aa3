#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Conformances of the scalar, identifier, enumeration and small value types to `CanonicalJSONWritable`, so the
// request and response types on the server's hot path can write themselves without `JSONEncoder`. Fields are written
// in byte-wise key order, as `.sortedKeys` orders them; `CanonicalJSONWriterTests` compares every type with
// `JSONEncoder`'s output.

extension String: CanonicalJSONWritable {
    /// Writes the string with JSON escapes.
    public func writeJSON(to writer: inout CanonicalJSONWriter) { writer.write(self) }
}

extension Int64: CanonicalJSONWritable {
    /// Writes the integer.
    public func writeJSON(to writer: inout CanonicalJSONWriter) { writer.write(self) }
}

extension Bool: CanonicalJSONWritable {
    /// Writes `true` or `false`.
    public func writeJSON(to writer: inout CanonicalJSONWriter) { writer.write(self) }
}

extension Array: CanonicalJSONWritable where Element: CanonicalJSONWritable {
    /// Writes the elements as a JSON array.
    public func writeJSON(to writer: inout CanonicalJSONWriter) { writer.writeArray(self) }
}

extension Dictionary: CanonicalJSONWritable where Key == String, Value: CanonicalJSONWritable {
    /// Writes the dictionary as an object with sorted keys.
    public func writeJSON(to writer: inout CanonicalJSONWriter) { writer.writeDictionary(self) }
}

extension CanonicalJSONWritable where Self: RawRepresentable, RawValue == String {
    /// Writes the raw value as a string (open enumerations and typed identifiers).
    public func writeJSON(to writer: inout CanonicalJSONWriter) { writer.write(rawValue) }
}

extension BudgetUnit: CanonicalJSONWritable {}
extension CommitOveragePolicy: CanonicalJSONWritable {}
extension Decision: CanonicalJSONWritable {}
extension DecisionReasonCode: CanonicalJSONWritable {}
extension ReservationStatus: CanonicalJSONWritable {}
extension ErrorCode: CanonicalJSONWritable {}
extension ReservationID: CanonicalJSONWritable {}
extension IdempotencyKey: CanonicalJSONWritable {}
extension EventID: CanonicalJSONWritable {}

extension JSONValue: CanonicalJSONWritable {
    /// Writes the value; a `.double` is written by `JSONEncoder`, whose number formatting this writer does not
    /// reproduce (doubles only occur in free-form metadata, never on the hot path's fixed fields).
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        switch self {
        case .null: writer.writeNull()
        case .bool(let value): writer.write(value)
        case .integer(let value): writer.write(value)
        case .double(let value):
            if let encoded = try? CyclesJSON.makeEncoder().encode(value) { writer.writeRaw(encoded) } else {
                // JSONEncoder refuses NaN and infinity; so does JSON. Never produced by the parsers.
                writer.writeNull()
            }
        case .string(let value): writer.write(value)
        case .array(let values): writer.writeArray(values)
        case .object(let members): writer.writeDictionary(members)
        }
    }
}

extension Amount: CanonicalJSONWritable {
    /// Writes `{"amount":…,"unit":…}`.
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { object in
            object.field("amount", amount)
            object.field("unit", unit)
        }
    }
}

extension Balance: CanonicalJSONWritable {
    /// Writes the balance's present fields.
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { object in
            object.field("allocated", allocated)
            object.field("debt", debt)
            object.field("is_over_limit", isOverLimit)
            object.field("overdraft_limit", overdraftLimit)
            object.field("remaining", remaining)
            object.field("reserved", reserved)
            object.field("scope", scope)
            object.field("scope_path", scopePath)
            object.field("spent", spent)
        }
    }
}

extension Caps: CanonicalJSONWritable {
    /// Writes the caps' present fields.
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { object in
            object.field("cooldown_ms", cooldownMs)
            object.field("max_steps_remaining", maxStepsRemaining)
            object.field("max_tokens", maxTokens)
            object.field("tool_allowlist", toolAllowlist)
            object.field("tool_denylist", toolDenylist)
        }
    }
}

extension EvidenceReference: CanonicalJSONWritable {
    /// Writes the evidence reference.
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { object in
            object.field("cycles_evidence_url", cyclesEvidenceURL)
            object.field("evidence_id", evidenceID)
        }
    }
}

extension Subject: CanonicalJSONWritable {
    /// Writes the subject's present levels and dimensions.
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { object in
            object.field("agent", agent)
            object.field("app", app)
            object.field("dimensions", dimensions)
            object.field("tenant", tenant)
            object.field("toolset", toolset)
            object.field("workflow", workflow)
            object.field("workspace", workspace)
        }
    }
}

extension Action: CanonicalJSONWritable {
    /// Writes the action.
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { object in
            object.field("kind", kind)
            object.field("name", name)
            object.field("tags", tags)
        }
    }
}

extension ReservationCreateRequest: CanonicalJSONWritable {
    /// Writes the request (also the server's idempotency payload-hash input).
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { object in
            object.field("action", action)
            object.field("dry_run", dryRun)
            object.field("estimate", estimate)
            object.field("grace_period_ms", gracePeriodMs)
            object.field("idempotency_key", idempotencyKey)
            object.field("metadata", metadata)
            object.field("overage_policy", overagePolicy)
            object.field("subject", subject)
            object.field("ttl_ms", ttlMs)
        }
    }
}

extension ReservationCreateResponse: CanonicalJSONWritable {
    /// Writes the response.
    public func writeJSON(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { object in
            object.field("affected_scopes", affectedScopes)
            object.field("balances", balances)
            object.field("caps", caps)
            object.field("cycles_evidence", cyclesEvidence)
            object.field("decision", decision)
            object.field("expires_at_ms", expiresAtMs)
            object.field("reason_code", reasonCode)
            object.field("remaining_ttl_ms", remainingTTLMs)
            object.field("reservation_id", reservationID)
            object.field("reserved", reserved)
            object.field("retry_after_ms", retryAfterMs)
            object.field("scope_path", scopePath)
        }
    }
}
