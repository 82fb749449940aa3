import CyclesConformance
import Testing

/// Certifies our reference server: one test per catalogue check, through the same runner the CLI uses.
struct ServerConformanceTests {
    /// Checks that cannot run in-process, with why; every other check must pass.
    static let allowedSkips: [String: String] = Dictionary(
        uniqueKeysWithValues: ConformanceCatalogue.all
            .filter { $0.descriptor.requires.contains(.tenantLifecycle) }
            .map { ($0.id, "needs tenant lifecycle control, which neither in-process provisioner has") })

    @Test(
        "Our reference server passes the check", arguments: ConformanceCatalogue.all.map(\.id),
        ConformanceHarness.ProvisionerKind.allCases)
    func referenceServerPasses(_ id: String, _ provisioner: ConformanceHarness.ProvisionerKind) async throws {
        let check = try #require(ConformanceCatalogue.check(id: id))
        let harness = try await ConformanceHarness.start(provisioner)
        let result = await harness.runner().run(check)
        await harness.stop()
        if result.status == .skip, Self.allowedSkips[id] != nil { return }
        #expect(result.status == .pass, "\(id) \(result.status.rawValue):\n\(ConsoleReport.failureDetail(result))")
    }
}
