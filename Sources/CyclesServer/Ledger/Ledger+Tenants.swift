public import CyclesProtocol
import GRDB

import Foundation

/// Tenant administration (`/v1/admin/tenants…`), callable without HTTP. Tenants created here live in the `default`
/// namespace; tenant ids are unique across namespaces, so get, list and patch see every namespace's tenants.
extension Ledger {
    /// What `createTenant` did.
    public enum TenantCreation: Sendable {
        /// A new tenant (201).
        case created(Tenant)
        /// The tenant already existed with the same name: the retry answers it unchanged (200).
        case existing(Tenant)
    }

    /// Filters and page position of `listTenants`.
    public struct TenantQuery: Sendable, Hashable, Encodable {
        /// Only this status.
        public var status: String?
        /// Only children of this tenant.
        public var parentTenantID: String?
        /// Case-insensitive substring of `tenant_id` or `name` (at most 128 characters).
        public var search: String?
        /// `tenant_id`, `name`, `status` or `created_at` (default).
        public var sortBy: String
        /// `asc` or `desc` (default).
        public var sortDirection: String
        /// 1–100 (default 50).
        public var limit: Int
        /// From a previous page's `next_cursor`.
        public var cursor: String?

        /// Creates a query with the spec's defaults.
        public init(
            status: String? = nil, parentTenantID: String? = nil, search: String? = nil, sortBy: String = "created_at",
            sortDirection: String = "desc", limit: Int = 50, cursor: String? = nil
        ) {
            self.status = status
            self.parentTenantID = parentTenantID
            self.search = search
            self.sortBy = sortBy
            self.sortDirection = sortDirection
            self.limit = limit
            self.cursor = cursor
        }
    }

    static let tenantStatuses = ["ACTIVE", "SUSPENDED", "CLOSED"]
    static let expiryPolicies = ["AUTO_RELEASE", "MANUAL_CLEANUP", "GRACE_ONLY"]

    /// `POST /v1/admin/tenants`. Retrying with the same `tenant_id` and name answers the existing tenant (200); the
    /// same id with another name is 409 `DUPLICATE_RESOURCE` (the spec's "conflicts with different tenant").
    public func createTenant(_ request: TenantCreateRequest) async throws -> TenantCreation {
        try Self.validate(request)
        let context = EventContext.currentOrInternal()
        let creation = try await write { db -> TenantCreation in
            if let existing = try Self.fetchTenant(db, request.tenantID) {
                guard existing.name == request.name else {
                    throw LedgerError(
                        .duplicateResource, "tenant_id '\(request.tenantID)' already belongs to tenant '\(existing.name)'",
                        httpStatus: 409)
                }
                // A same-name retry changes nothing but is still an authenticated operation (the reference server
                // audits it with its 200).
                try self.recordAudit(db, AuditRecord(
                    operation: "createTenant", tenantID: request.tenantID, resourceType: "tenant",
                    resourceID: request.tenantID, status: 200, metadata: ["name": .string(request.name)]))
                return .existing(existing)
            }
            let now = self.now(namespace: Self.defaultNamespace)
            try self.insertTenant(db, request, namespace: Self.defaultNamespace, status: "ACTIVE", now: now)
            try self.recordAudit(db, AuditRecord(
                operation: "createTenant", tenantID: request.tenantID, resourceType: "tenant",
                resourceID: request.tenantID, status: 201, metadata: ["name": .string(request.name)]))
            try self.appendEvent(
                db, .tenantCreated, tenantID: request.tenantID, actor: .admin,
                data: EventDataTenantLifecycle(tenantID: request.tenantID, newStatus: "ACTIVE", changedFields: []),
                context: context, now: now)
            return .created(try Self.fetchTenant(db, request.tenantID)!)
        }
        try reloadTenants()
        return creation
    }

    /// The one way a tenant row is written, inside the caller's transaction: by `createTenant` and by every seed (a
    /// seed is a batch of admin operations; it may also start a tenant SUSPENDED or CLOSED).
    func insertTenant(_ db: Database, _ request: TenantCreateRequest, namespace: String, status: String, now: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO tenant (tenant_id, namespace, name, status, default_overage_policy, max_extensions,
                  default_ttl_ms, max_ttl_ms, parent_tenant_id, metadata_json, reservation_expiry_policy,
                  created_at_ms, updated_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                request.tenantID, namespace, request.name, status, request.defaultCommitOveragePolicy?.rawValue,
                request.maxReservationExtensions, request.defaultReservationTTLMs, request.maxReservationTTLMs,
                request.parentTenantID, try Self.encodeMetadata(request.metadata), request.reservationExpiryPolicy,
                now, now,
            ])
    }

    /// `GET /v1/admin/tenants/{tenant_id}`; 404 `TENANT_NOT_FOUND` for an unknown id.
    public func tenant(_ tenantID: String) async throws -> Tenant {
        guard let tenant = try await pool.read({ db in try Self.fetchTenant(db, tenantID) }) else {
            throw LedgerError(.tenantNotFound, "Tenant \(tenantID) not found", httpStatus: 404)
        }
        return tenant
    }

    /// `GET /v1/admin/tenants`: filtered, sorted, keyset-paginated on (sort key, tenant_id).
    public func listTenants(_ query: TenantQuery) async throws -> TenantListResponse {
        let sortColumns = ["tenant_id": "tenant_id", "name": "coalesce(name, tenant_id)", "status": "status",
            "created_at": "coalesce(created_at_ms, 0)"]
        guard let column = sortColumns[query.sortBy] else {
            throw LedgerError.invalid("sort_by must be one of tenant_id, name, status, created_at")
        }
        guard ["asc", "desc"].contains(query.sortDirection) else { throw LedgerError.invalid("sort_dir must be asc or desc") }
        guard (1...100).contains(query.limit) else { throw LedgerError.invalid("limit must be an integer between 1 and 100") }
        if let status = query.status, !Self.tenantStatuses.contains(status) {
            throw LedgerError.invalid("status must be one of ACTIVE, SUSPENDED, CLOSED")
        }
        if let search = query.search, search.schemaLength > 128 {
            throw LedgerError.invalid("search must be at most 128 characters")
        }
        var (conditions, arguments) = Self.tenantFilterConditions(
            status: query.status, parentTenantID: query.parentTenantID, search: query.search)
        // The shared keyset cursor, bound to the filters and sort (a cursor reused under others is a 400).
        var binding = query
        binding.limit = 0
        binding.cursor = nil
        let fingerprint = try PageCursor.fingerprint(binding)
        let descending = query.sortDirection == "desc"
        if let after = try PageCursor.decode(query.cursor, fingerprint: fingerprint) {
            let keyset = try after.keysetCondition(sortExpression: column, tieBreakExpression: "tenant_id", descending: descending)
            conditions.append(keyset.sql)
            arguments += keyset.arguments as [any DatabaseValueConvertible]
        }
        let direction = descending ? "DESC" : "ASC"
        let sql = """
            SELECT *, \(column) AS sort_value FROM tenant\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            ORDER BY sort_value \(direction), tenant_id \(direction) LIMIT \(query.limit + 1)
            """
        let values = arguments.map(\.databaseValue)
        let numeric = query.sortBy == "created_at"
        let rows = try await pool.read { db -> [(tenant: Tenant, sortValue: PageCursor.Value)] in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
                (try Self.tenant(row: row), numeric ? .integer(row["sort_value"]) : .text(row["sort_value"]))
            }
        }
        let page = rows.prefix(query.limit)
        let hasMore = rows.count > query.limit
        let nextCursor = hasMore
            ? page.last.map { PageCursor(fingerprint: fingerprint, sortValue: $0.sortValue, tieBreak: $0.tenant.tenantID).encoded }
            : nil
        return TenantListResponse(tenants: page.map(\.tenant), nextCursor: nextCursor, hasMore: hasMore)
    }

    /// The filters of `listTenants`, shared with the tenant bulk action (the spec makes their semantics identical):
    /// AND-combined; `search` is a case-insensitive substring of `tenant_id` or `name`, empty counting as absent.
    static func tenantFilterConditions(status: String?, parentTenantID: String?, search: String?)
        -> ([String], [any DatabaseValueConvertible])
    {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let status {
            conditions.append("status = ?")
            arguments.append(status)
        }
        if let parentTenantID {
            conditions.append("parent_tenant_id = ?")
            arguments.append(parentTenantID)
        }
        if let search, !search.isEmpty {
            conditions.append("(instr(lower(tenant_id), ?) > 0 OR instr(lower(coalesce(name, '')), ?) > 0)")
            arguments += [search.lowercased(), search.lowercased()]
        }
        return (conditions, arguments)
    }

    /// `PATCH /v1/admin/tenants/{tenant_id}`. Status moves ACTIVE ⇄ SUSPENDED and anything → CLOSED; CLOSED is
    /// terminal (closing again is a no-op, any other change 409 `TENANT_CLOSED`). Closing runs the spec's cascade in
    /// the same transaction as the flip (its Mode A): ACTIVE reservations are released (their holds returned), then
    /// budgets are CLOSED and ACTIVE keys REVOKED, so no request ever sees a half-closed tenant.
    public func updateTenant(_ tenantID: String, _ request: TenantUpdateRequest) async throws -> Tenant {
        try Self.validate(request)
        let context = EventContext.currentOrInternal()
        let updated = try await write { db -> Tenant in
            guard let current = try Self.fetchTenant(db, tenantID) else {
                throw LedgerError(.tenantNotFound, "Tenant \(tenantID) not found", httpStatus: 404)
            }
            guard let namespace = try String.fetchOne(
                db, sql: "SELECT namespace FROM tenant WHERE tenant_id = ?", arguments: [tenantID])
            else { throw LedgerError(.tenantNotFound, "Tenant \(tenantID) not found", httpStatus: 404) }
            let now = self.now(namespace: namespace)
            if current.status == "CLOSED" {
                let onlyReclose = request == TenantUpdateRequest(status: "CLOSED")
                if onlyReclose {
                    try self.recordAudit(db, Self.tenantUpdateAudit(tenantID, request))
                    return current
                }
                throw LedgerError(.tenantClosed, "Tenant \(tenantID) is closed; it can no longer change", tenant: tenantID)
            }
            var assignments: [String] = []
            var arguments: [any DatabaseValueConvertible & Sendable] = []
            func set(_ column: String, _ value: (any DatabaseValueConvertible & Sendable)?) {
                assignments.append("\(column) = ?")
                arguments.append(value ?? DatabaseValue.null)
            }
            if let name = request.name { set("name", name) }
            if let metadata = request.metadata { set("metadata_json", try Self.encodeMetadata(metadata)) }
            if let policy = request.defaultCommitOveragePolicy { set("default_overage_policy", policy.rawValue) }
            if let ttl = request.defaultReservationTTLMs { set("default_ttl_ms", ttl) }
            if let ttl = request.maxReservationTTLMs { set("max_ttl_ms", ttl) }
            if let extensions = request.maxReservationExtensions { set("max_extensions", extensions) }
            if let status = request.status, status != current.status {
                set("status", status)
                if status == "SUSPENDED" { set("suspended_at_ms", now) }
                if status == "CLOSED" {
                    set("closed_at_ms", now)
                    try self.closeOwnedObjects(db, tenantID: tenantID, now: now, context: context)
                }
            }
            try self.appendTenantUpdateEvent(db, current: current, request: request, context: context, now: now)
            set("updated_at_ms", now)
            arguments.append(tenantID)
            try db.execute(
                sql: "UPDATE tenant SET \(assignments.joined(separator: ", ")) WHERE tenant_id = ?",
                arguments: StatementArguments(arguments))
            try self.recordAudit(db, Self.tenantUpdateAudit(tenantID, request))
            return try Self.fetchTenant(db, tenantID)!
        }
        try reloadTenants()
        return updated
    }

    /// The `updateTenant` audit entry: which fields the patch named and, for a status change, the new status (the
    /// originating entry of a close cascade, which shares its request id).
    static func tenantUpdateAudit(_ tenantID: String, _ request: TenantUpdateRequest) -> AuditRecord {
        var metadata: [String: JSONValue] = [:]
        let fields: [(String, Bool)] = [
            ("name", request.name != nil), ("status", request.status != nil), ("metadata", request.metadata != nil),
            ("default_commit_overage_policy", request.defaultCommitOveragePolicy != nil),
            ("default_reservation_ttl_ms", request.defaultReservationTTLMs != nil),
            ("max_reservation_ttl_ms", request.maxReservationTTLMs != nil),
            ("max_reservation_extensions", request.maxReservationExtensions != nil),
        ]
        metadata["changed_fields"] = .array(fields.filter(\.1).map { .string($0.0) })
        if let status = request.status { metadata["new_status"] = .string(status) }
        return AuditRecord(
            operation: "updateTenant", tenantID: tenantID, resourceType: "tenant", resourceID: tenantID,
            metadata: metadata)
    }

    /// The close cascade inside the closing transaction, in the spec's Mode A order: ACTIVE reservations → RELEASED
    /// (holds returned), budgets → CLOSED, ACTIVE keys → REVOKED; the caller flips the tenant last. The ledger
    /// identity holds throughout (a release moves `reserved` back to `remaining`). One audit entry per mutated object,
    /// with the spec's reserved `…_via_tenant_cascade` kinds, sharing the request id of the `updateTenant` entry the
    /// caller writes.
    ///
    /// Each mutated object also gets the spec's cascade Event (`EventDataTenantCascade`, `cascade_reason`
    /// `tenant_closed`), all under the closing request's correlation id: one `reservation.released_via_tenant_cascade`
    /// per budget that held reservations (the drained amount), one `budget.closed_via_tenant_cascade` per budget, one
    /// `api_key.revoked_via_tenant_cascade` per key, one `webhook.disabled_via_tenant_cascade` per subscription.
    func closeOwnedObjects(_ db: Database, tenantID: String, now: Int64, context: EventContext) throws {
        func audit(_ operation: String, _ resourceType: String, _ resourceID: String, _ metadata: [String: JSONValue] = [:])
            throws
        {
            var details = metadata
            details["reason"] = "tenant_closed"
            try recordAudit(db, AuditRecord(
                operation: operation, tenantID: tenantID, resourceType: resourceType, resourceID: resourceID,
                metadata: details))
        }
        func cascadeEvent(_ type: EventType, scope: String? = nil, _ data: EventDataTenantCascade) throws {
            try appendEvent(db, type, tenantID: tenantID, scope: scope, actor: .admin, data: data, context: context, now: now)
        }
        // The budgets as they stood before the cascade touched them: status and outstanding holds.
        let budgetsBefore = try Row.fetchAll(
            db, sql: "SELECT scope_path, unit, reserved, status FROM budget WHERE tenant_id = ? ORDER BY scope_path, unit",
            arguments: [tenantID])
        let open = try Row.fetchAll(
            db, sql: "SELECT * FROM reservation WHERE tenant_id = ? AND status = 'ACTIVE'", arguments: [tenantID]
        ).map(ReservationRecord.init(row:))
        for var record in open {
            try returnHold(db, record)
            record.status = .released
            record.finalizedAtMs = now
            try record.saveTransition(db, from: .active, atMs: now)
            try audit("reservation.released_via_tenant_cascade", "reservation", record.reservationID.rawValue)
        }
        for row in budgetsBefore {
            let scope: String = row["scope_path"]
            let unit = BudgetUnit(rawValue: row["unit"])
            let reserved: Int64 = row["reserved"]
            let status: String = row["status"]
            let ledgerID = Self.ledgerID(tenantID: tenantID, scope: scope, unit: unit)
            if reserved > 0 {
                try cascadeEvent(
                    .reservationReleasedViaTenantCascade, scope: scope,
                    EventDataTenantCascade(
                        ledgerID: ledgerID, scope: scope, unit: unit, priorStatus: status, releasedAmount: reserved,
                        cascadeReason: "tenant_closed"))
            }
            guard status != "CLOSED" else { continue }
            // Budgets are named by their ledger id in every audit entry (as the budget operations name them).
            try audit(
                "budget.closed_via_tenant_cascade", "budget", ledgerID,
                ["scope": .string(scope), "unit": .string(unit.rawValue)])
            try cascadeEvent(
                .budgetClosedViaTenantCascade, scope: scope,
                EventDataTenantCascade(
                    ledgerID: ledgerID, scope: scope, unit: unit, priorStatus: status, newStatus: "CLOSED",
                    cascadeReason: "tenant_closed"))
        }
        try db.execute(sql: "UPDATE budget SET status = 'CLOSED' WHERE tenant_id = ?", arguments: [tenantID])
        try disableWebhooksOfClosingTenant(
            db, tenantID: tenantID, now: now, context: context,
            audit: { try audit("webhook.disabled_via_tenant_cascade", "webhook", $0) })
        for key in try Row.fetchAll(
            db, sql: "SELECT key_id, name FROM api_key WHERE tenant_id = ? AND status = 'ACTIVE'", arguments: [tenantID])
        {
            let keyID: String = key["key_id"]
            try audit("api_key.revoked_via_tenant_cascade", "api_key", keyID)
            try cascadeEvent(
                .apiKeyRevokedViaTenantCascade,
                EventDataTenantCascade(
                    keyID: keyID, name: key["name"], priorStatus: "ACTIVE", newStatus: "REVOKED",
                    cascadeReason: "tenant_closed"))
        }
        try db.execute(
            sql: """
                UPDATE api_key SET status = 'REVOKED', revoked_at_ms = ?, revoked_reason = 'tenant closed'
                WHERE tenant_id = ? AND status = 'ACTIVE'
                """, arguments: [now, tenantID])
    }

    /// The one event a tenant PATCH emits (none for a no-op): a status change is `tenant.suspended`,
    /// `tenant.reactivated` or `tenant.closed`; otherwise a change of a default (overage policy, TTLs, extensions) is
    /// `tenant.settings_changed` and a change of name or metadata only is `tenant.updated`. `changed_fields` lists
    /// every other field whose value changed. (The spec lists both types without saying which wins when one PATCH
    /// changes both kinds; the settings one is the more specific.)
    func appendTenantUpdateEvent(
        _ db: Database, current: Tenant, request: TenantUpdateRequest, context: EventContext, now: Int64
    ) throws {
        var changed: [String] = []
        if let name = request.name, name != current.name { changed.append("name") }
        if let metadata = request.metadata, metadata != (current.metadata ?? [:]) { changed.append("metadata") }
        var settings: [String] = []
        if let policy = request.defaultCommitOveragePolicy, policy != current.defaultCommitOveragePolicy {
            settings.append("default_commit_overage_policy")
        }
        if let ttl = request.defaultReservationTTLMs, ttl != current.defaultReservationTTLMs {
            settings.append("default_reservation_ttl_ms")
        }
        if let ttl = request.maxReservationTTLMs, ttl != current.maxReservationTTLMs {
            settings.append("max_reservation_ttl_ms")
        }
        if let extensions = request.maxReservationExtensions, extensions != current.maxReservationExtensions {
            settings.append("max_reservation_extensions")
        }
        let newStatus = request.status ?? current.status
        let type: EventType
        switch newStatus {
        case current.status where !settings.isEmpty: type = .tenantSettingsChanged
        case current.status where !changed.isEmpty: type = .tenantUpdated
        case current.status: return
        case "SUSPENDED": type = .tenantSuspended
        case "CLOSED": type = .tenantClosed
        default: type = .tenantReactivated
        }
        try appendEvent(
            db, type, tenantID: current.tenantID, actor: .admin,
            data: EventDataTenantLifecycle(
                tenantID: current.tenantID, previousStatus: current.status, newStatus: newStatus,
                changedFields: changed + settings),
            context: context, now: now)
    }

    // MARK: - Validation

    static func validate(_ request: TenantCreateRequest) throws(LedgerError) {
        let id = request.tenantID
        guard (3...64).contains(id.count),
            id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else {
            throw .invalid("tenant_id: must match ^[a-z0-9-]+$ and be 3-64 characters")
        }
        try validateName(request.name)
        try validateSettings(
            metadata: request.metadata, policy: request.defaultCommitOveragePolicy,
            defaultTTL: request.defaultReservationTTLMs, maxTTL: request.maxReservationTTLMs,
            extensions: request.maxReservationExtensions)
        if let policy = request.reservationExpiryPolicy, !expiryPolicies.contains(policy) {
            throw .invalid("reservation_expiry_policy: must be one of \(expiryPolicies.joined(separator: ", "))")
        }
    }

    static func validate(_ request: TenantUpdateRequest) throws(LedgerError) {
        if let name = request.name { try validateName(name) }
        if let status = request.status, !tenantStatuses.contains(status) {
            throw .invalid("status: must be one of ACTIVE, SUSPENDED, CLOSED")
        }
        try validateSettings(
            metadata: request.metadata, policy: request.defaultCommitOveragePolicy,
            defaultTTL: request.defaultReservationTTLMs, maxTTL: request.maxReservationTTLMs,
            extensions: request.maxReservationExtensions)
    }

    static func validateName(_ name: String) throws(LedgerError) {
        guard !name.isEmpty, name.schemaLength <= 256 else { throw .invalid("name: must be 1-256 characters") }
    }

    static func validateSettings(
        metadata: [String: String]?, policy: CommitOveragePolicy?, defaultTTL: Int64?, maxTTL: Int64?, extensions: Int?
    ) throws(LedgerError) {
        if let metadata, metadata.count > 32 { throw .invalid("metadata: at most 32 entries") }
        if let policy, !policy.isKnown {
            throw .invalid("default_commit_overage_policy: must be one of REJECT, ALLOW_IF_AVAILABLE, ALLOW_WITH_OVERDRAFT")
        }
        if let defaultTTL, !ProtocolLimits.ttlMs.contains(defaultTTL) {
            throw .invalid("default_reservation_ttl_ms: must be between 1000 and 86400000")
        }
        if let maxTTL, !ProtocolLimits.ttlMs.contains(maxTTL) {
            throw .invalid("max_reservation_ttl_ms: must be between 1000 and 86400000")
        }
        if let extensions, extensions < 0 { throw .invalid("max_reservation_extensions: must not be negative") }
    }

    // MARK: - Rows

    static func fetchTenant(_ db: Database, _ tenantID: String) throws -> Tenant? {
        try Row.fetchOne(db, sql: "SELECT * FROM tenant WHERE tenant_id = ?", arguments: [tenantID]).map(tenant(row:))
    }

    static func tenant(row: Row) throws -> Tenant {
        let tenantID: String = row["tenant_id"]
        return Tenant(
            tenantID: tenantID,
            // Seeded tenants may have no name; the schema requires one, so the id stands in.
            name: row["name"] ?? tenantID, status: row["status"], parentTenantID: row["parent_tenant_id"],
            defaultCommitOveragePolicy: (row["default_overage_policy"] as String?).map(CommitOveragePolicy.init(rawValue:)),
            defaultReservationTTLMs: row["default_ttl_ms"], maxReservationTTLMs: row["max_ttl_ms"],
            maxReservationExtensions: row["max_extensions"], reservationExpiryPolicy: row["reservation_expiry_policy"],
            metadata: (row["metadata_json"] as String?).flatMap {
                try? CyclesJSON.decode([String: String].self, from: Data($0.utf8))
            },
            createdAt: RFC3339.string(row["created_at_ms"] ?? 0), updatedAt: (row["updated_at_ms"] as Int64?).map(RFC3339.string),
            suspendedAt: (row["suspended_at_ms"] as Int64?).map(RFC3339.string),
            closedAt: (row["closed_at_ms"] as Int64?).map(RFC3339.string))
    }

    static func encodeMetadata(_ metadata: [String: String]?) throws -> String? {
        guard let metadata else { return nil }
        return String(decoding: try CyclesJSON.encode(metadata), as: UTF8.self)
    }
}
