public import CyclesProtocol
import GRDB

extension Ledger {
    /// `GET /v1/balances`: every budget of the key's tenant whose path contains each given filter as an exact
    /// (lowercased) segment, ordered by (scope_path, unit) for stable cursors. At least one subject filter is
    /// required; `tenant` is validation-only (403 on mismatch).
    public func balances(_ query: BalanceFilter, as identity: TenantIdentity) async throws -> BalanceResponse {
        let filters: [(ScopeLevel, String?)] = [
            (.tenant, query.tenant), (.workspace, query.workspace), (.app, query.app), (.workflow, query.workflow),
            (.agent, query.agent), (.toolset, query.toolset),
        ]
        guard filters.contains(where: { $0.1 != nil }) else {
            throw LedgerError.invalid(
                "at least one of tenant, workspace, app, workflow, agent, toolset is required")
        }
        if let tenant = query.tenant, tenant != identity.tenantID {
            throw LedgerError(.forbidden, "tenant '\(tenant)' does not match the API key's tenant", tenant: identity.tenantID)
        }
        guard ProtocolLimits.pageLimit.contains(query.limit) else {
            throw LedgerError.invalid("limit must be between 1 and 200")
        }
        var binding = query
        binding.limit = 0
        binding.cursor = nil
        let fingerprint = try PageCursor.fingerprint(binding)
        let after = try PageCursor.decode(query.cursor, fingerprint: fingerprint)
        let required = filters.compactMap { level, value in value.map { "\(level.rawValue):\($0.lowercased())" } }
        let tenant = identity.tenantID
        let namespace = identity.namespace
        let rows = try await readExpiringFirst(namespace: { _ in namespace }) { db in
            try Row.fetchAll(
                db, sql: "SELECT \(BudgetRecord.columns) FROM budget WHERE tenant_id = ? ORDER BY scope_path, unit",
                arguments: [tenant]
            ).map(BudgetRecord.init(row:))
        }
        // A key's scope_filter narrows what is listed rather than refusing the request: the spec's capability
        // notes say the filter "constrains which records are visible at each endpoint". A query naming only
        // uncovered scopes therefore answers an empty page, which reveals no more than a 403 would.
        let scopeFilter = identity.scopeFilter
        let matching = rows.filter { budget in
            let segments = Set(budget.scopePath.split(separator: "/").map(String.init))
            guard required.allSatisfy(segments.contains) else { return false }
            guard let scopeFilter else { return true }
            return Self.scopeFilter(scopeFilter, permits: ScopePath(parsing: budget.scopePath) ?? ScopePath(segments: []))
        }
        // Keyset: rows are in (scope_path, unit) order, so the next page starts strictly after the cursor's pair.
        let remainder = matching.drop { budget in
            guard let after, case .text(let path) = after.sortValue else { return false }
            return (budget.scopePath, budget.unit.rawValue) <= (path, after.tieBreak)
        }
        let page = Array(remainder.prefix(query.limit))
        let more = remainder.count > page.count
        let next = page.last.map {
            PageCursor(fingerprint: fingerprint, sortValue: .text($0.scopePath), tieBreak: $0.unit.rawValue)
        }
        return BalanceResponse(
            balances: page.map(\.balance), nextCursor: more ? next?.encoded : nil, hasMore: more)
    }

    /// `GET /v1/reservations`. Under an API key `tenant` is validation-only; under the admin key it is a required
    /// filter. Expired-but-unswept rows are expired first (`readExpiringFirst`), so the listed status never depends
    /// on sweeper timing.
    public func listReservations(_ query: ReservationFilter, as principal: Principal) async throws
        -> ReservationListResponse
    {
        let tenant: String
        switch principal {
        case .tenant(let identity):
            if let requested = query.tenant, requested != identity.tenantID {
                throw LedgerError(
                    .forbidden, "tenant '\(requested)' does not match the API key's tenant", tenant: identity.tenantID)
            }
            tenant = identity.tenantID
        case .admin:
            guard let requested = query.tenant else {
                throw LedgerError.invalid("tenant query parameter is required when using admin key authentication")
            }
            tenant = requested
        }
        guard ProtocolLimits.pageLimit.contains(query.limit) else {
            throw LedgerError.invalid("limit must be between 1 and 200")
        }
        for (name, from, to) in [
            ("from/to", query.createdFromMs, query.createdToMs),
            ("expires_from/expires_to", query.expiresFromMs, query.expiresToMs),
            ("finalized_from/finalized_to", query.finalizedFromMs, query.finalizedToMs),
        ] {
            if let from, let to, from > to { throw LedgerError.invalid("\(name): the lower bound is after the upper bound") }
        }
        let fingerprint = try PageCursor.fingerprint(query.binding)
        let after = try PageCursor.decode(query.cursor, fingerprint: fingerprint)
        var clauses = ["tenant_id = ?"]
        var arguments: [DatabaseValue] = [tenant.databaseValue]
        if let scopeFilter = principal.tenant?.scopeFilter {
            // Narrowed in SQL (so pages and cursors stay exact) to the reservations the key's scope_filter covers,
            // as balances are: the filter constrains what is visible rather than refusing the list.
            let (condition, values) = BudgetFilter.scopeFilterCondition(scopeFilter)
            clauses.append(condition)
            arguments += values
        }
        func add(_ clause: String, _ value: some DatabaseValueConvertible) {
            clauses.append(clause)
            arguments.append(value.databaseValue)
        }
        if let key = query.idempotencyKey { add("idempotency_key = ?", key) }
        if let status = query.status { add("status = ?", status.rawValue) }
        for (column, value) in [
            ("workspace", query.workspace), ("app", query.app), ("workflow", query.workflow), ("agent", query.agent),
            ("toolset", query.toolset),
        ] {
            if let value { add("\(column) = ?", value.lowercased()) }
        }
        if let value = query.createdFromMs { add("created_at_ms >= ?", value) }
        if let value = query.createdToMs { add("created_at_ms <= ?", value) }
        if let value = query.expiresFromMs { add("expires_at_ms >= ?", value) }
        if let value = query.expiresToMs { add("expires_at_ms <= ?", value) }
        if query.finalizedFromMs != nil || query.finalizedToMs != nil {
            clauses.append("finalized_at_ms IS NOT NULL AND status IN ('COMMITTED', 'RELEASED')")
        }
        if let value = query.finalizedFromMs { add("finalized_at_ms >= ?", value) }
        if let value = query.finalizedToMs { add("finalized_at_ms <= ?", value) }
        let column =
            switch query.sortBy {
            case .reservationID: "reservation_id"
            case .tenant: "tenant_id"
            case .scopePath: "scope_path"
            case .status: "status"
            case .reserved: "amount"
            case .createdAtMs: "created_at_ms"
            case .expiresAtMs: "expires_at_ms"
            }
        let direction = query.ascending ? "ASC" : "DESC"
        if let after {
            // Keyset pagination on (sort key, reservation_id): the next page starts strictly after the last row the
            // previous page returned, so rows created, finalized or expired in between neither repeat nor get skipped.
            clauses.append("(\(column), reservation_id) \(query.ascending ? ">" : "<") (?, ?)")
            switch after.sortValue {
            case .integer(let number): arguments.append(number.databaseValue)
            case .text(let text): arguments.append(text.databaseValue)
            }
            arguments.append(after.tieBreak.databaseValue)
        }
        arguments.append((query.limit + 1).databaseValue)
        let sql = """
            SELECT * FROM reservation WHERE \(clauses.joined(separator: " AND "))
            ORDER BY \(column) \(direction), reservation_id \(direction) LIMIT ?
            """
        let values = arguments
        let records = try await readExpiringFirst(
            namespace: { db in
                try String.fetchOne(db, sql: "SELECT namespace FROM tenant WHERE tenant_id = ?", arguments: [tenant])
            },
            { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map(ReservationRecord.init(row:))
            })
        let more = records.count > query.limit
        let next = records.prefix(query.limit).last.map { last in
            PageCursor(
                fingerprint: fingerprint, sortValue: last.sortValue(query.sortBy), tieBreak: last.reservationID.rawValue)
        }
        let page = records.prefix(query.limit).map {
            $0.detail(
                includeMetadata: query.include.contains("metadata"),
                includeCommittedMetadata: query.include.contains("committed_metadata"))
        }
        return ReservationListResponse(
            reservations: Array(page),
            nextCursor: more ? next?.encoded : nil,
            hasMore: more)
    }

    /// `GET /v1/reservations/{id}`: 404 never existed, 403 another tenant's (unless admin), 410 EXPIRED (an ACTIVE
    /// row past its commit deadline is expired first). During grace the row is still 200 ACTIVE.
    public func reservation(_ id: ReservationID, as principal: Principal) async throws -> ReservationDetail {
        try Self.validate(reservationID: id.rawValue)
        let record = try await pool.read { db in try self.ownedReservation(db, id: id, principal: principal) }
        let now = self.now(namespace: record.namespace)
        if record.status == .active && now > record.deadlineMs {
            try await write { db in
                if let current = try ReservationRecord.fetch(db, id: id.rawValue), current.status == .active {
                    try self.expire(db, current, now: self.now(namespace: current.namespace))
                }
            }
            throw LedgerError(.reservationExpired, "Reservation \(id.rawValue) has expired", tenant: record.tenantID)
        }
        if record.status == .expired {
            throw LedgerError(.reservationExpired, "Reservation \(id.rawValue) has expired", tenant: record.tenantID)
        }
        return record.detail()
    }
}

extension ReservationRecord {
    /// The value of the column `GET /v1/reservations` sorts by, as stored (the keyset cursor's sort key).
    func sortValue(_ field: ReservationFilter.SortField) -> PageCursor.Value {
        switch field {
        case .reservationID: .text(reservationID.rawValue)
        case .tenant: .text(tenantID)
        case .scopePath: .text(scopePath)
        case .status: .text(status.rawValue)
        case .reserved: .integer(amount)
        case .createdAtMs: .integer(createdAtMs)
        case .expiresAtMs: .integer(expiresAtMs)
        }
    }
}
