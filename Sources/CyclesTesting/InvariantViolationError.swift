public import CyclesServer

/// Thrown by `assertInvariants()` when the ledger breaks one of its invariants; the description lists them all.
public struct InvariantViolationError: Error, Sendable, CustomStringConvertible {
    /// The namespace checked (`nil` = all).
    public var namespace: String?
    /// Every violation the server reported.
    public var violations: [InvariantViolation]

    /// Creates the error.
    public init(namespace: String?, violations: [InvariantViolation]) {
        self.namespace = namespace
        self.violations = violations
    }

    /// One line per violation, headed by the count and namespace.
    public var description: String {
        let scope = namespace.map { "namespace '\($0)'" } ?? "all namespaces"
        let lines = violations.map { "  - \(String(describing: $0))" }
        return (["Ledger invariants violated in \(scope) (\(violations.count)):"] + lines).joined(separator: "\n")
    }
}
