public import CyclesServer
import CyclesProtocol

/// One namespace on a running test server: its own tenants, budgets, reservations, idempotency keys and clock.
///
/// Every helper acts on this namespace only, so tests that share a server do not collide.
public struct CyclesTestNamespace: Sendable {
    /// The namespace name.
    public let name: String
    /// The first API key of the seed the namespace was created with, if any.
    public let apiKey: String?
    /// The control API client.
    public let controls: CyclesMockControlClient
    /// The seed `reset()` loads again, so a reset returns to the starting state rather than to nothing.
    public let initialSeed: SeedDocument?

    /// Creates a handle for an existing namespace.
    public init(name: String, apiKey: String?, controls: CyclesMockControlClient, initialSeed: SeedDocument? = nil) {
        self.name = name
        self.apiKey = apiKey
        self.controls = controls
        self.initialSeed = initialSeed
    }

    /// Loads more tenants and budgets (additive).
    @discardableResult
    public func seed(_ document: SeedDocument) async throws -> SeedSummary {
        try await controls.seed(document, namespace: name)
    }

    /// Moves the clock forward by `duration` (whole milliseconds); every expiry that falls due has run on return.
    @discardableResult
    public func advanceClock(by duration: Duration) async throws -> ClockAdvance {
        try await controls.advanceClock(byMs: duration.wholeMilliseconds, namespace: name)
    }

    /// Freezes the clock at `epochMs`, or at the current time when `nil`.
    @discardableResult
    public func freezeClock(at epochMs: Int64? = nil) async throws -> ClockReading {
        let at: Int64
        if let epochMs { at = epochMs } else { at = try await controls.clock(namespace: name).nowMs }
        return try await controls.setClock(.frozen(atMs: at), namespace: name)
    }

    /// Sets the clock mode.
    @discardableResult
    public func setClock(_ mode: ClockMode) async throws -> ClockReading {
        try await controls.setClock(mode, namespace: name)
    }

    /// The clock now.
    public func clock() async throws -> ClockReading {
        try await controls.clock(namespace: name)
    }

    /// Adds a fault rule, scoped to this namespace unless the rule names another.
    @discardableResult
    public func inject(_ fault: FaultRule) async throws -> FaultRule {
        var scoped = fault
        if scoped.match.namespace == nil { scoped.match.namespace = name }
        return try await controls.inject(scoped)
    }

    /// This namespace's journal entries passing `query`, oldest first.
    public func journal(_ query: JournalQuery = JournalQuery()) async throws -> [JournalEntry] {
        var scoped = query
        scoped.namespace = name
        return try await controls.journal(scoped)
    }

    /// The full ledger state.
    public func state() async throws -> LedgerState {
        try await controls.state(namespace: name)
    }

    /// Every budget with all its ledger fields.
    public func balances() async throws -> [LedgerState.Budget] {
        try await state().budgets
    }

    /// Throws `InvariantViolationError`, listing every violation, unless all invariants hold.
    public func assertInvariants() async throws {
        let violations = try await controls.invariantViolations(namespace: name)
        guard violations.isEmpty else { throw InvariantViolationError(namespace: name, violations: violations) }
    }

    /// Wipes the namespace's data, its scoped faults and journal, sets its clock back to real, and loads
    /// `initialSeed` again.
    public func reset() async throws {
        try await controls.reset(namespace: name)
        if let initialSeed { try await controls.seed(initialSeed, namespace: name) }
    }

    /// Deletes the namespace.
    public func delete() async throws {
        try await controls.deleteNamespace(name)
    }
}
