public import CyclesProtocol
public import CyclesServer

/// One client-conformance scenario: the state the mock server starts in, the faults and rewrites it applies,
/// the steps the driver performs through the SDK, and the judge that decides from what the SDK *sent*.
public struct ClientScenario: Sendable {
    /// ID (`SDK-…`), level, title and spec reference; the section is always ``CheckSection/client``.
    public var descriptor: CheckDescriptor
    /// Tenant budget, caps and debt the namespace is seeded with.
    public var budget: ClientScenarioBudget
    /// Fault rules armed for this scenario (scoped to its namespace by the runner).
    public var faults: [FaultRule]
    /// Changes to successful answers (forward-compatibility scenarios).
    public var rewrites: [ResponseRewrite]
    /// What the driver performs, sent as `{"scenario": id, "steps": […]}` on its standard input.
    public var steps: [JSONValue]
    /// Decides pass or fail; throws ``CheckFailure`` on a violation.
    public var judge: @Sendable (ClientScenarioEvidence) throws -> Void

    /// Creates a scenario.
    public init(
        _ id: String, _ level: ConformanceLevel, _ title: String, spec: String,
        budget: ClientScenarioBudget = ClientScenarioBudget(), faults: [FaultRule] = [],
        rewrites: [ResponseRewrite] = [], steps: [JSONValue],
        judge: @escaping @Sendable (ClientScenarioEvidence) throws -> Void
    ) {
        descriptor = CheckDescriptor(id: id, level: level, section: .client, title: title, spec: spec, requires: [.client])
        self.budget = budget
        self.faults = faults
        self.rewrites = rewrites
        self.steps = steps
        self.judge = judge
    }

    /// The scenario's ID.
    public var id: String { descriptor.id }
}

/// The single tenant budget a scenario starts with (unit `TOKENS`).
public struct ClientScenarioBudget: Sendable, Hashable {
    /// Funded amount.
    public var allocated: Int64
    /// Caps returned with ALLOW_WITH_CAPS.
    public var caps: Caps?

    /// Creates a budget.
    public init(allocated: Int64 = 100_000, caps: Caps? = nil) {
        self.allocated = allocated
        self.caps = caps
    }
}

/// A guarded step: the SDK's high-level helper (decorator / `withCycles`) reserving `estimate` tokens and
/// committing `actual`. See the driver contract in `Conformance/README.md`.
func guardedStep(
    estimate: Int64 = 1_000, actual: Int64 = 640, body: String = "return", ttlMs: Int64? = nil, holdMs: Int64? = nil,
    dryRun: Bool = false, concurrency: Int = 1, actionName: String = "conformance"
) -> JSONValue {
    var step: [String: JSONValue] = [
        "op": "guarded", "estimate": .integer(estimate), "actual": .integer(actual), "unit": "TOKENS",
        "action_kind": "llm.completion", "action_name": .string(actionName), "body": .string(body),
    ]
    if let ttlMs { step["ttl_ms"] = .integer(ttlMs) }
    if let holdMs { step["hold_ms"] = .integer(holdMs) }
    if dryRun { step["dry_run"] = true }
    if concurrency > 1 { step["concurrency"] = .integer(Int64(concurrency)) }
    return .object(step)
}

/// A decide step: the SDK's preflight decision call.
func decideStep(estimate: Int64 = 1_000) -> JSONValue {
    ["op": "decide", "estimate": .integer(estimate), "unit": "TOKENS", "action_kind": "llm.completion",
     "action_name": "conformance"]
}
