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
    /// Creates the controls.
    public init(
        hooks: MockLedgerHooks, faults: FaultRuleStore = FaultRuleStore(),
        journal: RequestJournal = RequestJournal()
    ) {
        self.hooks = hooks
        self.faults = faults
        self.journal = journal
    }
}
