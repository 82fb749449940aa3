import CyclesProtocol
import GRDB

/// One reservation row, as held in SQLite.
struct ReservationRecord: Sendable, Hashable {
    var reservationID: ReservationID
    var tenantID: String
    var namespace: String
    var status: ReservationStatus
    var idempotencyKey: String
    var subject: Subject
    var action: Action
    var unit: BudgetUnit
    var amount: Int64
    var committedAmount: Int64?
    var createdAtMs: Int64
    var expiresAtMs: Int64
    var graceMs: Int64
    var finalizedAtMs: Int64?
    var overagePolicy: CommitOveragePolicy
    var scopePath: String
    var affectedScopes: [String]
    /// The derived scopes that held a budget in `unit` at reserve time; only these are ever mutated.
    var budgetedScopes: [String]
    var metadata: [String: JSONValue]?
    var committedMetadata: [String: JSONValue]?
    var extensionCount: Int
    var maxExtensions: Int

    /// Commit and release are allowed until this instant (inclusive); the sweeper expires the row after it.
    var deadlineMs: Int64 { expiresAtMs.addingReportingOverflow(graceMs).overflow ? .max : expiresAtMs + graceMs }

    init(
        reservationID: ReservationID, tenantID: String, namespace: String, status: ReservationStatus,
        idempotencyKey: String, subject: Subject, action: Action, unit: BudgetUnit, amount: Int64,
        createdAtMs: Int64, expiresAtMs: Int64, graceMs: Int64, overagePolicy: CommitOveragePolicy,
        scopePath: String, affectedScopes: [String], budgetedScopes: [String], metadata: [String: JSONValue]?,
        maxExtensions: Int
    ) {
        self.reservationID = reservationID
        self.tenantID = tenantID
        self.namespace = namespace
        self.status = status
        self.idempotencyKey = idempotencyKey
        self.subject = subject
        self.action = action
        self.unit = unit
        self.amount = amount
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.graceMs = graceMs
        self.overagePolicy = overagePolicy
        self.scopePath = scopePath
        self.affectedScopes = affectedScopes
        self.budgetedScopes = budgetedScopes
        self.metadata = metadata
        self.extensionCount = 0
        self.maxExtensions = maxExtensions
    }

    init(row: Row) throws {
        reservationID = ReservationID(row["reservation_id"] as String)
        tenantID = row["tenant_id"]
        namespace = row["namespace"]
        status = ReservationStatus(rawValue: row["status"])
        idempotencyKey = row["idempotency_key"]
        subject = try LedgerJSON.decode(Subject.self, from: row["subject_json"])
        action = try LedgerJSON.decode(Action.self, from: row["action_json"])
        unit = BudgetUnit(rawValue: row["unit"])
        amount = row["amount"]
        committedAmount = row["committed_amount"]
        createdAtMs = row["created_at_ms"]
        expiresAtMs = row["expires_at_ms"]
        graceMs = row["grace_ms"]
        finalizedAtMs = row["finalized_at_ms"]
        overagePolicy = CommitOveragePolicy(rawValue: row["overage_policy"])
        scopePath = row["scope_path"]
        affectedScopes = Self.split(row["affected_scopes"])
        budgetedScopes = Self.split(row["budgeted_scopes"])
        metadata = try (row["metadata_json"] as String?).map { try LedgerJSON.decode([String: JSONValue].self, from: $0) }
        committedMetadata = try (row["committed_metadata_json"] as String?).map {
            try LedgerJSON.decode([String: JSONValue].self, from: $0)
        }
        extensionCount = row["extension_count"]
        maxExtensions = row["max_extensions"]
    }

    static func fetch(_ db: Database, id: String) throws -> ReservationRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM reservation WHERE reservation_id = ?"), arguments: [id]
        ).map(ReservationRecord.init(row:))
    }

    /// Scope lists are stored comma-joined: scope values are limited to `[a-zA-Z0-9_.-]`, so a comma never
    /// occurs inside one, and this keeps JSON encoding off the write path.
    static func join(_ scopes: [String]) -> String { scopes.joined(separator: ",") }
    static func split(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }

    /// Column values derived from the request alone (the JSON columns, the lowercased subject levels), computed
    /// before the write transaction so the single writer (the serialized section) does as little as possible.
    struct EncodedColumns: Sendable {
        var subject: String
        var action: String
        var metadata: String?
        /// The subject's levels as stored for case-insensitive filtering: workspace, app, workflow, agent, toolset.
        var lowercasedLevels: [String?]

        init(subject: Subject, action: Action, metadata: [String: JSONValue]?) throws {
            self.subject = try LedgerJSON.string(subject)
            self.action = try LedgerJSON.string(action)
            self.metadata = try metadata.map { try LedgerJSON.string($0) }
            lowercasedLevels = [subject.workspace, subject.app, subject.workflow, subject.agent, subject.toolset]
                .map { $0?.lowercased() }
        }
    }

    func insert(_ db: Database, encoded: EncodedColumns) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO reservation (reservation_id, tenant_id, namespace, status, idempotency_key, subject_json,
                  action_json, unit, amount, committed_amount, created_at_ms, expires_at_ms, grace_ms, deadline_ms,
                  finalized_at_ms, overage_policy, scope_path, affected_scopes, budgeted_scopes,
                  metadata_json, committed_metadata_json, extension_count, max_extensions,
                  workspace, app, workflow, agent, toolset, transitions)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            reservationID.rawValue, tenantID, namespace, status.rawValue, idempotencyKey,
            encoded.subject, encoded.action, unit.rawValue, amount, committedAmount,
            createdAtMs, expiresAtMs, graceMs, deadlineMs, finalizedAtMs, overagePolicy.rawValue, scopePath,
            Self.join(affectedScopes), Self.join(budgetedScopes), encoded.metadata,
            try committedMetadata.map { try LedgerJSON.string($0) },
            extensionCount, maxExtensions, encoded.lowercasedLevels[0], encoded.lowercasedLevels[1],
            encoded.lowercasedLevels[2], encoded.lowercasedLevels[3], encoded.lowercasedLevels[4],
            Self.transitionStep(from: nil, to: status, atMs: createdAtMs),
        ])
    }

    /// Persists a status change (and the fields that go with it) and appends the step to the row's transition
    /// journal.
    func saveTransition(_ db: Database, from previous: ReservationStatus, atMs: Int64) throws {
        try db.cachedStatement(
            sql: """
                UPDATE reservation SET status = ?, committed_amount = ?, finalized_at_ms = ?,
                  committed_metadata_json = ?, transitions = transitions || ? WHERE reservation_id = ?
                """
        ).execute(arguments: [
            status.rawValue, committedAmount, finalizedAtMs, try committedMetadata.map { try LedgerJSON.string($0) },
            ";" + Self.transitionStep(from: previous, to: status, atMs: atMs), reservationID.rawValue,
        ])
    }

    /// One step of the `transitions` journal column: `from>to@at_ms` (`from` empty at creation), steps joined by
    /// `;`. The journal lives in the reservation's own row (which every transition updates anyway) rather than in a
    /// table of its own, which cost every reserve and settlement an extra insert into two B-trees.
    static func transitionStep(from: ReservationStatus?, to: ReservationStatus, atMs: Int64) -> String {
        "\(from?.rawValue ?? "")>\(to.rawValue)@\(atMs)"
    }

    /// Parses a `transitions` journal into (from, to) steps; a malformed step parses as `(nil, "")`, which the
    /// invariant check reports as illegal.
    static func transitionSteps(_ journal: String) -> [(from: String?, to: String)] {
        journal.split(separator: ";").map { step in
            let body = step.split(separator: "@", maxSplits: 1).first ?? ""
            let parts = body.split(separator: ">", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return (nil, "") }
            return (parts[0].isEmpty ? nil : String(parts[0]), String(parts[1]))
        }
    }

    /// The wire detail; `include` selects the optional projections of the list endpoint.
    func detail(includeMetadata: Bool = true, includeCommittedMetadata: Bool = true) -> ReservationDetail {
        ReservationDetail(
            reservationID: reservationID, status: status, idempotencyKey: IdempotencyKey(idempotencyKey),
            subject: subject, action: action, reserved: Amount(unit: unit, amount: amount),
            committed: committedAmount.map { Amount(unit: unit, amount: $0) }, createdAtMs: createdAtMs,
            expiresAtMs: expiresAtMs,
            finalizedAtMs: (status == .committed || status == .released) ? finalizedAtMs : nil,
            scopePath: scopePath, affectedScopes: affectedScopes,
            metadata: includeMetadata ? metadata : nil,
            committedMetadata: includeCommittedMetadata && status == .committed ? committedMetadata : nil)
    }
}
