import CyclesProtocol

/// The reserve-time evaluation (live reserve, dry run, decide) as an explicit pipeline, shaped after v0.1.26's
/// RESERVATION EVALUATION ORDER (`cycles-protocol-extensions-v0.1.26.yaml`) so its steps slot in without moving
/// today's checks.
///
/// | step                        | v0.1.26 spec                          | what runs today (v0.1.25)                                   |
/// |-----------------------------|---------------------------------------|-------------------------------------------------------------|
/// | `admission`                 | base-spec gates "BEFORE this order"   | closed tenant (409 / DENY TENANT_CLOSED), suspended tenant  |
/// |                             |                                       | (403, live only), policy `rate_limits` (429 LIMIT_EXCEEDED) |
/// | `actionKindAccessControl`   | STEP 1 allowed/denied_action_kinds    | nothing (empty slot: `denial(accessControlFor:)`)           |
/// | `riskClassQuotas`           | STEP 2 risk-class quotas              | nothing (empty slot: `denial(riskClassQuotasFor:)`)         |
/// | `actionQuotas`              | STEP 3 per-kind action quotas         | nothing (empty slot: `denial(actionQuotasFor:)`)            |
/// | `budgetChecks`              | STEP 4 budget balance checks          | `Ledger.enforcement` + `Ledger.denial` (FROZEN, CLOSED,     |
/// |                             |                                       | over-limit, debt, remaining; no budget)                     |
/// | `atomicCommit`              | STEP 5 atomic commit on ALLOW         | hold the estimate, persist the reservation with the TTL,    |
/// |                             |                                       | extension limit and overage policy resolved here; answer    |
/// |                             |                                       | the governing policy's caps as ALLOW_WITH_CAPS              |
///
/// Policy choice follows both specs: of the tenant's ACTIVE policies inside their effective window whose
/// `scope_pattern` matches the reservation's scope path, only the highest-priority one applies (ties: the older
/// one); its rules are not merged with lower ones. v0.1.26's `observe_mode` (tenant default or per request) will
/// select dry-run semantics before `admission`; DenyDetail will be filled by the step that denies.
struct ReserveEvaluation: Sendable {
    /// The tenant the request acts for.
    let tenantID: String
    /// The tenant's row (status and settings); `nil` for a tenant without one.
    let tenant: TenantRecord?
    /// The governing policy, if any matches.
    let policy: PolicyRecord?
    /// The reservation's scope path.
    let path: ScopePath
    /// The namespace and its clock reading for this request.
    let namespace: String
    let now: Int64

    // MARK: - admission

    /// The reserve rate limit of the governing policy: 429 LIMIT_EXCEEDED with `Retry-After` when this minute's
    /// allowance is used up. A live reserve counts itself (`consume`); dry runs and decide only look, so they report
    /// the throttle a live reserve would meet without using it up.
    func requireReserveRate(_ limiter: RateLimiter, consume: Bool) throws(LedgerError) {
        guard let policy, let limit = policy.rules.rateLimits?.maxReservationsPerMinute else { return }
        try Self.requireRate(
            limiter, policy: policy, operation: .reserve, limit: limit, scope: path.description, namespace: namespace,
            now: now, consume: consume, tenant: tenantID, what: "reservations")
    }

    static func requireRate(
        _ limiter: RateLimiter, policy: PolicyRecord, operation: RateLimiter.Operation, limit: Int64, scope: String,
        namespace: String, now: Int64, consume: Bool, tenant: String?, what: String
    ) throws(LedgerError) {
        let key = RateLimiter.Key(namespace: namespace, policyID: policy.policyID, scope: scope, operation: operation)
        guard let waitMs = limiter.admit(key, limit: limit, now: now, consume: consume) else { return }
        var error = LedgerError(
            .limitExceeded,
            "Rate limit of policy \(policy.policyID) reached: at most \(limit) \(what) per minute for \(scope)",
            tenant: tenant)
        error.retryAfterSeconds = (waitMs + 999) / 1000
        error.rateLimitResetEpochSeconds = (now + waitMs + 999) / 1000
        throw error
    }

    // MARK: - Steps 1–3 (v0.1.26; empty in v0.1.25)

    /// STEP 1 — action-kind access control. v0.1.25 policies carry no allow/deny lists, so nothing is denied; v0.1.26
    /// answers ACTION_KIND_DENIED / ACTION_KIND_NOT_ALLOWED here from `allowed_action_kinds` / `denied_action_kinds`.
    func denial(accessControlFor action: Action) -> DecisionReasonCode? { nil }

    /// STEP 2 — risk-class quotas. Empty in v0.1.25; v0.1.26 answers ACTION_QUOTA_EXCEEDED from `risk_class_quotas`.
    func denial(riskClassQuotasFor action: Action) -> DecisionReasonCode? { nil }

    /// STEP 3 — per-kind action quotas. Empty in v0.1.25; v0.1.26 answers ACTION_QUOTA_EXCEEDED from `action_quotas`.
    func denial(actionQuotasFor action: Action) -> DecisionReasonCode? { nil }

    /// Steps 1–3 in order: the first denial, if any.
    func policyDenial(for action: Action) -> DecisionReasonCode? {
        denial(accessControlFor: action) ?? denial(riskClassQuotasFor: action) ?? denial(actionQuotasFor: action)
    }

    // MARK: - atomicCommit: what the reservation is created with

    /// Effective TTL: the request's, else the policy's default, else the tenant's, else 60 s; capped (not rejected)
    /// by the policy's maximum, else the tenant's.
    func ttlMs(requested: Int64?) -> Int64 {
        let override = policy?.rules.reservationTTLOverride
        let ttl = requested ?? override?.defaultTTLMs ?? tenant?.defaultTTLMs ?? ProtocolLimits.defaultTTLMs
        guard let maximum = override?.maxTTLMs ?? tenant?.maxTTLMs else { return ttl }
        return min(ttl, maximum)
    }

    /// Extensions allowed: the policy's, else the tenant's, else the protocol default.
    var maxExtensions: Int {
        policy?.rules.reservationTTLOverride?.maxExtensions ?? tenant?.maxExtensions ?? ProtocolLimits.defaultMaxExtensions
    }

    /// Overage policy frozen on the reservation (the admin spec's chain, `protocol.md` §16.13): the request's,
    /// else the governing policy's, else the tenant default, else ALLOW_IF_AVAILABLE. Commit applies it.
    func overagePolicy(requested: CommitOveragePolicy?) -> CommitOveragePolicy {
        requested ?? policy?.rules.commitOveragePolicy ?? tenant?.defaultOveragePolicy ?? .allowIfAvailable
    }

    /// Caps for the answer (`protocol.md` §16.14): the governing policy's when it has any, else the deepest
    /// budget's (seeded `caps`); `nil` (plain ALLOW) when neither has one.
    func caps(budgetCaps: Caps?) -> Caps? {
        if let caps = policy?.rules.caps, !caps.isEmpty { return caps }
        return budgetCaps
    }
}

extension Ledger {
    /// The evaluation context of a reserve, dry run or decide: the tenant row and the governing policy, both from
    /// memory (a tenant without policies costs one dictionary lookup).
    func reserveEvaluation(tenant: String, namespace: String, path: ScopePath, now: Int64) -> ReserveEvaluation {
        ReserveEvaluation(
            tenantID: tenant, tenant: tenantRecord(tenant), policy: governingPolicy(tenant: tenant, path: path, now: now), path: path,
            namespace: namespace, now: now)
    }
}
