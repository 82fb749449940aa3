import CyclesConformance
import CyclesProtocol
import CyclesServer
import Foundation
import Testing

/// `cycles serve --metrics` and `cycles conformance … --html` as the README documents them, through the built
/// executable (helpers from `CommandLineFirstHourTests`).
struct CommandLineObservabilityTests {
    @Test("serve --metrics prints a working curl for /metrics, which needs the admin key")
    func serveMetrics() async throws {
        let (running, banner) = try await CommandLineFirstHourTests.startServe(["--port", "0", "--metrics"], until: "Press Ctrl-C")
        let bannerOutput = running.printed().output
        let url = try #require(banner.split(separator: "\n").first { $0.hasPrefix("Cycles server listening on ") }?
            .dropFirst("Cycles server listening on ".count))
        let admin = try #require(SeedDocument.demo.adminKey)
        #expect(banner.contains("Metrics: curl -s '\(url)/metrics' -H 'Authorization: Bearer \(admin)'"), "\(banner)")
        let allowed = try await CommandLineFirstHourTests.get(
            String(url), "/metrics", headers: [WireHeader("Authorization", "Bearer \(admin)")])
        #expect(allowed == 200)
        #expect(try await CommandLineFirstHourTests.get(String(url), "/metrics") == 401)
        _ = try await CommandLineFirstHourTests.stop(running, bannerOutput: bannerOutput)
    }

    @Test("conformance server --html writes the self-contained report")
    func conformanceHTML() async throws {
        let server = try await ReferenceServer.start(.init(adminKey: ConformanceHarness.adminKey, mock: true))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cycles-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("conformance.html").path
        let outcome = try await CommandLineFirstHourTests.run([
            "conformance", "server", "--url", server.baseURL, "--admin-key", ConformanceHarness.adminKey,
            "--only", "SRV-WIRE-005", "--html", path,
        ])
        await server.stop()
        #expect(outcome.status == 0, "\(outcome.output)")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Cycles conformance: PASS"))
        #expect(html.contains("<td>SRV-WIRE-005</td>"))
        HTMLReportTests.expectSelfContained(html)
    }
}
