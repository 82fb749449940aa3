import CyclesProtocol
import Synchronization

/// The live dashboard on `cycles serve` (`/dashboard`): a thin, read-mostly view over the engine.
///
/// It reads the ledger (budgets, reservations, events, deliveries, the invariant check), and under `--mock` the
/// request journal and the fault rules, and renders them as server-side HTML (`DashboardTemplates`). A
/// Server-Sent Events stream (`/dashboard/stream`) pushes re-rendered sections when the ledger changes
/// (`Ledger.changeGeneration`, one atomic increment per write, read by the stream, never waited on by a writer) and
/// the namespace clock once a second. Under `--mock` it also moves the clock and arms or removes fault rules through
/// the same ledger and `MockControls` calls as the `/__cycles` control API; without `--mock` it changes nothing.
///
/// It exists only while an admin key is configured, and every route except the login needs a session that the
/// admin key opened (`DashboardSessions`).
final class Dashboard: Sendable {
    let ledger: Ledger
    /// The mock layer's state, `nil` without `--mock`.
    let controls: MockControls?
    let sessions = DashboardSessions()
    /// Set when the server stops, so open streams end and graceful shutdown does not wait on them.
    private let closing = Atomic<Bool>(false)
    /// The last invariant verdict per namespace and when it was taken (`invariantViolations(namespace:)`).
    private let invariantVerdicts = Mutex<[String: (at: ContinuousClock.Instant, violations: [InvariantViolation])]>([:])

    /// The path every dashboard route starts with.
    static let pathPrefix = "/dashboard"

    init(ledger: Ledger, controls: MockControls?) {
        self.ledger = ledger
        self.controls = controls
    }

    /// Ends every open stream (at their next tick) and refuses new ones.
    func close() { closing.store(true, ordering: .relaxed) }

    var isClosing: Bool { closing.load(ordering: .relaxed) }

    /// The view of `namespace` with the journal narrowed by `filter`.
    func view(namespace: String, filter: DashboardView.JournalFilter) async throws -> DashboardView {
        let snapshot = try await ledger.dashboardSnapshot(namespace: namespace)
        // The invariant check reads the whole namespace, so a verdict is reused for `invariantInterval`: re-rendering
        // on every change would run it about once a second per open page against a server under load (measured: a
        // page open during a saturating reserve load cost 35 % of the throughput with a check per render, 19 % with
        // one every 5 s; BENCHMARKS.md).
        let violations = try await invariantViolations(namespace: namespace)
        return DashboardView(
            namespace: namespace, snapshot: snapshot, clock: ledger.clock(namespace: namespace), controls: controls,
            filter: filter, violations: violations)
    }

    /// How long an invariant verdict is shown before the check runs again.
    static let invariantInterval: Duration = .seconds(30)

    /// The namespace's invariant violations, from a verdict at most `invariantInterval` old.
    func invariantViolations(namespace: String) async throws -> [InvariantViolation] {
        let now = ContinuousClock.now
        if let cached = invariantVerdicts.withLock({ $0[namespace] }), now - cached.at < Self.invariantInterval {
            return cached.violations
        }
        let violations = try await ledger.checkInvariants(namespace: namespace)
        invariantVerdicts.withLock { $0[namespace] = (now, violations) }
        return violations
    }

    /// What changes whenever anything the dashboard shows may have: compared, never waited on.
    struct ChangeSignature: Hashable {
        var ledgerGeneration: UInt64
        var journalCount: Int
        var faultRules: [FaultRule]
        var clock: ClockMode
    }

    func changeSignature(namespace: String) -> ChangeSignature {
        ChangeSignature(
            ledgerGeneration: ledger.changeGeneration, journalCount: controls?.journal.recordedCount ?? 0,
            faultRules: controls?.faults.list() ?? [], clock: ledger.clock(namespace: namespace).mode)
    }
}
