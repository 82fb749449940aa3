import CyclesProtocol

/// Turns seed JSON into a `SeedDocument`, rejecting unknown fields, wrong types and impossible values with the
/// JSON path of the culprit.
struct SeedParser {
    let source: String

    private func fail(_ path: String, _ reason: String) -> SeedError {
        SeedError(source: source, path: path, reason: reason)
    }

    private func object(_ value: JSONValue, at path: String, allowed: [String]) throws -> [String: JSONValue] {
        guard let members = value.objectValue else { throw fail(path, "must be an object") }
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw fail("\(path).\(key)", "unknown field")
        }
        return members
    }

    private func string(_ members: [String: JSONValue], _ key: String, at path: String, required: Bool = false)
        throws -> String?
    {
        guard let value = members[key], value != .null else {
            if required { throw fail("\(path).\(key)", "is required") }
            return nil
        }
        guard let text = value.stringValue else { throw fail("\(path).\(key)", "must be a string") }
        return text
    }

    private func integer(_ members: [String: JSONValue], _ key: String, at path: String, required: Bool = false)
        throws -> Int64?
    {
        guard let value = members[key], value != .null else {
            if required { throw fail("\(path).\(key)", "is required") }
            return nil
        }
        guard let number = value.integerValue else {
            throw fail("\(path).\(key)", "must be an integer within the int64 range")
        }
        guard number >= 0 else { throw fail("\(path).\(key)", "must not be negative") }
        return number
    }

    private func status(_ text: String?, at path: String, allowed: [String]) throws -> String? {
        guard let text else { return nil }
        guard allowed.contains(text) else {
            throw fail(path, "must be one of \(allowed.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    private func policy(_ text: String?, at path: String) throws -> CommitOveragePolicy? {
        guard let text else { return nil }
        let policy = CommitOveragePolicy(rawValue: text)
        guard policy.isKnown else {
            throw fail(path, "unknown overage policy '\(text)' (REJECT, ALLOW_IF_AVAILABLE, ALLOW_WITH_OVERDRAFT)")
        }
        return policy
    }

    func document(_ value: JSONValue) throws -> SeedDocument {
        let members = try object(value, at: "$", allowed: SeedDocument.CodingKeys.allCases.map(\.rawValue))
        var document = SeedDocument()
        document.adminKey = try string(members, "admin_key", at: "$")
        if let adminKey = document.adminKey, adminKey.isEmpty { throw fail("$.admin_key", "must not be empty") }
        if let tenants = members["tenants"] {
            guard let list = tenants.arrayValue else { throw fail("$.tenants", "must be an array") }
            var seen: Set<String> = []
            for (index, item) in list.enumerated() {
                let tenant = try self.tenant(item, at: "$.tenants[\(index)]")
                guard seen.insert(tenant.tenantID).inserted else {
                    throw fail("$.tenants[\(index)].tenant_id", "duplicate tenant '\(tenant.tenantID)'")
                }
                document.tenants.append(tenant)
            }
        }
        if let budgets = members["budgets"] {
            guard let list = budgets.arrayValue else { throw fail("$.budgets", "must be an array") }
            var seen: Set<String> = []
            for (index, item) in list.enumerated() {
                let budget = try self.budget(item, at: "$.budgets[\(index)]")
                guard seen.insert("\(budget.scope)|\(budget.unit.rawValue)").inserted else {
                    throw fail("$.budgets[\(index)]", "duplicate budget for \(budget.scope) in \(budget.unit.rawValue)")
                }
                document.budgets.append(budget)
            }
        }
        return document
    }

    func tenant(_ value: JSONValue, at path: String) throws -> SeedTenant {
        let members = try object(value, at: path, allowed: SeedTenant.CodingKeys.allCases.map(\.rawValue))
        let tenantID = try string(members, "tenant_id", at: path, required: true)!
        guard Self.isValidIdentifier(tenantID) else {
            throw fail("\(path).tenant_id", "must be 1-128 characters of [a-zA-Z0-9_.-]")
        }
        var tenant = SeedTenant(tenantID: tenantID)
        tenant.name = try string(members, "name", at: path)
        tenant.status = try status(
            string(members, "status", at: path), at: "\(path).status", allowed: ["ACTIVE", "SUSPENDED", "CLOSED"])
        tenant.defaultCommitOveragePolicy = try policy(
            string(members, "default_commit_overage_policy", at: path), at: "\(path).default_commit_overage_policy")
        if let extensions = try integer(members, "max_reservation_extensions", at: path) {
            guard extensions <= 1_000_000 else {
                throw fail("\(path).max_reservation_extensions", "must be at most 1000000")
            }
            tenant.maxReservationExtensions = Int(extensions)
        }
        for key in ["default_reservation_ttl_ms", "max_reservation_ttl_ms"] {
            guard let ttl = try integer(members, key, at: path) else { continue }
            guard ProtocolLimits.ttlMs.contains(ttl) else { throw fail("\(path).\(key)", "must be 1000...86400000") }
            if key == "default_reservation_ttl_ms" { tenant.defaultReservationTTLMs = ttl } else {
                tenant.maxReservationTTLMs = ttl
            }
        }
        if let keys = members["api_keys"] {
            guard let list = keys.arrayValue else { throw fail("\(path).api_keys", "must be an array") }
            for (index, item) in list.enumerated() {
                let keyPath = "\(path).api_keys[\(index)]"
                let keyMembers = try object(item, at: keyPath, allowed: SeedAPIKey.CodingKeys.allCases.map(\.rawValue))
                let secret = try string(keyMembers, "key", at: keyPath, required: true)!
                guard secret.count >= 8, secret.count <= 256 else {
                    throw fail("\(keyPath).key", "must be 8-256 characters")
                }
                let keyStatus = try status(
                    string(keyMembers, "status", at: keyPath), at: "\(keyPath).status",
                    allowed: ["ACTIVE", "REVOKED", "EXPIRED"])
                var permissions: [Permission]?
                if let list = keyMembers["permissions"], list != .null {
                    guard let items = list.arrayValue else { throw fail("\(keyPath).permissions", "must be an array") }
                    permissions = try items.enumerated().map { offset, item in
                        guard let text = item.stringValue, Permission(rawValue: text).isKnown else {
                            throw fail("\(keyPath).permissions[\(offset)]", "must be a Permission (e.g. reservations:create)")
                        }
                        return Permission(rawValue: text)
                    }
                }
                tenant.apiKeys.append(
                    SeedAPIKey(
                        key: secret, name: try string(keyMembers, "name", at: keyPath), status: keyStatus,
                        permissions: permissions, expiresAtMs: try integer(keyMembers, "expires_at_ms", at: keyPath)))
            }
        }
        return tenant
    }

    func budget(_ value: JSONValue, at path: String) throws -> SeedBudget {
        let members = try object(value, at: path, allowed: SeedBudget.CodingKeys.allCases.map(\.rawValue))
        let tenantID = try string(members, "tenant_id", at: path, required: true)!
        let scopeText = try string(members, "scope", at: path, required: true)!
        guard let scope = ScopePath(parsing: scopeText) else {
            throw fail("\(path).scope", "not a canonical scope path such as tenant:acme/agent:bot")
        }
        guard scope.segments.first?.level == .tenant, scope.segments.first?.value == tenantID.lowercased() else {
            throw fail("\(path).scope", "must start with tenant:\(tenantID)")
        }
        let unitText = try string(members, "unit", at: path, required: true)!
        let unit = BudgetUnit(rawValue: unitText)
        guard unit.isKnown else {
            throw fail("\(path).unit", "unknown unit '\(unitText)' (USD_MICROCENTS, TOKENS, CREDITS, RISK_POINTS)")
        }
        let allocated = try integer(members, "allocated", at: path, required: true)!
        var budget = SeedBudget(tenantID: tenantID, scope: scope.description, unit: unit, allocated: allocated)
        budget.overdraftLimit = try integer(members, "overdraft_limit", at: path)
        budget.commitOveragePolicy = try policy(
            string(members, "commit_overage_policy", at: path), at: "\(path).commit_overage_policy")
        budget.status = try status(
            string(members, "status", at: path), at: "\(path).status", allowed: ["ACTIVE", "FROZEN", "CLOSED"])
        budget.spent = try integer(members, "spent", at: path)
        budget.debt = try integer(members, "debt", at: path)
        if let flag = members["is_over_limit"], flag != .null {
            guard let bool = flag.boolValue else { throw fail("\(path).is_over_limit", "must be a boolean") }
            budget.isOverLimit = bool
        }
        if let caps = members["caps"], caps != .null {
            budget.caps = try self.caps(caps, at: "\(path).caps")
        }
        let (used, overflow) = (budget.spent ?? 0).addingReportingOverflow(budget.debt ?? 0)
        guard !overflow, used <= allocated || (budget.debt ?? 0) > 0 else {
            throw fail(path, "spent + debt exceeds allocated without debt to account for it")
        }
        return budget
    }

    func caps(_ value: JSONValue, at path: String) throws -> Caps {
        let members = try object(
            value, at: path,
            allowed: ["max_tokens", "max_steps_remaining", "tool_allowlist", "tool_denylist", "cooldown_ms"])
        var caps = Caps()
        caps.maxTokens = try integer(members, "max_tokens", at: path)
        caps.maxStepsRemaining = try integer(members, "max_steps_remaining", at: path)
        caps.cooldownMs = try integer(members, "cooldown_ms", at: path)
        for key in ["tool_allowlist", "tool_denylist"] {
            guard let list = members[key], list != .null else { continue }
            guard let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw fail("\(path).\(key)", "must be an array of strings")
            }
            let names = items.compactMap(\.stringValue)
            if key == "tool_allowlist" { caps.toolAllowlist = names } else { caps.toolDenylist = names }
        }
        return caps
    }

    /// Tenant ids follow the subject charset so `subject.tenant` can always name them.
    static func isValidIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128
            && text.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 95
                    || byte == 46 || byte == 45
            }
    }
}
