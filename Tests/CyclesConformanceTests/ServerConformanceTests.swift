import CyclesConformance
import Testing

/// Certifies our reference server: one test per catalogue check, through the same runner the CLI uses.
struct ServerConformanceTests {
    @Test(
        "Our reference server passes the check", arguments: ConformanceCatalogue.all.map(\.id),
        ConformanceHarness.ProvisionerKind.allCases)
    func referenceServerPasses(_ id: String, _ provisioner: ConformanceHarness.ProvisionerKind) async throws {
        let check = try #require(ConformanceCatalogue.check(id: id))
        let harness = try await ConformanceHarness.start(provisioner)
        let result = await harness.runner().run(check)
        await harness.stop()
        #expect(result.status == .pass, "\(id) \(result.status.rawValue):\n\(ConsoleReport.failureDetail(result))")
    }
}
