import GRDB

/// The SQLite schema of the ledger. Every row carries its tenant (and reservations their namespace), so one
/// database can hold many isolated namespaces and two tenants never share a budget.
enum LedgerSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE namespace (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                    INSERT INTO namespace (name) VALUES ('default');
                    CREATE TABLE tenant (
                        tenant_id TEXT PRIMARY KEY NOT NULL,
                        namespace TEXT NOT NULL REFERENCES namespace(name) ON DELETE CASCADE,
                        name TEXT,
                        status TEXT NOT NULL,
                        default_overage_policy TEXT,
                        max_extensions INTEGER,
                        default_ttl_ms INTEGER,
                        max_ttl_ms INTEGER
                    ) WITHOUT ROWID;
                    CREATE INDEX tenant_namespace ON tenant(namespace);
                    CREATE TABLE api_key (
                        key_hash TEXT PRIMARY KEY NOT NULL,
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        name TEXT,
                        status TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX api_key_tenant ON api_key(tenant_id);
                    CREATE TABLE budget (
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        scope_path TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        allocated INTEGER NOT NULL,
                        remaining INTEGER NOT NULL,
                        reserved INTEGER NOT NULL,
                        spent INTEGER NOT NULL,
                        debt INTEGER NOT NULL,
                        overdraft_limit INTEGER NOT NULL,
                        is_over_limit INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        commit_overage_policy TEXT,
                        caps_json TEXT,
                        PRIMARY KEY (tenant_id, scope_path, unit)
                    ) WITHOUT ROWID;
                    CREATE TABLE reservation (
                        reservation_id TEXT PRIMARY KEY NOT NULL,
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        namespace TEXT NOT NULL,
                        status TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL,
                        subject_json TEXT NOT NULL,
                        action_json TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        amount INTEGER NOT NULL,
                        committed_amount INTEGER,
                        created_at_ms INTEGER NOT NULL,
                        expires_at_ms INTEGER NOT NULL,
                        grace_ms INTEGER NOT NULL,
                        deadline_ms INTEGER NOT NULL,
                        finalized_at_ms INTEGER,
                        overage_policy TEXT NOT NULL,
                        scope_path TEXT NOT NULL,
                        affected_scopes TEXT NOT NULL,
                        budgeted_scopes TEXT NOT NULL,
                        metadata_json TEXT,
                        committed_metadata_json TEXT,
                        extension_count INTEGER NOT NULL,
                        max_extensions INTEGER NOT NULL,
                        workspace TEXT, app TEXT, workflow TEXT, agent TEXT, toolset TEXT
                    ) WITHOUT ROWID;
                    CREATE INDEX reservation_due ON reservation(namespace, status, deadline_ms);
                    CREATE INDEX reservation_tenant_created ON reservation(tenant_id, created_at_ms);
                    CREATE INDEX reservation_tenant_key ON reservation(tenant_id, idempotency_key);
                    CREATE TABLE reservation_transition (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        reservation_id TEXT NOT NULL REFERENCES reservation(reservation_id) ON DELETE CASCADE,
                        from_status TEXT,
                        to_status TEXT NOT NULL,
                        at_ms INTEGER NOT NULL
                    );
                    CREATE INDEX reservation_transition_reservation ON reservation_transition(reservation_id);
                    CREATE TABLE idempotency (
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        endpoint TEXT NOT NULL,
                        key TEXT NOT NULL,
                        request_hash TEXT NOT NULL,
                        http_status INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        reservation_id TEXT,
                        created_at_ms INTEGER NOT NULL,
                        expires_at_ms INTEGER,
                        PRIMARY KEY (tenant_id, endpoint, key)
                    ) WITHOUT ROWID;
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        actor_type TEXT NOT NULL,
                        operation TEXT NOT NULL,
                        reservation_id TEXT,
                        reason TEXT,
                        at_ms INTEGER NOT NULL
                    );
                    CREATE TABLE event (
                        event_id TEXT PRIMARY KEY NOT NULL,
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        idempotency_key TEXT NOT NULL,
                        subject_json TEXT NOT NULL,
                        action_json TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        actual INTEGER NOT NULL,
                        charged INTEGER NOT NULL,
                        overage_policy TEXT NOT NULL,
                        scope_path TEXT NOT NULL,
                        created_at_ms INTEGER NOT NULL,
                        metadata_json TEXT,
                        metrics_json TEXT
                    ) WITHOUT ROWID;
                    """)
        }
        // v2: the large, insert-heavy tables become rowid tables. In a WITHOUT ROWID table the whole row lives in
        // the primary-key B-tree, where SQLite keeps at most about a quarter of a page inline: a stored answer with
        // balances for several scopes, or a reservation with metadata, spills onto overflow pages, and inserts at
        // random keys (idempotency keys) split leaf pages full of whole rows. Rowid tables append rows and keep the
        // keys in small unique indexes. AUTOINCREMENT goes too (it updated `sqlite_sequence` on every insert). The
        // transition journal moves into the reservation row (`transitions`, steps `from>to@at_ms` joined by `;`):
        // every transition updates that row anyway, while the separate table cost each reserve, commit, release and
        // expiry one more insert into two B-trees.
        migrator.registerMigration("v2-rowid-tables") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reservation_v2 (
                        reservation_id TEXT PRIMARY KEY NOT NULL,
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        namespace TEXT NOT NULL,
                        status TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL,
                        subject_json TEXT NOT NULL,
                        action_json TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        amount INTEGER NOT NULL,
                        committed_amount INTEGER,
                        created_at_ms INTEGER NOT NULL,
                        expires_at_ms INTEGER NOT NULL,
                        grace_ms INTEGER NOT NULL,
                        deadline_ms INTEGER NOT NULL,
                        finalized_at_ms INTEGER,
                        overage_policy TEXT NOT NULL,
                        scope_path TEXT NOT NULL,
                        affected_scopes TEXT NOT NULL,
                        budgeted_scopes TEXT NOT NULL,
                        metadata_json TEXT,
                        committed_metadata_json TEXT,
                        extension_count INTEGER NOT NULL,
                        max_extensions INTEGER NOT NULL,
                        workspace TEXT, app TEXT, workflow TEXT, agent TEXT, toolset TEXT,
                        transitions TEXT NOT NULL DEFAULT ''
                    );
                    INSERT INTO reservation_v2 (reservation_id, tenant_id, namespace, status, idempotency_key,
                      subject_json, action_json, unit, amount, committed_amount, created_at_ms, expires_at_ms, grace_ms,
                      deadline_ms, finalized_at_ms, overage_policy, scope_path, affected_scopes, budgeted_scopes,
                      metadata_json, committed_metadata_json, extension_count, max_extensions,
                      workspace, app, workflow, agent, toolset, transitions)
                    SELECT r.reservation_id, r.tenant_id, r.namespace, r.status, r.idempotency_key,
                      r.subject_json, r.action_json, r.unit, r.amount, r.committed_amount, r.created_at_ms,
                      r.expires_at_ms, r.grace_ms, r.deadline_ms, r.finalized_at_ms, r.overage_policy, r.scope_path,
                      r.affected_scopes, r.budgeted_scopes, r.metadata_json, r.committed_metadata_json,
                      r.extension_count, r.max_extensions, r.workspace, r.app, r.workflow, r.agent, r.toolset,
                      coalesce((SELECT group_concat(step, ';') FROM (
                        SELECT coalesce(x.from_status, '') || '>' || x.to_status || '@' || x.at_ms AS step
                        FROM reservation_transition x WHERE x.reservation_id = r.reservation_id ORDER BY x.id)), '')
                    FROM reservation r ORDER BY r.created_at_ms, r.reservation_id;
                    DROP TABLE reservation_transition;
                    DROP TABLE reservation;
                    ALTER TABLE reservation_v2 RENAME TO reservation;
                    CREATE INDEX reservation_due ON reservation(namespace, status, deadline_ms);
                    CREATE INDEX reservation_tenant_created ON reservation(tenant_id, created_at_ms);
                    CREATE INDEX reservation_tenant_key ON reservation(tenant_id, idempotency_key);

                    CREATE TABLE idempotency_v2 (
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        endpoint TEXT NOT NULL,
                        key TEXT NOT NULL,
                        request_hash TEXT NOT NULL,
                        http_status INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        reservation_id TEXT,
                        created_at_ms INTEGER NOT NULL,
                        expires_at_ms INTEGER,
                        PRIMARY KEY (tenant_id, endpoint, key)
                    );
                    INSERT INTO idempotency_v2 SELECT * FROM idempotency ORDER BY created_at_ms;
                    DROP TABLE idempotency;
                    ALTER TABLE idempotency_v2 RENAME TO idempotency;

                    CREATE TABLE audit_log_v2 (
                        id INTEGER PRIMARY KEY,
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        actor_type TEXT NOT NULL,
                        operation TEXT NOT NULL,
                        reservation_id TEXT,
                        reason TEXT,
                        at_ms INTEGER NOT NULL
                    );
                    INSERT INTO audit_log_v2 SELECT * FROM audit_log ORDER BY id;
                    DROP TABLE audit_log;
                    ALTER TABLE audit_log_v2 RENAME TO audit_log;

                    CREATE TABLE event_v2 (
                        event_id TEXT PRIMARY KEY NOT NULL,
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        idempotency_key TEXT NOT NULL,
                        subject_json TEXT NOT NULL,
                        action_json TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        actual INTEGER NOT NULL,
                        charged INTEGER NOT NULL,
                        overage_policy TEXT NOT NULL,
                        scope_path TEXT NOT NULL,
                        created_at_ms INTEGER NOT NULL,
                        metadata_json TEXT,
                        metrics_json TEXT
                    );
                    INSERT INTO event_v2 SELECT * FROM event ORDER BY created_at_ms, event_id;
                    DROP TABLE event;
                    ALTER TABLE event_v2 RENAME TO event;
                    """)
        }
        // v3: API keys get what the admin plane manages: an id to address them by (never the secret), a prefix to
        // recognise them, permissions (NULL: the spec's tenant defaults), scope patterns, creation, expiry and
        // revocation. Existing keys get an id derived from their hash, so it is stable across restarts.
        migrator.registerMigration("v3-api-key-grants") { db in
            try db.execute(
                sql: """
                    ALTER TABLE api_key ADD COLUMN key_id TEXT;
                    ALTER TABLE api_key ADD COLUMN key_prefix TEXT;
                    ALTER TABLE api_key ADD COLUMN description TEXT;
                    ALTER TABLE api_key ADD COLUMN permissions TEXT;
                    ALTER TABLE api_key ADD COLUMN scope_filter TEXT;
                    ALTER TABLE api_key ADD COLUMN created_at_ms INTEGER;
                    ALTER TABLE api_key ADD COLUMN expires_at_ms INTEGER;
                    ALTER TABLE api_key ADD COLUMN revoked_at_ms INTEGER;
                    ALTER TABLE api_key ADD COLUMN revoked_reason TEXT;
                    ALTER TABLE api_key ADD COLUMN metadata_json TEXT;
                    UPDATE api_key SET key_id = 'key_' || substr(key_hash, 1, 24);
                    CREATE UNIQUE INDEX api_key_id ON api_key(key_id);
                    """)
        }
        // v4: tenants get what the admin plane answers: parent, metadata, expiry policy and lifecycle instants.
        // Tenants from earlier versions count as created when the migration runs.
        migrator.registerMigration("v4-tenant-lifecycle") { db in
            try db.execute(
                sql: """
                    ALTER TABLE tenant ADD COLUMN parent_tenant_id TEXT;
                    ALTER TABLE tenant ADD COLUMN metadata_json TEXT;
                    ALTER TABLE tenant ADD COLUMN reservation_expiry_policy TEXT;
                    ALTER TABLE tenant ADD COLUMN created_at_ms INTEGER;
                    ALTER TABLE tenant ADD COLUMN updated_at_ms INTEGER;
                    ALTER TABLE tenant ADD COLUMN suspended_at_ms INTEGER;
                    ALTER TABLE tenant ADD COLUMN closed_at_ms INTEGER;
                    UPDATE tenant SET created_at_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
                    """)
        }
        // v5: budgets get what the admin plane answers and changes: rollover policy, period, metadata and lifecycle
        // instants (budgets from earlier versions count as created when the migration runs). Their ledger id is
        // derived from the (tenant, scope, unit) key, so it needs no column. `admin_idempotency` keeps the answers of
        // operator-wide operations (the bulk actions), which belong to no single tenant and so cannot live in
        // `idempotency`, whose rows are owned by (and deleted with) a tenant. The reserve path reads none of this.
        migrator.registerMigration("v5-budget-admin") { db in
            try db.execute(
                sql: """
                    ALTER TABLE budget ADD COLUMN rollover_policy TEXT;
                    ALTER TABLE budget ADD COLUMN period_start_ms INTEGER;
                    ALTER TABLE budget ADD COLUMN period_end_ms INTEGER;
                    ALTER TABLE budget ADD COLUMN metadata_json TEXT;
                    ALTER TABLE budget ADD COLUMN created_at_ms INTEGER;
                    ALTER TABLE budget ADD COLUMN updated_at_ms INTEGER;
                    UPDATE budget SET created_at_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
                    CREATE TABLE admin_idempotency (
                        endpoint TEXT NOT NULL,
                        key TEXT NOT NULL,
                        request_hash TEXT NOT NULL,
                        http_status INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        created_at_ms INTEGER NOT NULL,
                        expires_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (endpoint, key)
                    );
                    """)
        }
        // v6: policies. The columns are what lists filter and evaluation orders by (`sequence`, the rowid, is the creation
        // order that breaks priority ties); what a policy does is one JSON document (`PolicyRules`), so v0.1.26's policy
        // additions need no migration. Rows go with their tenant.
        migrator.registerMigration("v6-policies") { db in
            try db.execute(
                sql: """
                    CREATE TABLE policy (
                        sequence INTEGER PRIMARY KEY,
                        policy_id TEXT NOT NULL UNIQUE,
                        tenant_id TEXT NOT NULL REFERENCES tenant(tenant_id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        description TEXT,
                        scope_pattern TEXT NOT NULL,
                        priority INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        effective_from_ms INTEGER,
                        effective_until_ms INTEGER,
                        created_at_ms INTEGER NOT NULL,
                        updated_at_ms INTEGER,
                        rules_json TEXT NOT NULL
                    );
                    CREATE UNIQUE INDEX policy_tenant_name ON policy(tenant_id, name);
                    CREATE INDEX policy_tenant_order ON policy(tenant_id, priority DESC, sequence);
                    """)
        }
        // v7: the audit log becomes the admin plane's (`GET /v1/admin/audit/logs`, the spec's AuditLogEntry). The v1
        // table was already the audit store (admin releases and the tenant-close cascade wrote it, nothing read it),
        // so it is extended rather than joined by a second table: one store, one reader. It is rebuilt because two
        // things change: `tenant_id` loses its foreign key (entries carry the `__admin__` / `__unauth__` sentinels,
        // and an audit trail must not vanish with what it describes; namespace deletion removes its tenants' entries
        // explicitly), and each entry gets the spec's fields: a stable `log_id`, resource, HTTP status, error code,
        // request and trace ids, caller details and metadata (`actor_type` moves there, where the reference server
        // keeps it). Old rows keep their time and tenant; their kinds map onto operation ids.
        migrator.registerMigration("v7-audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_log_v7 (
                        id INTEGER PRIMARY KEY,
                        log_id TEXT NOT NULL,
                        at_ms INTEGER NOT NULL,
                        tenant_id TEXT NOT NULL,
                        key_id TEXT,
                        user_agent TEXT,
                        source_ip TEXT,
                        operation TEXT NOT NULL,
                        resource_type TEXT,
                        resource_id TEXT,
                        request_id TEXT,
                        trace_id TEXT,
                        status INTEGER NOT NULL,
                        error_code TEXT,
                        actor_type TEXT NOT NULL,
                        subject_json TEXT,
                        action_json TEXT,
                        amount_json TEXT,
                        metadata_json TEXT
                    );
                    INSERT INTO audit_log_v7 (id, log_id, at_ms, tenant_id, operation, resource_type, resource_id,
                      status, actor_type, metadata_json)
                    SELECT id, 'log_' || lower(hex(randomblob(16))), at_ms, tenant_id,
                      CASE operation WHEN 'reservation.release' THEN 'releaseReservation'
                        WHEN 'tenant.closed' THEN 'updateTenant' ELSE operation END,
                      CASE WHEN reservation_id IS NOT NULL THEN 'reservation' WHEN operation LIKE 'budget.%' THEN 'budget'
                        WHEN operation LIKE 'api_key.%' THEN 'api_key' ELSE 'tenant' END,
                      CASE WHEN reservation_id IS NOT NULL THEN reservation_id
                        WHEN operation LIKE 'budget.%' OR operation LIKE 'api_key.%' THEN reason ELSE tenant_id END,
                      200, actor_type,
                      CASE WHEN reason IS NULL THEN json_object('actor_type', actor_type)
                        ELSE json_object('actor_type', actor_type, 'reason', reason) END
                    FROM audit_log ORDER BY id;
                    DROP TABLE audit_log;
                    ALTER TABLE audit_log_v7 RENAME TO audit_log;
                    CREATE UNIQUE INDEX audit_log_id ON audit_log(log_id);
                    CREATE INDEX audit_log_time ON audit_log(at_ms, id);
                    CREATE INDEX audit_log_tenant_time ON audit_log(tenant_id, at_ms);
                    """)
        }
        // v8: the protocol event stream (the spec's `Event`; not the `event` table, which holds `POST /v1/events`
        // charges). One row per event, appended inside the transaction of the change that caused it. `seq` orders
        // events appended in the same millisecond and breaks ties in keyset pages; `body` is the event's wire JSON,
        // answered as stored; the other columns repeat the fields the listing filters and sorts on. No foreign key to
        // `tenant`: system events carry `__system__`, and events outlive nothing they describe.
        migrator.registerMigration("v8-event-log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_log (
                        seq INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL UNIQUE,
                        event_type TEXT NOT NULL,
                        category TEXT NOT NULL,
                        tenant_id TEXT NOT NULL,
                        scope TEXT,
                        timestamp_ms INTEGER NOT NULL,
                        correlation_id TEXT,
                        request_id TEXT,
                        trace_id TEXT,
                        trace_flags TEXT,
                        traceparent_inbound_valid INTEGER NOT NULL DEFAULT 0,
                        body TEXT NOT NULL
                    );
                    CREATE INDEX event_log_tenant_time ON event_log(tenant_id, timestamp_ms);
                    CREATE INDEX event_log_time ON event_log(timestamp_ms);
                    CREATE INDEX event_log_correlation ON event_log(correlation_id);
                    """)
        }
        // v8: webhook subscriptions and the server's webhook security config (one row, absent until first PUT).
        // `signing_secret` is kept as given, not hashed: every delivery signs its body with HMAC-SHA256 keyed by the
        // secret itself, so a digest could not sign. It is never answered after create and never logged.
        migrator.registerMigration("v8-webhook-subscriptions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhook_subscription (
                        subscription_id TEXT PRIMARY KEY NOT NULL,
                        tenant_id TEXT NOT NULL,
                        name TEXT,
                        description TEXT,
                        url TEXT NOT NULL,
                        event_types TEXT NOT NULL,
                        event_categories TEXT,
                        scope_filter TEXT,
                        thresholds_json TEXT,
                        signing_secret TEXT NOT NULL,
                        headers_json TEXT,
                        status TEXT NOT NULL,
                        retry_policy_json TEXT,
                        disable_after_failures INTEGER NOT NULL,
                        consecutive_failures INTEGER NOT NULL DEFAULT 0,
                        created_at_ms INTEGER NOT NULL,
                        updated_at_ms INTEGER,
                        last_triggered_at_ms INTEGER,
                        last_success_at_ms INTEGER,
                        last_failure_at_ms INTEGER,
                        metadata_json TEXT
                    );
                    CREATE INDEX webhook_subscription_tenant ON webhook_subscription(tenant_id);
                    CREATE TABLE webhook_security_config (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        body TEXT NOT NULL
                    );
                    """)
        }
        // v8: the delivery outbox. A row per (event, subscription) is inserted in the transaction that appends the
        // event, so a committed event is delivered at least once, across crashes and restarts: the dispatcher works
        // from these rows (PENDING and RETRYING with `next_attempt_ms` due), and each row is also the
        // `WebhookDelivery` record answered by the delivery listings.
        migrator.registerMigration("v8-webhook-deliveries") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhook_delivery (
                        id INTEGER PRIMARY KEY,
                        delivery_id TEXT NOT NULL UNIQUE,
                        subscription_id TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        event_type TEXT NOT NULL,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        created_at_ms INTEGER NOT NULL,
                        attempted_at_ms INTEGER,
                        completed_at_ms INTEGER,
                        next_attempt_ms INTEGER,
                        response_status INTEGER,
                        response_time_ms INTEGER,
                        error_message TEXT,
                        trace_id TEXT,
                        trace_flags TEXT,
                        traceparent_inbound_valid INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX webhook_delivery_due ON webhook_delivery(status, next_attempt_ms);
                    CREATE INDEX webhook_delivery_subscription ON webhook_delivery(subscription_id, id);
                    """)
        }
        // v9: retention (`Ledger+Retention.swift`). Indexes that let each purge batch find its oldest rows by range
        // instead of scanning a table, chosen so the successful reserve path writes no extra index entry:
        // - idempotency answers that belong to no reservation (decide, dry-run and denied reserves, events, funding),
        //   by expiry. A partial index: a live reserve's row names its reservation and is left out (it goes with its
        //   reservation, found through the primary key), so an ALLOW reserve maintains nothing new.
        // - direct-debit charges (`POST /v1/events`) by creation, per tenant.
        // - deliveries by event (an event with a delivery still PENDING or RETRYING is never purged) and finished
        //   deliveries by completion.
        migrator.registerMigration("v9-retention") { db in
            try db.execute(
                sql: """
                    CREATE INDEX idempotency_unreserved_expiry ON idempotency(tenant_id, expires_at_ms)
                      WHERE reservation_id IS NULL;
                    CREATE INDEX event_tenant_created ON event(tenant_id, created_at_ms);
                    CREATE INDEX webhook_delivery_event ON webhook_delivery(event_id);
                    CREATE INDEX webhook_delivery_completed ON webhook_delivery(completed_at_ms)
                      WHERE completed_at_ms IS NOT NULL;
                    """)
        }
        return migrator
    }
}
