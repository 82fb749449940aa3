public import CyclesProtocol
public import CyclesServer
import HTTPTypes

/// What a scenario is judged on: every request the SDK sent (journal + capture), the ledger afterwards, and
/// the driver's result. The driver's own claims are only trusted for what only the caller can see (the error
/// type it got, the caps it was handed); everything else is judged from the wire and the ledger.
public struct ClientScenarioEvidence: Sendable {
    /// Every runtime request of the scenario's namespace as the mock saw it, including those a fault answered.
    public var journal: [JournalEntry]
    /// Requests that reached the ledger, with headers and bodies exactly as sent.
    public var captured: [CapturedExchange]
    /// The tenant's budget after the driver exited.
    public var budget: LedgerState.Budget?
    /// Every reservation of the namespace after the driver exited.
    public var reservations: [LedgerState.Reservation]
    /// The driver's JSON result (`{"sdk":…, "steps":[{"op":…, "outcomes":[…]}]}`).
    public var result: JSONValue
    /// The API key the driver was given.
    public var apiKey: String
    /// The tenant the driver was given.
    public var tenant: String

    /// Creates evidence.
    public init(
        journal: [JournalEntry], captured: [CapturedExchange], budget: LedgerState.Budget?,
        reservations: [LedgerState.Reservation], result: JSONValue, apiKey: String, tenant: String
    ) {
        self.journal = journal
        self.captured = captured
        self.budget = budget
        self.reservations = reservations
        self.result = result
        self.apiKey = apiKey
        self.tenant = tenant
    }

    // MARK: - Reading

    /// Journal entries of `operation`, in arrival order.
    public func arrivals(_ operation: RuntimeOperation) -> [JournalEntry] {
        journal.filter { $0.operation == operation }
    }

    /// Captured requests of `operation`, in arrival order.
    public func requests(_ operation: RuntimeOperation) -> [CapturedExchange] {
        captured.filter { RuntimeOperation.classify(method: .init($0.method) ?? .get, path: pathOnly($0.path))?.operation == operation }
    }

    /// Captured mutations (`POST` to the runtime API).
    public var mutations: [CapturedExchange] {
        captured.filter { exchange in
            RuntimeOperation.classify(method: .init(exchange.method) ?? .get, path: pathOnly(exchange.path))?.operation
                .isMutation ?? false
        }
    }

    /// The outcomes the driver reported for step `index`.
    public func outcomes(ofStep index: Int = 0) -> [JSONValue] {
        result["steps"]?.arrayValue?.dropFirst(index).first?["outcomes"]?.arrayValue ?? []
    }

    /// The first outcome of step `index`.
    public func outcome(ofStep index: Int = 0) -> JSONValue? { outcomes(ofStep: index).first }

    // MARK: - Judging

    /// Fails with `message` unless `condition` holds.
    public func expect(_ condition: Bool, _ message: @autoclosure () -> String, expected: String) throws {
        guard condition else { throw CheckFailure(message(), expected: expected) }
    }

    /// The driver reported a result (no `driver_error`) for every step.
    public func expectDriverRan() throws {
        if let problem = result["driver_error"]?.stringValue {
            throw CheckFailure("the driver failed: \(problem)", expected: "a result for every step")
        }
    }

    /// Exactly `count` requests of `operation` arrived.
    public func expectArrivals(_ operation: RuntimeOperation, _ count: Int) throws {
        let seen = arrivals(operation).count
        try expect(seen == count, "\(seen) \(operation) request(s) arrived", expected: "exactly \(count)")
    }

    /// The ledger holds `spent` and nothing reserved.
    public func expectLedger(spent: Int64, reserved: Int64 = 0) throws {
        guard let budget else { throw CheckFailure("the tenant's budget is missing", expected: "the seeded budget") }
        try expect(
            budget.spent == spent && budget.reserved == reserved,
            "ledger spent \(budget.spent), reserved \(budget.reserved)", expected: "spent \(spent), reserved \(reserved)")
    }

    /// No reservation is left ACTIVE (nothing leaks).
    public func expectNoActiveReservations() throws {
        let active = reservations.filter { $0.status == .active }
        try expect(active.isEmpty, "\(active.count) reservation(s) still ACTIVE", expected: "none left behind")
    }

    /// The first outcome succeeded.
    public func expectOK(step: Int = 0) throws {
        let outcome = self.outcome(ofStep: step)
        try expect(
            outcome?["status"]?.stringValue == "ok", "the driver reported \(describe(outcome))",
            expected: "the helper returned normally")
    }

    /// The first outcome is an error of `kind` (one of the contract's error kinds).
    public func expectError(_ kind: String, step: Int = 0) throws {
        let outcome = self.outcome(ofStep: step)
        try expect(
            outcome?["status"]?.stringValue == "error" && outcome?["error"]?["kind"]?.stringValue == kind,
            "the driver reported \(describe(outcome))", expected: "an error of kind \(kind)")
    }

    /// Every request of `operation` carried the same idempotency key (in the header or body), and there was at
    /// least `minimum` of them.
    public func expectSameKey(_ operation: RuntimeOperation, atLeast minimum: Int) throws {
        let entries = arrivals(operation)
        let keys = Set(entries.map { $0.idempotencyKey ?? "<none>" })
        try expect(
            entries.count >= minimum && keys.count == 1 && !keys.contains("<none>"),
            "\(entries.count) \(operation) request(s) with keys \(keys.sorted())",
            expected: "at least \(minimum), all with one idempotency key")
    }

    func describe(_ value: JSONValue?) -> String {
        guard let value, let data = try? CyclesJSON.encode(value) else { return "nothing" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The path of `pathAndQuery` without its query.
func pathOnly(_ pathAndQuery: String) -> String {
    String(pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
}
