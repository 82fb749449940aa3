public import CyclesProtocol
import GRDB
import Synchronization

import Foundation

/// Policy administration (`/v1/admin/policies…`), callable without HTTP, and the in-memory view of the policies the
/// request path evaluates (`ReserveEvaluation`).
///
/// Every operation is scoped to one tenant, `owner`: the tenant of the API key, or the one an admin names. A tenant
/// never reads or changes another tenant's policy (another tenant's policy id answers 404, as an unknown one does,
/// so its existence is not revealed), and a policy only ever governs its own tenant's requests.
extension Ledger {
    /// Filters and page position of `listPolicies`.
    public struct PolicyQuery: Sendable, Hashable, Encodable {
        /// The tenant whose policies are listed.
        public var tenantID: String
        /// Only policies with exactly this pattern.
        public var scopePattern: String?
        /// `ACTIVE` or `DISABLED`.
        public var status: String?
        /// 1–100 (default 50).
        public var limit: Int
        /// From a previous page's `next_cursor`.
        public var cursor: String?

        /// Creates a query.
        public init(tenantID: String, scopePattern: String? = nil, status: String? = nil, limit: Int = 50, cursor: String? = nil) {
            self.tenantID = tenantID
            self.scopePattern = scopePattern
            self.status = status
            self.limit = limit
            self.cursor = cursor
        }

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case scopePattern = "scope_pattern"
            case status
        }
    }

    /// `POST /v1/admin/policies` for `owner` (the API key's tenant, or the body's `tenant_id` under the admin key;
    /// the route enforces which). 400 naming the field for bad input or an unknown tenant (the spec lists no 404),
    /// 409 `TENANT_CLOSED` for a closed tenant, 409 `DUPLICATE_RESOURCE` when the tenant has a policy of that name.
    public func createPolicy(
        _ request: PolicyCreateRequest, owner: String, actor: AuditActor = .adminOnBehalfOf
    ) async throws -> Policy {
        let pattern = try Self.validate(request, owner: owner)
        let rules = PolicyRules(
            caps: request.caps, commitOveragePolicy: request.commitOveragePolicy,
            reservationTTLOverride: request.reservationTTLOverride, rateLimits: request.rateLimits)
        let from = try request.effectiveFrom.map { text throws(LedgerError) in try Self.parseInstant(text, field: "effective_from") }
        let until = try request.effectiveUntil.map { text throws(LedgerError) in try Self.parseInstant(text, field: "effective_until") }
        try Self.validateWindow(from: from, until: until)
        let rulesJSON = try Self.encodeJSON(rules) ?? "{}"
        let policyID = "pol_" + ids.hex128()
        let context = EventContext.currentOrInternal()
        let created = try await write { db -> PolicyRecord in
            guard let tenant = try Row.fetchOne(
                db, sql: "SELECT namespace, status FROM tenant WHERE tenant_id = ?", arguments: [owner])
            else { throw LedgerError.invalid("tenant_id: unknown tenant '\(owner)'") }
            if (tenant["status"] as String) == "CLOSED" {
                throw LedgerError(.tenantClosed, "Tenant \(owner) is closed; its policies are read-only", tenant: owner)
            }
            try Self.requireUniqueName(db, request.name, tenant: owner, except: nil)
            let now = self.now(namespace: tenant["namespace"])
            try db.execute(
                sql: """
                    INSERT INTO policy (policy_id, tenant_id, name, description, scope_pattern, priority, status,
                      effective_from_ms, effective_until_ms, created_at_ms, updated_at_ms, rules_json)
                    VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    policyID, owner, request.name, request.description, pattern, request.priority ?? 0, from, until,
                    now, now, rulesJSON,
                ])
            try self.recordAudit(db, AuditRecord(
                operation: "createPolicy", tenantID: owner, resourceType: "policy", resourceID: policyID, status: 201,
                actor: actor, metadata: ["name": .string(request.name), "scope_pattern": .string(pattern)]))
            try self.appendEvent(
                db, .policyCreated, tenantID: owner, actor: ProtocolEvent.Actor(actor),
                data: EventDataPolicy(policyID: policyID, name: request.name, scopePattern: pattern), context: context,
                now: now)
            return try PolicyRecord.fetch(db, id: policyID)!
        }
        try reloadPolicies()
        return created.answer
    }

    /// `GET /v1/admin/policies`: the tenant's policies in evaluation order (priority descending, then creation),
    /// keyset-paginated with `PageCursor` on (priority, creation order).
    public func listPolicies(_ query: PolicyQuery) async throws -> PolicyListResponse {
        guard (1...100).contains(query.limit) else { throw LedgerError.invalid("limit must be an integer between 1 and 100") }
        if let status = query.status, !PolicyRecord.statuses.contains(status) {
            throw LedgerError.invalid("status must be one of ACTIVE, DISABLED")
        }
        let fingerprint = try PageCursor.fingerprint(query)
        let after = try PageCursor.decode(query.cursor, fingerprint: fingerprint)
        var conditions = ["tenant_id = ?"]
        var arguments: [DatabaseValue] = [query.tenantID.databaseValue]
        if let pattern = query.scopePattern {
            conditions.append("scope_pattern = ?")
            arguments.append(pattern.lowercased().databaseValue)
        }
        if let status = query.status {
            conditions.append("status = ?")
            arguments.append(status.databaseValue)
        }
        if let after {
            guard case .integer(let priority) = after.sortValue, let sequence = Int64(after.tieBreak) else {
                throw LedgerError.invalid("cursor is malformed")
            }
            conditions.append("(priority < ? OR (priority = ? AND sequence > ?))")
            arguments += [priority.databaseValue, priority.databaseValue, sequence.databaseValue]
        }
        let sql = """
            SELECT \(PolicyRecord.columns) FROM policy WHERE \(conditions.joined(separator: " AND "))
            ORDER BY priority DESC, sequence ASC LIMIT \(query.limit + 1)
            """
        let values = arguments
        let records = try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map(PolicyRecord.init(row:))
        }
        let page = records.prefix(query.limit)
        let hasMore = records.count > query.limit
        let next = hasMore ? page.last.map {
            PageCursor(fingerprint: fingerprint, sortValue: .integer(Int64($0.priority)), tieBreak: String($0.sequence)).encoded
        } : nil
        return PolicyListResponse(policies: page.map(\.answer), nextCursor: next, hasMore: hasMore)
    }

    /// `PATCH /v1/admin/policies/{policy_id}`: `owner` is the API key's tenant (another tenant's policy is 404), or
    /// `nil` for the admin key (any tenant's policy). 409 `TENANT_CLOSED` when the owning tenant is closed, 409
    /// `DUPLICATE_RESOURCE` when renaming onto another policy's name.
    public func updatePolicy(
        _ policyID: String, _ request: PolicyUpdateRequest, owner: String?, actor: AuditActor = .adminOnBehalfOf
    ) async throws -> Policy {
        try Self.validate(request)
        let from = try request.effectiveFrom.map { text throws(LedgerError) in try Self.parseInstant(text, field: "effective_from") }
        let until = try request.effectiveUntil.map { text throws(LedgerError) in try Self.parseInstant(text, field: "effective_until") }
        let context = EventContext.currentOrInternal()
        let updated = try await write { db -> PolicyRecord in
            guard var record = try PolicyRecord.fetch(db, id: policyID), owner == nil || owner == record.tenantID else {
                throw LedgerError(.notFound, "Policy \(policyID) not found", httpStatus: 404, tenant: owner)
            }
            guard let tenant = try Row.fetchOne(
                db, sql: "SELECT namespace, status FROM tenant WHERE tenant_id = ?", arguments: [record.tenantID])
            else { throw LedgerError(.notFound, "Policy \(policyID) not found", httpStatus: 404, tenant: owner) }
            if (tenant["status"] as String) == "CLOSED" {
                throw LedgerError(
                    .tenantClosed, "Tenant \(record.tenantID) is closed; its policies are read-only", tenant: record.tenantID)
            }
            if let name = request.name {
                try Self.requireUniqueName(db, name, tenant: record.tenantID, except: policyID)
                record.name = name
            }
            if let description = request.description { record.description = description }
            if let priority = request.priority { record.priority = priority }
            if let status = request.status { record.status = status }
            if let caps = request.caps { record.rules.caps = caps }
            if let policy = request.commitOveragePolicy { record.rules.commitOveragePolicy = policy }
            if let override = request.reservationTTLOverride { record.rules.reservationTTLOverride = override }
            if let limits = request.rateLimits { record.rules.rateLimits = limits }
            if let from { record.effectiveFromMs = from }
            if let until { record.effectiveUntilMs = until }
            try Self.validateWindow(from: record.effectiveFromMs, until: record.effectiveUntilMs)
            let now = self.now(namespace: tenant["namespace"])
            try db.execute(
                sql: """
                    UPDATE policy SET name = ?, description = ?, priority = ?, status = ?, effective_from_ms = ?,
                      effective_until_ms = ?, rules_json = ?, updated_at_ms = ? WHERE policy_id = ?
                    """,
                arguments: [
                    record.name, record.description, record.priority, record.status, record.effectiveFromMs,
                    record.effectiveUntilMs, try Self.encodeJSON(record.rules) ?? "{}", now, policyID,
                ])
            try self.recordAudit(db, AuditRecord(
                operation: "updatePolicy", tenantID: record.tenantID, resourceType: "policy", resourceID: policyID,
                actor: actor, metadata: ["status": .string(record.status)]))
            try self.appendEvent(
                db, .policyUpdated, tenantID: record.tenantID, actor: ProtocolEvent.Actor(actor),
                data: EventDataPolicy(
                    policyID: policyID, name: record.name, scopePattern: record.scopePatternText,
                    changedFields: Self.policyChangedFields(request)),
                context: context, now: now)
            return try PolicyRecord.fetch(db, id: policyID)!
        }
        try reloadPolicies()
        return updated.answer
    }

    // MARK: - The request path's view

    /// Reloads the in-memory policies from the database. Called after every policy write commits and from
    /// `reloadTenants` (seeding, namespace reset or deletion). A rolled-back write never reaches it, so the memory
    /// never runs ahead of the database.
    func reloadPolicies() throws {
        let fresh = try pool.read { db in try PolicyRecord.fetchActiveByTenant(db) }
        policies.withLock { $0 = fresh }
    }

    /// The highest-priority ACTIVE policy of `tenant` effective at `now` whose pattern matches `path`.
    func governingPolicy(tenant: String, path: ScopePath, now: Int64) -> PolicyRecord? {
        policies.withLock { table in
            table[tenant]?.first { $0.isEffective(at: now) && $0.pattern.matches(path) }
        }
    }

    /// The commit rate limit of the policy governing the reservation's scope now (429 LIMIT_EXCEEDED with
    /// `Retry-After` when this minute's allowance is used up); a commit that passes counts itself.
    func requireCommitRate(_ record: ReservationRecord, now: Int64) throws(LedgerError) {
        // Most tenants have no policy: answer that from memory before parsing the stored path.
        guard policies.withLock({ $0[record.tenantID] != nil }), let path = ScopePath(parsing: record.scopePath),
            let policy = governingPolicy(tenant: record.tenantID, path: path, now: now),
            let limit = policy.rules.rateLimits?.maxCommitsPerMinute
        else { return }
        try ReserveEvaluation.requireRate(
            rateLimiter, policy: policy, operation: .commit, limit: limit, scope: record.scopePath,
            namespace: record.namespace, now: now, consume: true, tenant: record.tenantID, what: "commits")
    }

    // MARK: - Validation

    /// Checks a create body for `owner` and answers the normalized pattern (values lowercased).
    static func validate(_ request: PolicyCreateRequest, owner: String) throws(LedgerError) -> String {
        guard !request.name.isEmpty, request.name.schemaLength <= 256 else { throw .invalid("name: must be 1-256 characters") }
        let pattern = try ScopePattern(parsing: request.scopePattern)
        if let named = pattern.tenant, named != owner.lowercased() {
            throw .invalid("scope_pattern: names tenant '\(named)', but the policy belongs to tenant '\(owner)'")
        }
        try validateRules(
            description: request.description, priority: request.priority, caps: request.caps,
            overage: request.commitOveragePolicy, override: request.reservationTTLOverride, limits: request.rateLimits)
        return request.scopePattern.lowercased()
    }

    static func validate(_ request: PolicyUpdateRequest) throws(LedgerError) {
        if let name = request.name, name.isEmpty || name.schemaLength > 256 { throw .invalid("name: must be 1-256 characters") }
        if let status = request.status, !PolicyRecord.statuses.contains(status) {
            throw .invalid("status: must be one of ACTIVE, DISABLED")
        }
        try validateRules(
            description: request.description, priority: request.priority, caps: request.caps,
            overage: request.commitOveragePolicy, override: request.reservationTTLOverride, limits: request.rateLimits)
    }

    static func validateRules(
        description: String?, priority: Int?, caps: Caps?, overage: CommitOveragePolicy?,
        override: ReservationTTLOverride?, limits: RateLimits?
    ) throws(LedgerError) {
        if let description, description.schemaLength > 1024 { throw .invalid("description: must be at most 1024 characters") }
        if let priority, priority < 0 { throw .invalid("priority: must not be negative") }
        if let caps {
            for (value, field) in [(caps.maxTokens, "max_tokens"), (caps.maxStepsRemaining, "max_steps_remaining"), (caps.cooldownMs, "cooldown_ms")] {
                if let value, value < 0 { throw .invalid("caps.\(field): must not be negative") }
            }
            for (list, field) in [(caps.toolAllowlist, "tool_allowlist"), (caps.toolDenylist, "tool_denylist")] {
                if let index = list?.firstIndex(where: { $0.schemaLength > 256 }) {
                    throw .invalid("caps.\(field)[\(index)]: must be at most 256 characters")
                }
            }
        }
        if let overage, !overage.isKnown {
            throw .invalid("commit_overage_policy: must be one of REJECT, ALLOW_IF_AVAILABLE, ALLOW_WITH_OVERDRAFT")
        }
        if let override {
            for (value, field) in [(override.defaultTTLMs, "default_ttl_ms"), (override.maxTTLMs, "max_ttl_ms")] {
                if let value, !ProtocolLimits.ttlMs.contains(value) {
                    throw .invalid("reservation_ttl_override.\(field): must be between 1000 and 86400000")
                }
            }
            if let extensions = override.maxExtensions, extensions < 0 {
                throw .invalid("reservation_ttl_override.max_extensions: must not be negative")
            }
        }
        if let limits {
            for (value, field) in [(limits.maxReservationsPerMinute, "max_reservations_per_minute"), (limits.maxCommitsPerMinute, "max_commits_per_minute")] {
                if let value, value < 1 { throw .invalid("rate_limits.\(field): must be at least 1") }
            }
        }
    }

    static func validateWindow(from: Int64?, until: Int64?) throws(LedgerError) {
        if let from, let until, until <= from { throw .invalid("effective_until: must be after effective_from") }
    }

    static func requireUniqueName(_ db: Database, _ name: String, tenant: String, except policyID: String?) throws {
        let taken = try String.fetchOne(
            db, sql: "SELECT policy_id FROM policy WHERE tenant_id = ? AND name = ? AND policy_id IS NOT ?",
            arguments: [tenant, name, policyID])
        if let taken {
            throw LedgerError(
                .duplicateResource, "Tenant \(tenant) already has a policy named '\(name)' (\(taken))", httpStatus: 409,
                tenant: tenant)
        }
    }

    /// The members a policy PATCH named, by their wire names.
    static func policyChangedFields(_ request: PolicyUpdateRequest) -> [String] {
        let fields: [(String, Bool)] = [
            ("name", request.name != nil), ("description", request.description != nil),
            ("priority", request.priority != nil), ("status", request.status != nil), ("caps", request.caps != nil),
            ("commit_overage_policy", request.commitOveragePolicy != nil),
            ("reservation_ttl_override", request.reservationTTLOverride != nil),
            ("rate_limits", request.rateLimits != nil), ("effective_from", request.effectiveFrom != nil),
            ("effective_until", request.effectiveUntil != nil),
        ]
        return fields.filter(\.1).map(\.0)
    }
}
