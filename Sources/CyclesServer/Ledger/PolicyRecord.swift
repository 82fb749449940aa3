import CyclesProtocol
import GRDB

import Foundation

/// What a policy does when it governs a request, stored as one JSON document (`policy.rules_json`).
///
/// Why one document: v0.1.26's `PolicyExtension` adds `action_quotas`, `risk_class_quotas`, `allowed_action_kinds`
/// and `denied_action_kinds`; they become optional members here (and in the wire types) and need no migration.
/// The columns beside it are what lists filter and evaluation orders by.
struct PolicyRules: Codable, Hashable, Sendable {
    /// Caps answered with `ALLOW_WITH_CAPS`.
    var caps: Caps?
    /// Overage policy for reservations that send none.
    var commitOveragePolicy: CommitOveragePolicy?
    /// TTL governance.
    var reservationTTLOverride: ReservationTTLOverride?
    /// Rate limits.
    var rateLimits: RateLimits?

    enum CodingKeys: String, CodingKey {
        case caps
        case commitOveragePolicy = "commit_overage_policy"
        case reservationTTLOverride = "reservation_ttl_override"
        case rateLimits = "rate_limits"
    }
}

/// A policy row, parsed for evaluation: the request path holds these in memory (see `Ledger.policies`).
struct PolicyRecord: Sendable {
    var policyID: String
    var tenantID: String
    /// Creation order (the row id): breaks priority ties, oldest first.
    var sequence: Int64
    var name: String?
    var description: String?
    var scopePatternText: String
    var pattern: ScopePattern
    var priority: Int
    /// `ACTIVE` or `DISABLED`.
    var status: String
    var effectiveFromMs: Int64?
    var effectiveUntilMs: Int64?
    var createdAtMs: Int64
    var updatedAtMs: Int64?
    var rules: PolicyRules

    static let statuses = ["ACTIVE", "DISABLED"]

    /// Whether it applies at `now` (namespace clock): ACTIVE and inside `[effective_from, effective_until)`.
    func isEffective(at now: Int64) -> Bool {
        guard status == "ACTIVE" else { return false }
        if let from = effectiveFromMs, now < from { return false }
        if let until = effectiveUntilMs, now >= until { return false }
        return true
    }

    /// The admin plane's answer.
    var answer: Policy {
        Policy(
            policyID: policyID, name: name, description: description, scopePattern: scopePatternText,
            priority: priority, caps: rules.caps, commitOveragePolicy: rules.commitOveragePolicy,
            reservationTTLOverride: rules.reservationTTLOverride, rateLimits: rules.rateLimits, status: status,
            effectiveFrom: effectiveFromMs.map(RFC3339.string), effectiveUntil: effectiveUntilMs.map(RFC3339.string),
            createdAt: RFC3339.string(createdAtMs), updatedAt: updatedAtMs.map(RFC3339.string))
    }

    /// Evaluation order: priority descending, then creation.
    static func evaluationOrder(_ lhs: PolicyRecord, _ rhs: PolicyRecord) -> Bool {
        lhs.priority != rhs.priority ? lhs.priority > rhs.priority : lhs.sequence < rhs.sequence
    }

    static let columns = """
        sequence, policy_id, tenant_id, name, description, scope_pattern, priority, status,
        effective_from_ms, effective_until_ms, created_at_ms, updated_at_ms, rules_json
        """

    init(row: Row) throws {
        policyID = row["policy_id"]
        tenantID = row["tenant_id"]
        sequence = row["sequence"]
        name = row["name"]
        description = row["description"]
        scopePatternText = row["scope_pattern"]
        pattern = try ScopePattern(parsing: scopePatternText)
        priority = row["priority"]
        status = row["status"]
        effectiveFromMs = row["effective_from_ms"]
        effectiveUntilMs = row["effective_until_ms"]
        createdAtMs = row["created_at_ms"]
        updatedAtMs = row["updated_at_ms"]
        rules = try CyclesJSON.decode(PolicyRules.self, from: Data((row["rules_json"] as String).utf8))
    }

    /// One policy by id.
    static func fetch(_ db: Database, id: String) throws -> PolicyRecord? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM policy WHERE policy_id = ?", arguments: [id]).map(PolicyRecord.init(row:))
    }

    /// Every ACTIVE policy, grouped by tenant in evaluation order (what the request path consults).
    static func fetchActiveByTenant(_ db: Database) throws -> [String: [PolicyRecord]] {
        let records = try Row.fetchAll(db, sql: "SELECT \(columns) FROM policy WHERE status = 'ACTIVE'")
            .map(PolicyRecord.init(row:))
        return Dictionary(grouping: records, by: \.tenantID).mapValues { $0.sorted(by: evaluationOrder) }
    }
}
