import CyclesConformance
import CyclesServer
import Testing

/// Proves the checks can fail: each defect of the proxy must make exactly the expected check IDs fail.
struct DefectDetectionTests {
    /// Checks run through the proxy for every defect.
    static let probes = [
        "SRV-WIRE-005", "SRV-WIRE-010", "SRV-ERR-015", "SRV-IDEM-002", "SRV-CONC-001", "SRV-ERR-033", "SRV-ERR-034",
        "SRV-ERR-035", "SRV-ERR-036", "SRV-ERR-037", "SRV-ERR-038", "SRV-LIFE-012", "SRV-WIRE-019",
    ]

    static let expectations: [(DefectiveProxy.Defect, Set<String>)] = [
        (.none, []),
        (.rechargesReplayedCommit, ["SRV-IDEM-002"]),
        (.oversubscribes, ["SRV-ERR-015", "SRV-CONC-001"]),
        (.dropsTraceHeader, ["SRV-WIRE-010", "SRV-WIRE-019"]),
        (.overdraftDeficitModel, ["SRV-ERR-033"]),
        (.countsGraphemes, ["SRV-ERR-034"]),
        (.offsetCursor, ["SRV-LIFE-012"]),
        (.lenientQueryValues, ["SRV-ERR-035", "SRV-ERR-036"]),
        (.oversizeAndDepthAs400, ["SRV-ERR-037", "SRV-ERR-038"]),
        // Every probe that judges an error answer fails; those that read only successes pass.
        (.textPlainErrors, [
            "SRV-WIRE-010", "SRV-ERR-015", "SRV-CONC-001", "SRV-ERR-033", "SRV-ERR-034", "SRV-ERR-035", "SRV-ERR-037",
            "SRV-ERR-038", "SRV-WIRE-019",
        ]),
    ]

    /// Admin-plane checks run through the proxy for the admin-plane defects (and the general ones they must see).
    static let adminProbes = [
        "SRV-ADM-003", "SRV-ADM-006", "SRV-ADM-008", "SRV-ADM-009", "SRV-ADM-010", "SRV-ADM-012",
    ]

    static let adminExpectations: [(DefectiveProxy.Defect, Set<String>)] = [
        (.none, []),
        (.tenantIntrospectionElevated, ["SRV-ADM-003"]),
        (.adminPlaneTrustsTenantKeys, ["SRV-ADM-008"]),
        (.admitsSuspendedTenants, ["SRV-ADM-006"]),
        (.adminErrorsWithoutRequestID, ["SRV-ADM-009", "SRV-ADM-010"]),
        (.dropsTraceHeader, ["SRV-ADM-009", "SRV-ADM-010"]),
        // SRV-ADM-006 judges the suspended reserve's 403 and SRV-ADM-012 the 409 IDEMPOTENCY_MISMATCH as error
        // answers, so they see the content type too.
        (.textPlainErrors, ["SRV-ADM-006", "SRV-ADM-009", "SRV-ADM-010", "SRV-ADM-012"]),
        (.misreportsFunding, ["SRV-ADM-012"]),
    ]

    /// The event-stream checks, run through the proxy for each event-stream defect. (The event and webhook defects
    /// touch disjoint routes, so each defect runs only its own area's checks, which keeps the suite short.)
    static let eventProbes = ConformanceCatalogue.all.map(\.id).filter { $0.hasPrefix("SRV-EVT-") }

    static let eventExpectations: [(DefectiveProxy.Defect, Set<String>)] = [
        (.none, []),
        // The leaked stream's cursors are the admin listing's, so walking the tenant listing breaks as well.
        (.leaksOtherTenantsEvents, ["SRV-EVT-005", "SRV-EVT-006"]),
        (.eventsLoseRequestID, ["SRV-EVT-003"]),
        // Every check that judges a listed reservation.denied payload against its schema or figures.
        (.corruptsEventPayloads, ["SRV-EVT-001", "SRV-EVT-002", "SRV-EVT-003", "SRV-EVT-005"]),
        (.emitsEventsForRejectedRequests, ["SRV-EVT-004"]),
        (.misreportsExpiredReservations, ["SRV-EVT-008"]),
    ]

    /// The webhook checks, run through the proxy for each webhook defect.
    static let webhookProbes = ConformanceCatalogue.all.map(\.id).filter { $0.hasPrefix("SRV-HOOK-") }

    static let webhookExpectations: [(DefectiveProxy.Defect, Set<String>)] = [
        (.none, []),
        (.acceptsAdminOnlyTenantSubscriptions, ["SRV-HOOK-002"]),
        (.acceptsSelectorlessSubscriptions, ["SRV-HOOK-001"]),
        (.leaksTenantDeliveries, ["SRV-HOOK-003"]),
        (.replaysNothing, ["SRV-HOOK-006"]),
        (.misreportsRetrySchedule, ["SRV-HOOK-005"]),
        // Every check that receives a delivery verifies its signature.
        (.forgesWebhookSignatures, ["SRV-HOOK-004", "SRV-HOOK-005", "SRV-HOOK-006"]),
        (.deliveriesLoseTraceHeaders, ["SRV-HOOK-004"]),
    ]

    @Test("A defective server makes exactly the right checks fail", arguments: expectations)
    func defectIsCaught(_ defect: DefectiveProxy.Defect, _ expectedFailures: Set<String>) async throws {
        try await Self.expect(defect, failing: expectedFailures, among: Self.probes)
    }

    @Test("A defective admin plane makes exactly the right admin checks fail", arguments: adminExpectations)
    func adminDefectIsCaught(_ defect: DefectiveProxy.Defect, _ expectedFailures: Set<String>) async throws {
        try await Self.expect(defect, failing: expectedFailures, among: Self.adminProbes)
    }

    @Test("A defective event stream makes exactly the right event checks fail", arguments: eventExpectations)
    func eventDefectIsCaught(_ defect: DefectiveProxy.Defect, _ expectedFailures: Set<String>) async throws {
        try await Self.expect(defect, failing: expectedFailures, among: Self.eventProbes)
    }

    @Test("A defective webhook plane makes exactly the right webhook checks fail", arguments: webhookExpectations)
    func webhookDefectIsCaught(_ defect: DefectiveProxy.Defect, _ expectedFailures: Set<String>) async throws {
        try await Self.expect(defect, failing: expectedFailures, among: Self.webhookProbes)
    }

    /// Runs `probes` through a proxy with `defect` and expects exactly `expectedFailures` to fail, nothing skipped.
    static func expect(_ defect: DefectiveProxy.Defect, failing expectedFailures: Set<String>, among probes: [String])
        async throws
    {
        let report = try await ConformanceHarness.with { harness in
            let proxy = try await DefectiveProxy.start(upstreamURL: harness.server.baseURL, defect: defect)
            let proxyClient = WireClient(baseURL: proxy.baseURL)
            let checks = probes.compactMap(ConformanceCatalogue.check(id:))
            let report = await harness.runner(client: proxyClient).run(checks, profile: .all)
            await proxyClient.shutdown()
            await proxy.stop()
            return report
        }
        let failed = Set(report.checks.filter { $0.status == .fail }.map(\.id))
        #expect(failed == expectedFailures, "\(defect): \(ConsoleReport.render(report))")
        #expect(report.checks.allSatisfy { $0.status != .skip })
    }
}
