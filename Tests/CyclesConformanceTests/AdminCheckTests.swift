import CyclesConformance
import CyclesProtocol
import Testing

/// The admin-plane checks' own behaviour beyond passing against our server (ServerConformanceTests) and failing
/// against a defective one (DefectDetectionTests).
struct AdminCheckTests {
    @Test("Without the admin key every admin-plane check is skipped with that reason, before it sends anything")
    func skippedWithoutAdminKey() async {
        // Port 9 (discard) on loopback: a check that sent anything would fail with a transport error, not skip.
        let client = WireClient(baseURL: "http://127.0.0.1:9")
        let runner = ConformanceRunner(
            client: client, provisioner: UnavailableProvisioner(), options: RunOptions(adminKey: nil))
        let checks = ConformanceCatalogue.select(profile: .all, only: ["SRV-ADM"])
        let report = await runner.run(checks, profile: .all)
        await client.shutdown()
        #expect(!checks.isEmpty && report.checks.count == checks.count)
        for result in report.checks {
            #expect(result.status == .skip, "\(result.id): \(result.status.rawValue)")
            #expect(result.evidence.message?.contains("--admin-key") == true, "\(result.id): \(result.evidence.message ?? "")")
            #expect(result.evidence.exchanges.isEmpty, "\(result.id) sent a request")
        }
    }

    @Test("The capability table: admin-plane flags stay false with every admin permission, wildcards count only where listed")
    func capabilityTable() {
        let everything = Set(Permission.knownValues.map(\.rawValue))
        let all = CapabilityDerivation.expected(for: everything)
        for flag in CapabilityDerivation.adminOnly { #expect(all[flag] == false, "\(flag)") }
        #expect(all.count == WireShapes.requiredCapabilities.count + WireShapes.optionalCapabilities.count)
        let write = CapabilityDerivation.expected(for: ["admin:write"])
        #expect(write["manage_budgets"] == true && write["view_budgets"] == false && write["view_reservations"] == false)
        let read = CapabilityDerivation.expected(for: ["admin:read"])
        #expect(read["view_reservations"] == true && read["manage_reservations"] == false)
        #expect(CapabilityDerivation.expected(for: []).values.allSatisfy { !$0 })
    }
}
