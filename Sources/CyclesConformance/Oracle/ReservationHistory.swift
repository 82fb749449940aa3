/// What a workload observed for one reservation: every settlement attempt and its status, so the oracle can
/// check that the reservation went through a legal state sequence (ACTIVE → at most one terminal state).
public struct ReservationHistory: Sendable, Hashable {
    /// One attempted operation.
    public struct Step: Sendable, Hashable, CustomStringConvertible {
        /// `commit`, `release` or `extend`.
        public var operation: String
        /// The HTTP status it got.
        public var status: Int
        /// The error code, for failures.
        public var code: String?
        /// `operation→status code`.
        public var description: String { "\(operation)→\(status)\(code.map { " \($0)" } ?? "")" }
    }

    /// The reservation id.
    public var id: String
    /// The scope path it was made on.
    public var scopePath: String
    /// Its estimate.
    public var estimate: Int64
    /// Attempts in the order they completed.
    public var steps: [Step] = []
    /// The amount charged by the successful commit, if one succeeded.
    public var charged: Int64?

    /// Creates a history.
    public init(id: String, scopePath: String, estimate: Int64) {
        self.id = id
        self.scopePath = scopePath
        self.estimate = estimate
    }

    /// How many settlements (commit or release) succeeded.
    public var successfulSettlements: Int {
        steps.filter { ($0.operation == "commit" || $0.operation == "release") && $0.status == 200 }.count
    }

    /// The terminal state the history implies: COMMITTED, RELEASED, or ACTIVE when nothing settled it.
    public var impliedStatus: String {
        if steps.contains(where: { $0.operation == "commit" && $0.status == 200 }) { return "COMMITTED" }
        if steps.contains(where: { $0.operation == "release" && $0.status == 200 }) { return "RELEASED" }
        return "ACTIVE"
    }
}
