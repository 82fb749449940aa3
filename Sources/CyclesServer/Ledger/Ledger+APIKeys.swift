public import CyclesProtocol
import GRDB

import Foundation

/// API-key administration (`/v1/admin/api-keys…`), callable without HTTP. A secret is generated here, returned
/// once by `createAPIKey`, and stored only as its SHA-256 digest; nothing here logs it.
extension Ledger {
    /// Filters and page position of `listAPIKeys` (newest first, keyset on creation time and key id).
    public struct APIKeyQuery: Sendable, Hashable, Encodable {
        /// Only this tenant's keys.
        public var tenantID: String?
        /// `ACTIVE`, `REVOKED` or `EXPIRED`.
        public var status: String?
        /// Case-insensitive substring of `key_id` or `name` (at most 128 characters).
        public var search: String?
        /// 1–100 (default 50).
        public var limit: Int
        /// From a previous page's `next_cursor`.
        public var cursor: String?

        /// Creates a query.
        public init(
            tenantID: String? = nil, status: String? = nil, search: String? = nil, limit: Int = 50, cursor: String? = nil
        ) {
            self.tenantID = tenantID
            self.status = status
            self.search = search
            self.limit = limit
            self.cursor = cursor
        }
    }

    /// `POST /v1/admin/api-keys`: a new `cyc_live_` key for an existing, not CLOSED tenant (400 naming `tenant_id`
    /// for an unknown one, as the spec lists no 404; 409 `TENANT_CLOSED` for a closed one).
    public func createAPIKey(_ request: APIKeyCreateRequest) async throws -> APIKeyCreateResponse {
        try Self.validateKeyText(name: request.name, description: request.description)
        try Self.validate(permissions: request.permissions)
        let expiresAtMs = try request.expiresAt.map { text throws(LedgerError) in try Self.parseInstant(text, field: "expires_at") }
        let secret = "cyc_live_" + RandomIdentifier.secretHex(byteCount: 16)
        let digest = Self.hash(secret)
        let keyID = Self.keyID(digest: digest)
        let permissions = request.permissions ?? Permission.tenantDefaults
        let context = EventContext.currentOrInternal()
        let created = try await write { db -> Int64 in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT namespace, status FROM tenant WHERE tenant_id = ?", arguments: [request.tenantID])
            else { throw LedgerError.invalid("tenant_id: unknown tenant '\(request.tenantID)'") }
            if (row["status"] as String) == "CLOSED" {
                throw LedgerError(.tenantClosed, "Tenant \(request.tenantID) is closed; no keys can be created", tenant: request.tenantID)
            }
            let now = self.now(namespace: row["namespace"])
            if let expiresAtMs, expiresAtMs <= now { throw LedgerError.invalid("expires_at: must be in the future") }
            try self.insertAPIKey(
                db, secret: secret, tenantID: request.tenantID, name: request.name, description: request.description,
                permissions: permissions, scopeFilter: request.scopeFilter, metadata: request.metadata, status: "ACTIVE",
                expiresAtMs: expiresAtMs, now: now)
            try self.recordAudit(db, AuditRecord(
                operation: "createApiKey", tenantID: request.tenantID, resourceType: "api_key", resourceID: keyID,
                status: 201,
                metadata: ["name": .string(request.name), "permissions": .array(permissions.map { .string($0.rawValue) })]))
            try self.appendEvent(
                db, .apiKeyCreated, tenantID: request.tenantID, actor: .admin,
                data: EventDataApiKey(keyID: keyID, keyName: request.name, newStatus: "ACTIVE", permissions: permissions),
                context: context, now: now)
            return now
        }
        try reloadTenants()
        return APIKeyCreateResponse(
            keyID: keyID, keySecret: secret, keyPrefix: Self.keyPrefix(of: secret), tenantID: request.tenantID,
            permissions: permissions, createdAt: RFC3339.string(created),
            expiresAt: expiresAtMs.map(RFC3339.string) ?? APIKey.never)
    }

    /// The one way an API key row is written, inside the caller's transaction: by `createAPIKey` (a generated
    /// secret) and by every seed (a secret the seed names; re-seeding the same secret replaces its row, keeping its
    /// id, which derives from the digest). Only the SHA-256 digest and a display prefix of the secret are stored.
    func insertAPIKey(
        _ db: Database, secret: String, tenantID: String, name: String?, description: String? = nil,
        permissions: [Permission]?, scopeFilter: [String]? = nil, metadata: [String: JSONValue]? = nil, status: String,
        expiresAtMs: Int64?, now: Int64, replacing: Bool = false
    ) throws {
        let digest = Self.hash(secret)
        try db.execute(
            sql: """
                INSERT \(replacing ? "OR REPLACE " : "")INTO api_key (key_hash, tenant_id, name, status, key_id,
                  key_prefix, description, permissions, scope_filter, created_at_ms, expires_at_ms, metadata_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                digest, tenantID, name, status, Self.keyID(digest: digest), Self.keyPrefix(of: secret), description,
                Self.encodeList(permissions?.map(\.rawValue)), Self.encodeList(scopeFilter), now, expiresAtMs,
                try Self.encodeJSON(metadata),
            ])
    }

    /// `GET /v1/admin/api-keys`: every key's metadata, never a secret.
    public func listAPIKeys(_ query: APIKeyQuery) async throws -> APIKeyListResponse {
        guard (1...100).contains(query.limit) else { throw LedgerError.invalid("limit must be an integer between 1 and 100") }
        if let status = query.status, !["ACTIVE", "REVOKED", "EXPIRED"].contains(status) {
            throw LedgerError.invalid("status must be one of ACTIVE, REVOKED, EXPIRED")
        }
        if let search = query.search, search.schemaLength > 128 { throw LedgerError.invalid("search must be at most 128 characters") }
        var binding = query
        binding.limit = 0
        binding.cursor = nil
        let fingerprint = try PageCursor.fingerprint(binding)
        let after = try PageCursor.decode(query.cursor, fingerprint: fingerprint)
        let limit = query.limit
        let page = try await pool.read { db -> [(key: APIKey, createdAtMs: Int64)] in
            var conditions: [String] = []
            var arguments: [DatabaseValue] = []
            if let tenantID = query.tenantID {
                conditions.append("k.tenant_id = ?")
                arguments.append(tenantID.databaseValue)
            }
            if let search = query.search, !search.isEmpty {
                conditions.append("(instr(lower(k.key_id), ?) > 0 OR instr(lower(coalesce(k.name, '')), ?) > 0)")
                arguments += [search.lowercased().databaseValue, search.lowercased().databaseValue]
            }
            if let status = query.status {
                // The filter applies to the answered status: an ACTIVE key past its expiry is EXPIRED, measured on its
                // tenant's namespace clock, so each namespace's "now" is bound into the expression.
                let namespaces = try String.fetchAll(db, sql: "SELECT name FROM namespace")
                var now = "CASE t.namespace"
                for namespace in namespaces {
                    now += " WHEN ? THEN ?"
                    arguments += [namespace.databaseValue, self.now(namespace: namespace).databaseValue]
                }
                now += " END"
                conditions.append(
                    """
                    (CASE WHEN k.status = 'ACTIVE' AND k.expires_at_ms IS NOT NULL AND k.expires_at_ms <= \(now)
                      THEN 'EXPIRED' ELSE k.status END) = ?
                    """)
                arguments.append(status.databaseValue)
            }
            if let after {
                let keyset = try after.keysetCondition(
                    sortExpression: "coalesce(k.created_at_ms, 0)", tieBreakExpression: "k.key_id", descending: true)
                conditions.append(keyset.sql)
                arguments += keyset.arguments
            }
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT k.*, t.namespace FROM api_key k JOIN tenant t USING (tenant_id)\(whereClause)
                    ORDER BY coalesce(k.created_at_ms, 0) DESC, k.key_id DESC LIMIT \(limit + 1)
                    """, arguments: StatementArguments(arguments)
            ).map { row in (Self.apiKey(row: row, now: self.now(namespace: row["namespace"])), row["created_at_ms"] ?? 0) }
        }
        let hasMore = page.count > limit
        let keys = page.prefix(limit)
        let nextCursor = hasMore
            ? keys.last.map { PageCursor(fingerprint: fingerprint, sortValue: .integer($0.createdAtMs), tieBreak: $0.key.keyID).encoded }
            : nil
        return APIKeyListResponse(keys: keys.map(\.key), nextCursor: nextCursor, hasMore: hasMore)
    }

    /// `PATCH /v1/admin/api-keys/{key_id}`: name, description, permissions, scope filter, metadata. 404 for an
    /// unknown key, 409 `KEY_REVOKED` / `KEY_EXPIRED` for one that can no longer change, 409 `TENANT_CLOSED` when
    /// its tenant is closed.
    public func updateAPIKey(_ keyID: String, _ request: APIKeyUpdateRequest) async throws -> APIKey {
        if let name = request.name { try Self.validateKeyText(name: name, description: request.description) }
        else if let description = request.description, description.schemaLength > 1024 {
            throw LedgerError.invalid("description: must be at most 1024 characters")
        }
        try Self.validate(permissions: request.permissions)
        let context = EventContext.currentOrInternal()
        let updated = try await write { db -> APIKey in
            let current = try self.requireMutableKey(db, keyID)
            var assignments: [String] = []
            var arguments: [DatabaseValue] = []
            var changed: [String] = []
            func set(_ column: String, _ value: (any DatabaseValueConvertible)?) {
                assignments.append("\(column) = ?")
                arguments.append(value?.databaseValue ?? .null)
                changed.append(column == "metadata_json" ? "metadata" : column)
            }
            if let name = request.name { set("name", name) }
            if let description = request.description { set("description", description) }
            if let permissions = request.permissions { set("permissions", Self.encodeList(permissions.map(\.rawValue))) }
            if let scopeFilter = request.scopeFilter { set("scope_filter", Self.encodeList(scopeFilter)) }
            if let metadata = request.metadata { set("metadata_json", try Self.encodeJSON(metadata)) }
            let audit = AuditRecord(
                operation: "updateApiKey", tenantID: current.tenantID, resourceType: "api_key", resourceID: keyID,
                metadata: ["changed_fields": .array(changed.map { .string($0) })])
            guard !assignments.isEmpty else {
                try self.recordAudit(db, audit)
                return current
            }
            arguments.append(keyID.databaseValue)
            try db.execute(
                sql: "UPDATE api_key SET \(assignments.joined(separator: ", ")) WHERE key_id = ?",
                arguments: StatementArguments(arguments))
            let updated = try self.fetchAPIKey(db, keyID)!
            // The spec has no generic key-updated type: only a permission change is an event.
            let namespace = self.tenantRecord(current.tenantID)?.namespace ?? Self.defaultNamespace
            if let permissions = request.permissions, permissions != current.permissions {
                try self.appendEvent(
                    db, .apiKeyPermissionsChanged, tenantID: current.tenantID, actor: .admin,
                    data: EventDataApiKey(
                        keyID: keyID, keyName: updated.name, previousStatus: current.status, newStatus: updated.status,
                        permissions: permissions),
                    context: context, now: self.now(namespace: namespace))
            }
            try self.recordAudit(db, audit)
            return updated
        }
        try reloadTenants()
        return updated
    }

    /// `DELETE /v1/admin/api-keys/{key_id}?reason=`: ACTIVE → REVOKED, permanent. 404 for an unknown key, 409
    /// `KEY_REVOKED` when it already is (the spec's prose names `ALREADY_REVOKED`, which its `ErrorCode` enum lacks).
    public func revokeAPIKey(_ keyID: String, reason: String?) async throws -> APIKey {
        if let reason, reason.schemaLength > 512 { throw LedgerError.invalid("reason: must be at most 512 characters") }
        let context = EventContext.currentOrInternal()
        let revoked = try await write { db -> APIKey in
            guard let current = try self.fetchAPIKey(db, keyID) else {
                throw LedgerError(.notFound, "API key \(keyID) not found")
            }
            guard current.status != "REVOKED" else {
                throw LedgerError(.keyRevoked, "API key \(keyID) is already revoked", httpStatus: 409)
            }
            let namespace = try String.fetchOne(
                db, sql: "SELECT namespace FROM tenant WHERE tenant_id = ?", arguments: [current.tenantID]) ?? Self.defaultNamespace
            let now = self.now(namespace: namespace)
            try db.execute(
                sql: "UPDATE api_key SET status = 'REVOKED', revoked_at_ms = ?, revoked_reason = ? WHERE key_id = ?",
                arguments: [now, reason, keyID])
            try self.recordAudit(db, AuditRecord(
                operation: "revokeApiKey", tenantID: current.tenantID, resourceType: "api_key", resourceID: keyID,
                metadata: reason.map { ["reason": .string($0)] } ?? [:]))
            try self.appendEvent(
                db, .apiKeyRevoked, tenantID: current.tenantID, actor: .admin,
                data: EventDataApiKey(
                    keyID: keyID, keyName: current.name, previousStatus: current.status, newStatus: "REVOKED",
                    permissions: current.permissions),
                context: context, now: now)
            return try self.fetchAPIKey(db, keyID)!
        }
        try reloadTenants()
        return revoked
    }

    // MARK: - Helpers

    func requireMutableKey(_ db: Database, _ keyID: String) throws -> APIKey {
        guard let current = try fetchAPIKey(db, keyID) else { throw LedgerError(.notFound, "API key \(keyID) not found") }
        if tenantRecord(current.tenantID)?.isClosed == true {
            throw LedgerError(.tenantClosed, "Tenant \(current.tenantID) is closed", tenant: current.tenantID)
        }
        switch current.status {
        case "REVOKED": throw LedgerError(.keyRevoked, "API key \(keyID) is revoked and cannot change", httpStatus: 409)
        case "EXPIRED": throw LedgerError(.keyExpired, "API key \(keyID) is expired and cannot change", httpStatus: 409)
        default: return current
        }
    }

    func fetchAPIKey(_ db: Database, _ keyID: String) throws -> APIKey? {
        try Row.fetchOne(
            db, sql: "SELECT k.*, t.namespace FROM api_key k JOIN tenant t USING (tenant_id) WHERE k.key_id = ?",
            arguments: [keyID]
        ).map { row in Self.apiKey(row: row, now: now(namespace: row["namespace"])) }
    }

    static func apiKey(row: Row, now: Int64) -> APIKey {
        let expiresAtMs: Int64? = row["expires_at_ms"]
        var status: String = row["status"]
        if status == "ACTIVE", let expiresAtMs, now >= expiresAtMs { status = "EXPIRED" }
        return APIKey(
            keyID: row["key_id"], tenantID: row["tenant_id"], keyPrefix: row["key_prefix"] ?? "",
            name: row["name"], description: row["description"],
            permissions: decodeList(row["permissions"]).map { $0.map(Permission.init(rawValue:)) } ?? Permission.tenantDefaults,
            scopeFilter: decodeList(row["scope_filter"]), status: status,
            createdAt: RFC3339.string(row["created_at_ms"] ?? 0), expiresAt: expiresAtMs.map(RFC3339.string) ?? APIKey.never,
            revokedAt: (row["revoked_at_ms"] as Int64?).map(RFC3339.string), revokedReason: row["revoked_reason"],
            metadata: (row["metadata_json"] as String?).flatMap {
                try? CyclesJSON.decode([String: JSONValue].self, from: Data($0.utf8))
            })
    }

    static func validateKeyText(name: String, description: String?) throws(LedgerError) {
        guard !name.isEmpty, name.schemaLength <= 256 else { throw .invalid("name: must be 1-256 characters") }
        if let description, description.schemaLength > 1024 { throw .invalid("description: must be at most 1024 characters") }
    }

    static func validate(permissions: [Permission]?) throws(LedgerError) {
        for (index, permission) in (permissions ?? []).enumerated() where !permission.isKnown {
            throw .invalid("permissions[\(index)]: unknown permission '\(permission.rawValue)'")
        }
    }

    static func encodeJSON(_ value: (some Encodable)?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try CyclesJSON.encode(value), as: UTF8.self)
    }

    /// An RFC 3339 date-time as epoch ms (400 naming `field` otherwise).
    static func parseInstant(_ text: String, field: String) throws(LedgerError) -> Int64 {
        guard let epochMs = RFC3339.epochMs(text) else { throw .invalid("\(field): must be an RFC 3339 date-time") }
        return epochMs
    }
}
