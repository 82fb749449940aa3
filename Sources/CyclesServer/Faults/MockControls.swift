/// The state behind the mock controls of one server: fault rules, the request journal and the ledger hooks.
///
/// The control routes (`/__cycles/…`) edit it; `FaultInjectionMiddleware` reads it on every runtime request.
public final class MockControls: Sendable {
    /// Scripted fault rules.
    public let faults: FaultRuleStore
    /// Runtime requests seen so far.
    public let journal: RequestJournal
    /// Ledger access the middleware needs.
    public let hooks: MockLedgerHooks
    /// Whether `X-Cycles-Mock-Fault` on a runtime request is honoured.
    ///
    /// The header lets any caller with network access break its own requests, so it is only honoured
    /// when the control plane is enabled (an admin key is configured); a server without admin key
    /// ignores it and behaves like a plain Cycles server.
    public let honorsFaultHeader: Bool

    /// Creates the controls.
    public init(
        hooks: MockLedgerHooks, honorsFaultHeader: Bool, faults: FaultRuleStore = FaultRuleStore(),
        journal: RequestJournal = RequestJournal()
    ) {
        self.hooks = hooks
        self.honorsFaultHeader = honorsFaultHeader
        self.faults = faults
        self.journal = journal
    }
}
