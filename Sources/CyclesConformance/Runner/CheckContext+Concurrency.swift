/// Fan-out helpers for race checks.
extension CheckContext {
    /// Runs `count` copies of `operation` at once and returns their results in index order.
    public func concurrently<Result: Sendable>(
        _ count: Int, _ operation: @escaping @Sendable (Int) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            for index in 0..<count {
                group.addTask { (index, try await operation(index)) }
            }
            var results: [(Int, Result)] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
