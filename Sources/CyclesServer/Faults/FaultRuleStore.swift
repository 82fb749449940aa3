import Synchronization

/// The fault rules of one server, shared by the control routes and the fault middleware.
///
/// A `Mutex` guards the rules because matching and counting must be one atomic step: two concurrent
/// requests must never both consume a rule that fires once.
public final class FaultRuleStore: Sendable {
    private struct StoredRule {
        var rule: FaultRule
        var random: SplitMix64
    }

    private struct State {
        var rules: [StoredRule] = []
        var nextNumber = 1
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    /// Adds a rule and returns it with its assigned id and zeroed counters.
    @discardableResult
    public func add(_ rule: FaultRule) throws(FaultSpecificationError) -> FaultRule {
        try rule.validate()
        return state.withLock { state in
            var stored = rule
            let number = state.nextNumber
            state.nextNumber += 1
            stored.id = "fault-\(number)"
            stored.matched = 0
            stored.applied = 0
            // Without an explicit seed the rule's number seeds it: runs stay reproducible either way.
            let random = SplitMix64(seed: rule.seed ?? UInt64(number))
            state.rules.append(StoredRule(rule: stored, random: random))
            return stored
        }
    }

    /// Every rule, in the order they were added, with their counters (spent rules included).
    public func list() -> [FaultRule] {
        state.withLock { $0.rules.map(\.rule) }
    }

    /// Removes one rule; returns whether it existed.
    @discardableResult
    public func remove(id: String) -> Bool {
        state.withLock { state in
            let before = state.rules.count
            state.rules.removeAll { $0.rule.id == id }
            return state.rules.count != before
        }
    }

    /// Removes every rule, or, given a namespace, the rules scoped to that namespace.
    public func removeAll(namespace: String? = nil) {
        state.withLock { state in
            if let namespace {
                state.rules.removeAll { $0.rule.match.namespace == namespace }
            } else {
                state.rules.removeAll()
            }
        }
    }

    /// Finds the first rule that fires for `request`, counting the call against every rule it matches
    /// (so `nth` counts calls, not firings), and consumes one use of the rule that fires.
    func consume(for request: InterceptedRequest) -> FaultRule? {
        state.withLock { state in
            var fired: FaultRule?
            for index in state.rules.indices where !state.rules[index].rule.isSpent {
                guard state.rules[index].rule.match.matches(request) else { continue }
                let matched = (state.rules[index].rule.matched ?? 0) + 1
                state.rules[index].rule.matched = matched
                guard fired == nil else { continue }
                if let nth = state.rules[index].rule.match.nth, matched < nth { continue }
                if let probability = state.rules[index].rule.probability {
                    let draw = Double.random(in: 0..<1, using: &state.rules[index].random)
                    guard draw < probability else { continue }
                }
                state.rules[index].rule.applied = (state.rules[index].rule.applied ?? 0) + 1
                fired = state.rules[index].rule
            }
            return fired
        }
    }
}
