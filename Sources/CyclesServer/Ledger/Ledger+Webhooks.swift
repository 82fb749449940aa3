public import CyclesProtocol
import GRDB
import Synchronization

import Foundation

/// Webhook subscriptions (`/v1/admin/webhooks…` and the tenant self-service `/v1/webhooks…`), callable without HTTP.
///
/// Both WEBHOOK SUBSCRIPTION INVARIANTS are checked by `validateSelectors` on the state a create or update would
/// persist, before anything is written, and every path that stores a subscription goes through `createWebhook` or
/// `updateWebhook`: (1) at least one of `event_types` / `event_categories` is non-empty; (2) a subscription owned by
/// a concrete tenant selects only budget, reservation and tenant types and categories. A violation is 400
/// `INVALID_REQUEST` and nothing is stored.
extension Ledger {
    /// Who manages a subscription, which decides what it may see and the events' actor.
    public enum WebhookCaller: Sendable, Equatable {
        /// The admin plane (`X-Admin-API-Key` on `/v1/admin/webhooks…`).
        case admin
        /// An admin key on the tenant self-service routes (`/v1/webhooks/{id}`): acts for the owning tenant.
        case adminOnBehalfOf
        /// A tenant key: sees and changes only its tenant's subscriptions (others are 404).
        case tenant(TenantIdentity)

        var actor: ProtocolEvent.Actor {
            switch self {
            case .admin: .admin
            case .adminOnBehalfOf: ProtocolEvent.Actor(type: "admin_on_behalf_of")
            case .tenant: .apiKey
            }
        }
    }

    /// Filters and page position of `listWebhooks`.
    public struct WebhookQuery: Sendable, Hashable, Encodable {
        /// Only this owner (`__system__` for system-wide subscriptions).
        public var tenantID: String?
        /// `ACTIVE`, `PAUSED` or `DISABLED`.
        public var status: String?
        /// Only subscriptions whose `event_types` include this type.
        public var eventType: EventType?
        /// Case-insensitive substring of the id or URL (at most 128 characters).
        public var search: String?
        /// `consecutive_failures` (default), `url`, `tenant_id` or `status`.
        public var sortBy: String
        /// `desc` (default) or `asc`.
        public var sortDirection: String
        /// 1–100 (default 50).
        public var limit: Int
        /// From a previous page's `next_cursor`.
        public var cursor: String?

        /// Creates a query with the spec's defaults.
        public init(
            tenantID: String? = nil, status: String? = nil, eventType: EventType? = nil, search: String? = nil,
            sortBy: String = "consecutive_failures", sortDirection: String = "desc", limit: Int = 50,
            cursor: String? = nil
        ) {
            self.tenantID = tenantID
            self.status = status
            self.eventType = eventType
            self.search = search
            self.sortBy = sortBy
            self.sortDirection = sortDirection
            self.limit = limit
            self.cursor = cursor
        }
    }

    // MARK: - Create, read, update, delete

    /// Creates a subscription owned by `tenantID` (`nil` or `__system__`: system-wide). 404 for an unknown tenant,
    /// 409 `TENANT_CLOSED` for a closed one, 400 for any invalid field or invariant. The signing secret is answered
    /// here only; a generated one is `whsec_` and 64 hex digits.
    public func createWebhook(_ request: WebhookCreateRequest, tenantID: String?, caller: WebhookCaller) async throws
        -> WebhookCreateResponse
    {
        let owner = tenantID ?? ProtocolEvent.systemTenant
        try Self.validateText(name: request.name, description: request.description, scopeFilter: request.scopeFilter)
        guard !request.eventTypes.isEmpty else {
            throw LedgerError.invalid("event_types: must list at least one event type on create")
        }
        try Self.validateSelectors(types: request.eventTypes, categories: request.eventCategories ?? [], owner: owner)
        try Self.validate(retryPolicy: request.retryPolicy, thresholds: request.thresholds)
        try Self.validate(headers: request.headers, secret: request.signingSecret, disableAfter: request.disableAfterFailures)
        try await webhookURLPolicy().validate(request.url)
        let secret = request.signingSecret ?? "whsec_" + RandomIdentifier.secretHex(byteCount: 32)
        let subscriptionID = "whsub_" + RandomIdentifier.hex(byteCount: 12)
        let context = EventContext.currentOrInternal()
        let subscription = try await write { db -> WebhookSubscription in
            let namespace = try self.requireOpenOwner(db, owner, unknownIsNotFound: true)
            let now = self.now(namespace: namespace)
            try db.execute(
                sql: """
                    INSERT INTO webhook_subscription (subscription_id, tenant_id, name, description, url, event_types,
                      event_categories, scope_filter, thresholds_json, signing_secret, headers_json, status,
                      retry_policy_json, disable_after_failures, created_at_ms, updated_at_ms, metadata_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    subscriptionID, owner, request.name, request.description, request.url,
                    Self.encodeList(request.eventTypes.map(\.rawValue)),
                    Self.encodeList(request.eventCategories?.map(\.rawValue)), request.scopeFilter,
                    try Self.encodeJSON(request.thresholds), secret, try Self.encodeJSON(request.headers),
                    try Self.encodeJSON(request.retryPolicy), request.disableAfterFailures ?? 10, now, now,
                    try Self.encodeJSON(request.metadata),
                ])
            try self.appendEvent(
                db, .webhookCreated, tenantID: owner, actor: caller.actor,
                data: EventDataWebhookLifecycle(
                    subscriptionID: subscriptionID, tenantID: owner, newStatus: "ACTIVE", changedFields: []),
                correlationID: "webhook_create:\(subscriptionID)", context: context, now: now)
            try self.auditWebhook(db, caller, admin: "createWebhookSubscription", tenant: "createTenantWebhook",
                tenantID: owner, subscriptionID: subscriptionID, status: 201)
            return try self.fetchWebhook(db, subscriptionID)!
        }
        return WebhookCreateResponse(subscription: subscription, signingSecret: secret)
    }

    /// One subscription; 404 `WEBHOOK_NOT_FOUND` when it does not exist or (tenant caller) belongs to another tenant.
    public func webhookSubscription(_ subscriptionID: String, caller: WebhookCaller) async throws -> WebhookSubscription {
        let found = try await pool.read { db in try self.fetchWebhook(db, subscriptionID) }
        return try Self.visible(found, subscriptionID, to: caller)
    }

    /// `GET /v1/admin/webhooks` (and, with `tenantID` set, `GET /v1/webhooks`): filtered, sorted, keyset pages.
    public func listWebhooks(_ query: WebhookQuery) async throws -> WebhookListResponse {
        let sortColumns: [String: (column: String, numeric: Bool)] = [
            "consecutive_failures": ("consecutive_failures", true), "url": ("url", false),
            "tenant_id": ("tenant_id", false), "status": ("status", false),
        ]
        guard let sort = sortColumns[query.sortBy] else {
            throw LedgerError.invalid("sort_by must be one of url, tenant_id, status, consecutive_failures")
        }
        guard ["asc", "desc"].contains(query.sortDirection) else { throw LedgerError.invalid("sort_dir must be asc or desc") }
        guard (1...100).contains(query.limit) else { throw LedgerError.invalid("limit must be an integer between 1 and 100") }
        if let status = query.status, !Self.webhookStatuses.contains(status) {
            throw LedgerError.invalid("status must be one of ACTIVE, PAUSED, DISABLED")
        }
        if let type = query.eventType, !type.isKnown {
            throw LedgerError.invalid("event_type must be one of the spec's EventType values (got '\(type.rawValue)')")
        }
        if let search = query.search, search.schemaLength > 128 {
            throw LedgerError.invalid("search must be at most 128 characters")
        }
        var fingerprintQuery = query
        fingerprintQuery.cursor = nil
        fingerprintQuery.limit = 0
        let fingerprint = try PageCursor.fingerprint(fingerprintQuery)
        let position = try PageCursor.decode(query.cursor, fingerprint: fingerprint)
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        func require(_ condition: String, _ values: (any DatabaseValueConvertible)...) {
            conditions.append(condition)
            arguments += values.map(\.databaseValue)
        }
        if let tenantID = query.tenantID { require("tenant_id = ?", tenantID) }
        if let status = query.status { require("status = ?", status) }
        // Stored as a JSON array of plain type names, so the quoted name is an exact element match.
        if let type = query.eventType { require("instr(event_types, ?) > 0", "\"\(type.rawValue)\"") }
        if let search = query.search, !search.isEmpty {
            let needle = search.lowercased()
            require("(instr(lower(subscription_id), ?) > 0 OR instr(lower(url), ?) > 0)", needle, needle)
        }
        let descending = query.sortDirection == "desc"
        let comparison = descending ? "<" : ">"
        if let position {
            let value: any DatabaseValueConvertible
            switch position.sortValue {
            case .integer(let number) where sort.numeric: value = number
            case .text(let text) where !sort.numeric: value = text
            default: throw LedgerError.invalid("cursor is malformed")
            }
            require(
                "(\(sort.column) \(comparison) ? OR (\(sort.column) = ? AND subscription_id \(comparison) ?))", value, value,
                position.tieBreak)
        }
        let direction = descending ? "DESC" : "ASC"
        let sql = """
            SELECT *, \(sort.column) AS sort_value FROM webhook_subscription\
            \(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            ORDER BY sort_value \(direction), subscription_id \(direction) LIMIT \(query.limit + 1)
            """
        let values = arguments
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
                (
                    subscription: Self.webhook(row: row),
                    sortValue: sort.numeric
                        ? PageCursor.Value.integer(row["sort_value"]) : PageCursor.Value.text(row["sort_value"])
                )
            }
        }
        let page = rows.prefix(query.limit)
        let hasMore = rows.count > query.limit
        let nextCursor = hasMore
            ? page.last.map {
                PageCursor(fingerprint: fingerprint, sortValue: $0.sortValue, tieBreak: $0.subscription.subscriptionID)
                    .encoded
            } : nil
        return WebhookListResponse(subscriptions: page.map(\.subscription), hasMore: hasMore, nextCursor: nextCursor)
    }

    /// Partial update. The invariants are checked on the resulting state (provided fields over stored ones); 409
    /// `TENANT_CLOSED` when the owner is closed; `status` ACTIVE re-enables (and resets the failure count), PAUSED
    /// pauses. Emits exactly one event unless nothing changed: `webhook.paused` / `webhook.resumed` for a status
    /// change (other changed fields listed), else `webhook.updated`.
    public func updateWebhook(_ subscriptionID: String, _ request: WebhookUpdateRequest, caller: WebhookCaller)
        async throws -> WebhookSubscription
    {
        try Self.validateText(name: request.name, description: request.description, scopeFilter: request.scopeFilter)
        if let status = request.status, !["ACTIVE", "PAUSED"].contains(status) {
            throw LedgerError.invalid("status: must be ACTIVE or PAUSED")
        }
        try Self.validate(retryPolicy: request.retryPolicy, thresholds: request.thresholds)
        try Self.validate(headers: request.headers, secret: request.signingSecret, disableAfter: request.disableAfterFailures)
        if let url = request.url { try await webhookURLPolicy().validate(url) }
        let context = EventContext.currentOrInternal()
        return try await write { db -> WebhookSubscription in
            let current = try Self.visible(try self.fetchWebhook(db, subscriptionID), subscriptionID, to: caller)
            let namespace = try self.requireOpenOwner(db, current.tenantID, unknownIsNotFound: false)
            try Self.validateSelectors(
                types: request.eventTypes ?? current.eventTypes,
                categories: request.eventCategories ?? current.eventCategories ?? [], owner: current.tenantID)
            let storedSecret = try String.fetchOne(
                db, sql: "SELECT signing_secret FROM webhook_subscription WHERE subscription_id = ?",
                arguments: [subscriptionID])
            let storedHeaders = try String.fetchOne(
                db, sql: "SELECT headers_json FROM webhook_subscription WHERE subscription_id = ?",
                arguments: [subscriptionID]
            ).flatMap { try? CyclesJSON.decode([String: String].self, from: Data($0.utf8)) }
            var assignments: [String] = []
            var arguments: [DatabaseValue] = []
            var changed: [String] = []
            func set(_ field: String, column: String, _ value: (any DatabaseValueConvertible)?, differs: Bool) {
                guard differs else { return }
                changed.append(field)
                assignments.append("\(column) = ?")
                arguments.append(value?.databaseValue ?? .null)
            }
            if let name = request.name { set("name", column: "name", name, differs: name != current.name) }
            if let description = request.description {
                set("description", column: "description", description, differs: description != current.description)
            }
            if let url = request.url { set("url", column: "url", url, differs: url != current.url) }
            if let types = request.eventTypes {
                set("event_types", column: "event_types", Self.encodeList(types.map(\.rawValue)),
                    differs: types != current.eventTypes)
            }
            if let categories = request.eventCategories {
                set("event_categories", column: "event_categories", Self.encodeList(categories.map(\.rawValue)),
                    differs: categories != (current.eventCategories ?? []))
            }
            if let filter = request.scopeFilter {
                set("scope_filter", column: "scope_filter", filter, differs: filter != current.scopeFilter)
            }
            if let thresholds = request.thresholds {
                set("thresholds", column: "thresholds_json", try Self.encodeJSON(thresholds),
                    differs: thresholds != current.thresholds)
            }
            if let secret = request.signingSecret {
                set("signing_secret", column: "signing_secret", secret, differs: secret != storedSecret)
            }
            if let headers = request.headers {
                set("headers", column: "headers_json", try Self.encodeJSON(headers), differs: headers != (storedHeaders ?? [:]))
            }
            if let policy = request.retryPolicy {
                set("retry_policy", column: "retry_policy_json", try Self.encodeJSON(policy),
                    differs: policy != current.retryPolicy)
            }
            if let limit = request.disableAfterFailures {
                set("disable_after_failures", column: "disable_after_failures", limit,
                    differs: limit != current.disableAfterFailures)
            }
            if let metadata = request.metadata {
                set("metadata", column: "metadata_json", try Self.encodeJSON(metadata),
                    differs: metadata != (current.metadata ?? [:]))
            }
            let newStatus = request.status ?? current.status
            let statusChanged = newStatus != current.status
            guard statusChanged || !changed.isEmpty else { return current }
            let now = self.now(namespace: namespace)
            if statusChanged {
                assignments.append("status = ?")
                arguments.append(newStatus.databaseValue)
                if newStatus == "ACTIVE" { assignments.append("consecutive_failures = 0") }
            }
            assignments.append("updated_at_ms = ?")
            arguments += [now.databaseValue, subscriptionID.databaseValue]
            try db.execute(
                sql: "UPDATE webhook_subscription SET \(assignments.joined(separator: ", ")) WHERE subscription_id = ?",
                arguments: StatementArguments(arguments))
            let type: EventType = statusChanged ? (newStatus == "PAUSED" ? .webhookPaused : .webhookResumed) : .webhookUpdated
            try self.appendEvent(
                db, type, tenantID: current.tenantID, actor: caller.actor,
                data: EventDataWebhookLifecycle(
                    subscriptionID: subscriptionID, tenantID: current.tenantID, previousStatus: current.status,
                    newStatus: newStatus, changedFields: changed),
                correlationID: "webhook_update:\(subscriptionID):\(context.requestID ?? context.traceID)",
                context: context, now: now)
            try self.auditWebhook(db, caller, admin: "updateWebhookSubscription", tenant: "updateTenantWebhook",
                tenantID: current.tenantID, subscriptionID: subscriptionID)
            return try self.fetchWebhook(db, subscriptionID)!
        }
    }

    /// Deletes a subscription and its deliveries (204 on the wire); 404 as for get, 409 `TENANT_CLOSED` when the
    /// owner is closed. Emits `webhook.deleted`.
    public func deleteWebhook(_ subscriptionID: String, caller: WebhookCaller) async throws {
        let context = EventContext.currentOrInternal()
        try await write { db in
            let current = try Self.visible(try self.fetchWebhook(db, subscriptionID), subscriptionID, to: caller)
            let namespace = try self.requireOpenOwner(db, current.tenantID, unknownIsNotFound: false)
            let now = self.now(namespace: namespace)
            try db.execute(sql: "DELETE FROM webhook_subscription WHERE subscription_id = ?", arguments: [subscriptionID])
            // Pending deliveries are cancelled (the spec); finished ones go with the subscription.
            try db.execute(sql: "DELETE FROM webhook_delivery WHERE subscription_id = ?", arguments: [subscriptionID])
            try self.appendEvent(
                db, .webhookDeleted, tenantID: current.tenantID, actor: caller.actor,
                data: EventDataWebhookLifecycle(
                    subscriptionID: subscriptionID, tenantID: current.tenantID, previousStatus: current.status,
                    changedFields: []),
                correlationID: "webhook_delete:\(subscriptionID)", context: context, now: now)
            try self.auditWebhook(db, caller, admin: "deleteWebhookSubscription", tenant: "deleteTenantWebhook",
                tenantID: current.tenantID, subscriptionID: subscriptionID, status: 204)
        }
    }

    /// The tenant-close cascade's part: every ACTIVE or PAUSED subscription of the tenant → DISABLED, with its
    /// `webhook.disabled_via_tenant_cascade` event (called from `closeOwnedObjects`, in its transaction).
    func disableWebhooksOfClosingTenant(
        _ db: Database, tenantID: String, now: Int64, context: EventContext, audit: (String) throws -> Void
    ) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT subscription_id, name, status FROM webhook_subscription
                WHERE tenant_id = ? AND status IN ('ACTIVE', 'PAUSED') ORDER BY subscription_id
                """, arguments: [tenantID])
        for row in rows {
            let subscriptionID: String = row["subscription_id"]
            try audit(subscriptionID)
            try appendEvent(
                db, .webhookDisabledViaTenantCascade, tenantID: tenantID, actor: .admin,
                data: EventDataTenantCascade(
                    subscriptionID: subscriptionID, name: row["name"], priorStatus: row["status"], newStatus: "DISABLED",
                    cascadeReason: "tenant_closed"),
                context: context, now: now)
        }
        try db.execute(
            sql: """
                UPDATE webhook_subscription SET status = 'DISABLED', updated_at_ms = ?
                WHERE tenant_id = ? AND status IN ('ACTIVE', 'PAUSED')
                """, arguments: [now, tenantID])
    }

    // MARK: - Security config

    /// `GET /v1/admin/config/webhook-security`: the stored config, else the default in force.
    public func webhookSecurityConfig() async throws -> WebhookSecurityConfig {
        let stored = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM webhook_security_config WHERE id = 1")
        }
        if let stored { return try CyclesJSON.decode(WebhookSecurityConfig.self, from: Data(stored.utf8)) }
        return webhookSecurityFallback.withLock { $0 }
    }

    /// `PUT /v1/admin/config/webhook-security`: replaces the config (omitted fields take the spec's defaults) for
    /// every later create and update; existing subscriptions are not re-validated.
    public func setWebhookSecurityConfig(_ config: WebhookSecurityConfig) async throws -> WebhookSecurityConfig {
        let normalized = try WebhookURLPolicy.normalized(config)
        let body = String(decoding: try CyclesJSON.encode(normalized), as: UTF8.self)
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO webhook_security_config (id, body) VALUES (1, ?)", arguments: [body])
            try self.recordAudit(db, AuditRecord(
                operation: "updateWebhookSecurityConfig", tenantID: AuditLogEntry.adminTenant, resourceType: "config",
                resourceID: "webhook-security"))
        }
        return normalized
    }

    /// Makes the development config (`--mock`: loopback HTTP allowed) the default until an operator stores one.
    public func useDevelopmentWebhookSecurityDefaults() {
        webhookSecurityFallback.withLock { $0 = WebhookURLPolicy.development }
    }

    func webhookURLPolicy() async throws -> WebhookURLPolicy {
        WebhookURLPolicy(config: try await webhookSecurityConfig())
    }

    // MARK: - Validation

    static let webhookStatuses = ["ACTIVE", "PAUSED", "DISABLED"]

    /// Both WEBHOOK SUBSCRIPTION INVARIANTS, on the selectors a subscription would persist, plus known values.
    static func validateSelectors(types: [EventType], categories: [EventCategory], owner: String) throws(LedgerError) {
        for (index, type) in types.enumerated() where !type.isKnown {
            throw .invalid("event_types[\(index)]: unknown event type '\(type.rawValue)'")
        }
        for (index, category) in categories.enumerated() where !category.isKnown {
            throw .invalid("event_categories[\(index)]: unknown event category '\(category.rawValue)'")
        }
        guard !types.isEmpty || !categories.isEmpty else {
            throw .invalid(
                "event_types, event_categories: a subscription must select at least one event type or category")
        }
        guard owner != ProtocolEvent.systemTenant else { return }
        for (index, type) in types.enumerated() where !type.isTenantAccessible {
            throw .invalid(
                "event_types[\(index)]: '\(type.rawValue)' is admin-only; a tenant-owned subscription may select only "
                    + "budget.*, reservation.* and tenant.* types")
        }
        for (index, category) in categories.enumerated() where !category.isTenantAccessible {
            throw .invalid(
                "event_categories[\(index)]: '\(category.rawValue)' is admin-only; a tenant-owned subscription may "
                    + "select only the budget, reservation and tenant categories")
        }
    }

    static func validateText(name: String?, description: String?, scopeFilter: String?) throws(LedgerError) {
        if let name, name.schemaLength > 256 { throw .invalid("name: must be at most 256 characters") }
        if let description, description.schemaLength > 1024 {
            throw .invalid("description: must be at most 1024 characters")
        }
        if let scopeFilter, scopeFilter.isEmpty || scopeFilter.schemaLength > 512 {
            throw .invalid("scope_filter: must be 1-512 characters")
        }
    }

    static func validate(retryPolicy: WebhookRetryPolicy?, thresholds: WebhookThresholdConfig?) throws(LedgerError) {
        if let policy = retryPolicy {
            if let value = policy.maxRetries, !(0...10).contains(value) {
                throw .invalid("retry_policy.max_retries: must be between 0 and 10")
            }
            if let value = policy.initialDelayMs, !(100...60_000).contains(value) {
                throw .invalid("retry_policy.initial_delay_ms: must be between 100 and 60000")
            }
            if let value = policy.backoffMultiplier, !(1.0...10.0).contains(value) {
                throw .invalid("retry_policy.backoff_multiplier: must be between 1.0 and 10.0")
            }
            if let value = policy.maxDelayMs, !(1_000...3_600_000).contains(value) {
                throw .invalid("retry_policy.max_delay_ms: must be between 1000 and 3600000")
            }
        }
        if let thresholds {
            for (index, value) in (thresholds.budgetUtilization ?? []).enumerated() where !(0.0...1.0).contains(value) {
                throw .invalid("thresholds.budget_utilization[\(index)]: must be between 0 and 1")
            }
            if let value = thresholds.burnRateMultiplier, !(value >= 1.5) {
                throw .invalid("thresholds.burn_rate_multiplier: must be at least 1.5")
            }
            for (name, value) in [
                ("burn_rate_window_seconds", thresholds.burnRateWindowSeconds),
                ("rate_window_seconds", thresholds.rateWindowSeconds),
            ] {
                if let value, !(60...86_400).contains(value) { throw .invalid("thresholds.\(name): must be between 60 and 86400") }
            }
            for (name, value) in [
                ("denial_rate_threshold", thresholds.denialRateThreshold),
                ("expiry_rate_threshold", thresholds.expiryRateThreshold),
                ("auth_failure_rate_threshold", thresholds.authFailureRateThreshold),
            ] {
                if let value, !(0.0...1.0).contains(value) { throw .invalid("thresholds.\(name): must be between 0 and 1") }
            }
        }
    }

    static func validate(headers: [String: String]?, secret: String?, disableAfter: Int?) throws(LedgerError) {
        for (name, value) in (headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            let badName = name.isEmpty || name.unicodeScalars.contains { $0 == ":" || $0.value < 0x21 || $0.value > 0x7e }
            if badName { throw .invalid("headers: '\(name)' is not a valid header name") }
            if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw .invalid("headers.\(name): must not contain line breaks")
            }
        }
        if let secret, secret.isEmpty || secret.schemaLength > 512 {
            throw .invalid("signing_secret: must be 1-512 characters")
        }
        if let disableAfter, disableAfter < 1 { throw .invalid("disable_after_failures: must be at least 1") }
    }

    // MARK: - Rows

    /// The namespace whose clock the owner's changes use; 404 `TENANT_NOT_FOUND` (create) or 409 `TENANT_CLOSED`
    /// (Rule 2) as the owner requires. `__system__` subscriptions use the default namespace.
    func requireOpenOwner(_ db: Database, _ owner: String, unknownIsNotFound: Bool) throws -> String {
        guard owner != ProtocolEvent.systemTenant else { return Self.defaultNamespace }
        guard let row = try Row.fetchOne(
            db, sql: "SELECT namespace, status FROM tenant WHERE tenant_id = ?", arguments: [owner])
        else {
            if unknownIsNotFound { throw LedgerError(.tenantNotFound, "Tenant \(owner) not found", httpStatus: 404) }
            return Self.defaultNamespace
        }
        if (row["status"] as String) == "CLOSED" {
            throw LedgerError(.tenantClosed, "Tenant \(owner) is closed; its webhooks cannot change", tenant: owner)
        }
        return row["namespace"]
    }

    static func visible(_ found: WebhookSubscription?, _ subscriptionID: String, to caller: WebhookCaller)
        throws(LedgerError) -> WebhookSubscription
    {
        // A tenant asking for another tenant's subscription gets the same 404 as for a missing one.
        guard let found, caller.owns(found) else {
            throw LedgerError(.webhookNotFound, "Webhook subscription \(subscriptionID) not found", httpStatus: 404)
        }
        return found
    }

    /// The audit entry of a subscription mutation: the admin plane's operation id under `X-Admin-API-Key` on
    /// `/v1/admin/webhooks…`, the self-service one otherwise (by the tenant's key, or by the operator on its behalf).
    func auditWebhook(
        _ db: Database, _ caller: WebhookCaller, admin: String, tenant: String, tenantID: String, subscriptionID: String,
        status: Int = 200
    ) throws {
        let actor: AuditActor =
            switch caller {
            case .admin: .admin
            case .adminOnBehalfOf: .adminOnBehalfOf
            case .tenant: AuditActor(type: "api_key")
            }
        try recordAudit(db, AuditRecord(
            operation: caller == .admin ? admin : tenant,
            tenantID: tenantID == ProtocolEvent.systemTenant ? AuditLogEntry.adminTenant : tenantID,
            resourceType: "webhook", resourceID: subscriptionID, status: status, actor: actor))
    }

    func fetchWebhook(_ db: Database, _ subscriptionID: String) throws -> WebhookSubscription? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM webhook_subscription WHERE subscription_id = ?", arguments: [subscriptionID]
        ).map(Self.webhook(row:))
    }

    /// The wire view of a row: no secret; custom header values masked.
    static func webhook(row: Row) -> WebhookSubscription {
        func decoded<T: Decodable>(_ column: String, as type: T.Type) -> T? {
            (row[column] as String?).flatMap { try? CyclesJSON.decode(T.self, from: Data($0.utf8)) }
        }
        return WebhookSubscription(
            subscriptionID: row["subscription_id"], tenantID: row["tenant_id"], url: row["url"],
            eventTypes: (decodeList(row["event_types"]) ?? []).map(EventType.init(rawValue:)),
            status: row["status"], createdAt: RFC3339.string(row["created_at_ms"]), name: row["name"],
            description: row["description"],
            eventCategories: decodeList(row["event_categories"]).map { $0.map(EventCategory.init(rawValue:)) },
            scopeFilter: row["scope_filter"], thresholds: decoded("thresholds_json", as: WebhookThresholdConfig.self),
            headers: decoded("headers_json", as: [String: String].self)?.mapValues { _ in "********" },
            retryPolicy: decoded("retry_policy_json", as: WebhookRetryPolicy.self),
            disableAfterFailures: row["disable_after_failures"], consecutiveFailures: row["consecutive_failures"],
            updatedAt: (row["updated_at_ms"] as Int64?).map(RFC3339.string),
            lastTriggeredAt: (row["last_triggered_at_ms"] as Int64?).map(RFC3339.string),
            lastSuccessAt: (row["last_success_at_ms"] as Int64?).map(RFC3339.string),
            lastFailureAt: (row["last_failure_at_ms"] as Int64?).map(RFC3339.string),
            metadata: decoded("metadata_json", as: [String: JSONValue].self))
    }
}

extension Ledger.WebhookCaller {
    /// Whether this caller may see `subscription` (admins see all, a tenant its own).
    func owns(_ subscription: WebhookSubscription) -> Bool {
        if case .tenant(let identity) = self { return subscription.tenantID == identity.tenantID }
        return true
    }
}
