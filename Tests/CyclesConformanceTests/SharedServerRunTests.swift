import CyclesConformance
import Testing

/// The CLI's situation: the whole catalogue in one run, checks in parallel, all against one shared server.
struct SharedServerRunTests {
    @Test("The whole catalogue passes in one parallel run against one server through the control API")
    func wholeCatalogueOnOneServer() async throws {
        let harness = try await ConformanceHarness.start(.controlAPI)
        let report = await harness.runner().run(ConformanceCatalogue.all, profile: .all)
        await harness.stop()
        let unexpected = report.checks.filter {
            $0.status == .fail || ($0.status == .skip && ServerConformanceTests.allowedSkips[$0.id] == nil)
        }
        // Known server issue (reported to the `server` helper): `Ledger.reloadAuthentication()` reads the key
        // table and then overwrites the in-memory copy, so a namespace DELETE racing a concurrent seed can drop the
        // freshly seeded keys, and that check's first call answers 401. Only failures of that shape are tolerated.
        withKnownIssue("namespace delete racing a seed loses API keys (server)", isIntermittent: true) {
            for result in unexpected {
                Issue.record("\(result.id) \(result.status.rawValue): \(result.evidence.message ?? "")")
            }
        } matching: { issue in
            issue.description.contains("401 UNAUTHORIZED")
        }
        #expect(report.checks.count == ConformanceCatalogue.all.count)
    }
}
