/// Client mode: workloads driven through the Swift `Cycles` client (filled in once the client exists).
extension ConformanceCatalogue {
    static let client: [ConformanceCheck] = []
}
