import CyclesProtocol

/// Range and shape rules the ledger enforces on typed requests, so engine callers get the same 400s as HTTP
/// callers. (The HTTP layer additionally rejects unknown fields, wrong JSON types and malformed JSON.)
extension Ledger {
    static func validate(key: IdempotencyKey, field: String = "idempotency_key") throws {
        let length = key.rawValue.schemaLength
        guard length >= 1, length <= ProtocolLimits.idempotencyKeyMaxLength else {
            throw LedgerError.invalid("\(field) must be 1-\(ProtocolLimits.idempotencyKeyMaxLength) characters")
        }
    }

    static func validate(subject: Subject) throws {
        for level in ScopeLevel.allCases {
            guard let value = subject[level] else { continue }
            guard value.schemaLength <= ProtocolLimits.subjectFieldMaxLength else {
                throw LedgerError.invalid("subject.\(level.rawValue) must be at most 128 characters")
            }
            // The spec says values SHOULD match ^[a-zA-Z0-9_.-]+$ and servers MAY reject others; we do (as the
            // reference server), because '/' or ':' in a value would corrupt the scope path.
            guard SeedParser.isValidIdentifier(value) else {
                throw LedgerError.invalid("subject.\(level.rawValue) must match ^[a-zA-Z0-9_.-]+$")
            }
        }
        guard subject.hasStandardField else {
            throw LedgerError.invalid(
                "subject must set at least one of tenant, workspace, app, workflow, agent, toolset")
        }
        if let dimensions = subject.dimensions {
            guard dimensions.count <= ProtocolLimits.dimensionsMaxCount else {
                throw LedgerError.invalid("subject.dimensions must have at most 16 entries")
            }
            for (name, value) in dimensions where value.schemaLength > ProtocolLimits.dimensionValueMaxLength {
                throw LedgerError.invalid("subject.dimensions.\(name) must be at most 256 characters")
            }
        }
    }

    static func validate(action: Action) throws {
        guard !action.kind.isEmpty, action.kind.schemaLength <= ProtocolLimits.actionKindMaxLength else {
            throw LedgerError.invalid("action.kind must be 1-64 characters")
        }
        guard !action.name.isEmpty, action.name.schemaLength <= ProtocolLimits.actionNameMaxLength else {
            throw LedgerError.invalid("action.name must be 1-256 characters")
        }
        if let tags = action.tags {
            guard tags.count <= ProtocolLimits.actionTagsMaxCount else {
                throw LedgerError.invalid("action.tags must have at most 10 items")
            }
            for (index, tag) in tags.enumerated() where tag.schemaLength > ProtocolLimits.actionTagMaxLength {
                throw LedgerError.invalid("action.tags[\(index)] must be at most 64 characters")
            }
        }
    }

    static func validate(amount: Amount, field: String) throws {
        guard amount.unit.isKnown else {
            throw LedgerError.invalid(
                "\(field).unit must be one of USD_MICROCENTS, TOKENS, CREDITS, RISK_POINTS (got '\(amount.unit.rawValue)')")
        }
        guard amount.amount >= 0 else { throw LedgerError.invalid("\(field).amount must not be negative") }
    }

    static func validate(policy: CommitOveragePolicy?, field: String = "overage_policy") throws {
        guard let policy else { return }
        guard policy.isKnown else {
            throw LedgerError.invalid(
                "\(field) must be one of REJECT, ALLOW_IF_AVAILABLE, ALLOW_WITH_OVERDRAFT (got '\(policy.rawValue)')")
        }
    }

    static func validate(metrics: StandardMetrics?) throws {
        guard let metrics else { return }
        for (name, value) in [
            ("tokens_input", metrics.tokensInput), ("tokens_output", metrics.tokensOutput),
            ("latency_ms", metrics.latencyMs),
        ] {
            if let value, value < 0 { throw LedgerError.invalid("metrics.\(name) must not be negative") }
        }
        if let version = metrics.modelVersion, version.schemaLength > ProtocolLimits.modelVersionMaxLength {
            throw LedgerError.invalid("metrics.model_version must be at most 128 characters")
        }
    }

    /// 403 when the body names a tenant other than the key's (compared exactly, as the reference server does).
    static func checkSubjectTenant(_ subject: Subject, identity: TenantIdentity) throws {
        if let tenant = subject.tenant, tenant != identity.tenantID {
            throw LedgerError(
                .forbidden, "subject.tenant '\(tenant)' does not match the API key's tenant",
                tenant: identity.tenantID)
        }
    }

    static func validate(reservationID: String) throws {
        guard !reservationID.isEmpty, reservationID.schemaLength <= ProtocolLimits.reservationIDMaxLength else {
            throw LedgerError.invalid("reservation_id must be 1-128 characters")
        }
    }
}
