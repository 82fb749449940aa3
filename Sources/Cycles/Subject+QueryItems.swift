import CyclesProtocol

extension Subject {
    /// The non-empty standard levels as query items (`tenant=…&workspace=…`), root first: the subject filter of
    /// `GET /v1/balances` and `GET /v1/reservations`.
    var scopeQueryItems: [(String, String)] {
        ScopeLevel.allCases.compactMap { level in
            guard let value = self[level], !value.isEmpty else { return nil }
            return (level.rawValue, value)
        }
    }
}
