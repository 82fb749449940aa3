import CyclesProtocol
import Crypto
import GRDB
import Synchronization

import Foundation

/// The Cycles budget engine: an SQLite ledger (GRDB `DatabasePool`, WAL) that serves every runtime operation
/// without a socket, namespaced so one database can hold many isolated tenant spaces (each with its own clock).
///
/// Concurrency model: every mutating request runs as **one** atomic unit of SQL (its own transaction, or its own
/// savepoint inside a group commit, see `WriteBatcher`) that holds all of its statements, including the reads that
/// decide the write (idempotency lookup, tenant status, budget rows), so SQLite's single writer serializes them and
/// concurrent reserves can never oversubscribe a shared scope. The idempotent response is stored in that same unit
/// and answered only after it commits, so a lost response can always be recovered by retrying, and two concurrent
/// requests with one key execute once (the second finds the first's stored answer and replays it). Pure reads use
/// the pool's readers. Every deadline reads the namespace clock (`now(namespace:)`), never the wall clock directly.
public final class Ledger: Sendable {
    let pool: DatabasePool
    /// Runs the request path's write transactions, grouping concurrent ones into one commit.
    let batcher: WriteBatcher
    /// Lets lazy expiry skip its query when no deadline can have passed.
    let expiryHorizon = ExpiryHorizon()
    let ids: IdentifierGenerator
    /// Clock mode per namespace; a namespace absent here runs on the real clock.
    let clocks = Mutex<[String: ClockMode]>([:])
    /// SHA-256 of every API key → its tenant. Reloaded after every seed or namespace change, so authentication
    /// costs no database round trip on the hot path.
    let apiKeys = Mutex<[String: AuthEntry]>([:])
    /// Every tenant row by id, loaded together with `apiKeys`, so the request path reads a tenant's status and
    /// settings without SQL.
    let tenants = Mutex<[String: TenantRecord]>([:])
    /// Every ACTIVE policy by tenant, in evaluation order, so a reserve finds its governing policy without SQL
    /// (reloaded after each policy write commits and with the tenants).
    let policies = Mutex<[String: [PolicyRecord]]>([:])
    /// The per-minute counters of policies' `rate_limits`.
    let rateLimiter = RateLimiter()
    /// SHA-256 of every accepted admin key.
    let adminKeyHashes = Mutex<Set<String>>([])
    /// The webhook security config in force until an operator stores one (`PUT /v1/admin/config/webhook-security`):
    /// the spec's defaults, or under `--mock` the development config that allows loopback HTTP.
    let webhookSecurityFallback = Mutex<WebhookSecurityConfig>(.defaults)
    /// Tells the webhook dispatcher when the outbox may hold due deliveries.
    let outboxWatch = OutboxWatch()
    /// Signalled after every commit that appended an event or changed a webhook delivery, so `CyclesTesting`'s
    /// "await the next event / delivery" helpers wake without polling (`Ledger+EventStreamWatch.swift`).
    package let eventStreamChanges = ChangeSignal()
    /// A temporary database file to delete on `close()` (used for `:memory:`).
    let temporaryPath: String?

    /// One API key as authentication sees it (the secret itself is never held, only its digest as the table key).
    struct AuthEntry: Sendable {
        var keyID: String
        var tenantID: String
        var namespace: String
        /// `ACTIVE`, `REVOKED` or `EXPIRED` (the stored status; a passed `expiresAtMs` expires an ACTIVE key too).
        var status: String
        var active: Bool { status == "ACTIVE" }
        /// What the key may do (the spec's tenant defaults when the row stores none).
        var permissions: [Permission]
        /// Scope patterns narrowing the key, if any.
        var scopeFilter: [String]?
        /// After this instant (epoch ms, on the tenant's namespace clock) the key is 401.
        var expiresAtMs: Int64?
    }

    /// Opens (creating if needed) the ledger at `databasePath`.
    ///
    /// `":memory:"` cannot back a `DatabasePool` (WAL needs a file and readers need their own connections), so it is
    /// served by a fresh file in the temporary directory that `close()` deletes: same semantics as an in-memory
    /// database (nothing survives), same concurrency model as a file database.
    public init(databasePath: String = ":memory:", adminKey: String? = nil, deterministicIDSeed: UInt64? = nil)
        throws
    {
        let path: String
        if databasePath == ":memory:" || databasePath.isEmpty {
            let directory = Self.memoryBackedDirectory()
            Self.sweepOrphanedFiles(in: directory)
            path = "\(directory)/\(Self.temporaryFilePrefix)\(getpid())-\(RandomIdentifier.hex(byteCount: 8)).sqlite"
            temporaryPath = path
        } else {
            path = databasePath
            temporaryPath = nil
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.maximumReaderCount = 8
        configuration.label = "cycles-ledger"
        pool = try DatabasePool(path: path, configuration: configuration)
        let horizon = expiryHorizon
        batcher = WriteBatcher(pool: pool, onRollback: { horizon.invalidateAll() })
        ids = IdentifierGenerator(seed: deterministicIDSeed)
        try LedgerSchema.migrator().migrate(pool)
        if let adminKey { adminKeyHashes.withLock { _ = $0.insert(Self.hash(adminKey)) } }
        try reloadTenants()
    }

    /// Where a `:memory:` ledger keeps its file: `/dev/shm` (RAM-backed tmpfs on Linux) when it is a writable
    /// directory, else the temporary directory. Why: such a ledger promises nothing beyond the process, so its pages
    /// need not go through a disk filesystem; on ext4 the WAL's page writes were the largest single cost of a
    /// reserve. A `--database PATH` ledger is unaffected. Containers often cap `/dev/shm` at 64 MiB, which a
    /// long benchmark could fill, so it is used only with at least 1 GiB free.
    static func memoryBackedDirectory() -> String {
        let shm = "/dev/shm"
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: shm, isDirectory: &isDirectory), isDirectory.boolValue,
            fileManager.isWritableFile(atPath: shm),
            let free = (try? fileManager.attributesOfFileSystem(forPath: shm))?[.systemFreeSize] as? NSNumber,
            free.int64Value >= 1 << 30
        {
            return shm
        }
        return fileManager.temporaryDirectory.path
    }

    /// Closes the database (after pending writes finish) and deletes a temporary file.
    public func close() throws {
        try pool.close()
        removeTemporaryFiles()
    }

    /// A `:memory:` ledger nobody closed still takes its files with it. Unlinking them while the pool's connections
    /// are open is safe on POSIX systems, and nothing can open a new connection to a ledger being deinitialised.
    deinit {
        removeTemporaryFiles()
    }

    private func removeTemporaryFiles() {
        guard let temporaryPath else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporaryPath + suffix) }
    }

    /// The name of every `:memory:` ledger's file starts with this, then the owning process id.
    static let temporaryFilePrefix = "cycles-ledger-"

    /// Deletes (once per process) the `:memory:` ledger files in `directory` whose owning process is gone: a
    /// process that was killed never closed its ledgers, and `/dev/shm` is memory, kept until the machine restarts.
    static func sweepOrphanedFiles(in directory: String) {
        let first = orphanSweep.withLock { $0.insert(directory).inserted }
        if first { removeOrphanedFiles(in: directory) }
    }

    /// Deletes the `:memory:` ledger files in `directory` whose owning process no longer exists.
    static func removeOrphanedFiles(in directory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(temporaryFilePrefix) {
            let owner = name.dropFirst(temporaryFilePrefix.count).prefix { $0 != "-" }
            // kill(pid, 0) only asks whether the process exists (EPERM: it does, under another user).
            guard let pid = pid_t(owner), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: "\(directory)/\(name)")
        }
    }

    /// The directories swept in this process.
    private static let orphanSweep = Mutex<Set<String>>([])

    /// A fresh request id (reproducible under `deterministicIDSeed`).
    public func makeRequestID() -> String { ids.requestID() }

    // MARK: - Authentication

    /// Resolves an `X-Cycles-API-Key` to its tenant; 401 UNAUTHORIZED when missing, unknown, revoked or expired.
    public func authenticate(apiKey: String?) throws(LedgerError) -> TenantIdentity {
        let entry = try authEntry(apiKey: apiKey)
        return TenantIdentity(tenantID: entry.tenantID, namespace: entry.namespace)
    }

    /// The key's table entry once it authenticates (present, known, ACTIVE and not past its expiry), else 401.
    func authEntry(apiKey: String?) throws(LedgerError) -> AuthEntry {
        guard let apiKey, !apiKey.isEmpty else { throw LedgerError(.unauthorized, "Missing API key") }
        let digest = Self.hash(apiKey)
        guard let entry = apiKeys.withLock({ $0[digest] }) else {
            throw LedgerError(.unauthorized, "Invalid API key")
        }
        guard entry.active else { throw LedgerError(.unauthorized, "API key is \(entry.status.lowercased())") }
        if let expiresAtMs = entry.expiresAtMs, now(namespace: entry.namespace) >= expiresAtMs {
            throw LedgerError(.unauthorized, "API key is expired")
        }
        return entry
    }

    /// Whether `key` is an accepted `X-Admin-API-Key` (configured or seeded).
    public func isAdminKey(_ key: String) -> Bool {
        let digest = Self.hash(key)
        return adminKeyHashes.withLock { $0.contains(digest) }
    }

    /// Adds an accepted admin key.
    public func addAdminKey(_ key: String) {
        let digest = Self.hash(key)
        adminKeyHashes.withLock { _ = $0.insert(digest) }
    }

    /// Whether any admin key is configured.
    public var hasAdminKey: Bool { adminKeyHashes.withLock { !$0.isEmpty } }

    /// Reloads the in-memory mirrors of the tenant and API-key tables (and forgets expiry horizons). Tenant and key
    /// rows change only through seeding and namespace operations, and each of them calls this after its write
    /// commits; like every in-memory mirror here, this assumes the process is the database's only writer.
    func reloadTenants() throws {
        // The read and the swap happen under the key table's lock. Done separately, two concurrent reloads (a
        // namespace deleted while another is seeded) could interleave so that the older read is swapped in last,
        // dropping freshly seeded keys (seen as intermittent 401s). Reloads follow admin operations only, so holding
        // the lock across one short read costs authentication nothing measurable.
        try apiKeys.withLock { table in
            let (keyRows, tenantRows) = try pool.read { db in
                (
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT k.key_hash, k.key_id, k.tenant_id, k.status, k.permissions, k.scope_filter,
                              k.expires_at_ms, t.namespace
                            FROM api_key k JOIN tenant t USING (tenant_id)
                            """
                    ),
                    try TenantRecord.fetchAll(db)
                )
            }
            var fresh: [String: AuthEntry] = [:]
            for row in keyRows {
                fresh[row["key_hash"]] = AuthEntry(
                    keyID: row["key_id"], tenantID: row["tenant_id"], namespace: row["namespace"],
                    status: row["status"],
                    permissions: Self.decodeList(row["permissions"]).map { $0.map(Permission.init(rawValue:)) }
                        ?? Permission.tenantDefaults,
                    scopeFilter: Self.decodeList(row["scope_filter"]), expiresAtMs: row["expires_at_ms"])
            }
            table = fresh
            tenants.withLock { $0 = Dictionary(uniqueKeysWithValues: tenantRows.map { ($0.tenantID, $0) }) }
            expiryHorizon.invalidateAll()
        }
        // Seeding and namespace changes add or delete tenants, and their policies with them.
        try reloadPolicies()
    }

    /// A JSON array of strings stored in a column (permissions, scope patterns); `nil` for NULL or unreadable text.
    static func decodeList(_ text: String?) -> [String]? {
        guard let text else { return nil }
        return try? CyclesJSON.decode([String].self, from: Data(text.utf8))
    }

    /// The column text of a list of strings (`nil` stays NULL).
    static func encodeList(_ list: [String]?) -> String? {
        guard let list, let data = try? CyclesJSON.encode(list) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The tenant's row (status and settings), `nil` for an unknown tenant.
    func tenantRecord(_ tenantID: String) -> TenantRecord? {
        tenants.withLock { $0[tenantID] }
    }

    /// SHA-256 hex of a secret; keys are only ever stored and compared in this form.
    static func hash(_ secret: String) -> String {
        RandomIdentifier.hexString(SHA256.hash(data: Data(secret.utf8)))
    }

    /// SHA-256 hex of the canonical (sorted-key) JSON of a normalized request: the idempotency payload hash.
    static func requestHash(_ value: some Encodable) throws -> String {
        RandomIdentifier.hexString(SHA256.hash(data: try CyclesJSON.encode(value)))
    }

    // MARK: - Clock

    /// The time the namespace's clock reads now (epoch ms).
    public func now(namespace: String) -> Int64 {
        let mode = clocks.withLock { $0[namespace] } ?? .real
        return mode.now(wallClockMs: NamespaceClock.wallClockMs())
    }

    /// A snapshot of the namespace's clock.
    public func clock(namespace: String) -> NamespaceClock {
        let mode = clocks.withLock { $0[namespace] } ?? .real
        return NamespaceClock(namespace: namespace, mode: mode, nowMs: mode.now(wallClockMs: NamespaceClock.wallClockMs()))
    }

    // MARK: - Transactions

    /// Runs `body` as one write transaction (group-committed with concurrent requests, see `WriteBatcher`). A
    /// `LedgerError` thrown by `body` is returned to the caller **after the transaction commits**, so a lazy expiry
    /// performed before the error is kept; every other check throws before any mutation, so committing is harmless.
    /// Any other error rolls back what `body` wrote.
    ///
    /// The caller's `RequestCorrelation` is bound again inside `body`: a queued job runs on GRDB's writer queue,
    /// outside the request's task, and `recordAudit` reads it there.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard let correlation = RequestCorrelation.current else { return try await batcher.write(body) }
        return try await batcher.write { db in
            try RequestCorrelation.$current.withValue(correlation) { try body(db) }
        }
    }
}
