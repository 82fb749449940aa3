import ArgumentParser
import CyclesConformance
import CyclesProtocol
import Foundation

/// `cycles conformance …`: certify a Cycles server, judge an SDK by what it sends, or run the SDK recovery profile.
struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Check a Cycles server, an SDK's wire behaviour, or an SDK's recovery claim.",
        subcommands: [Server.self, ConformanceClientCommand.self, ConformanceRecoveryCommand.self, Catalogue.self])

    /// `cycles conformance server --url URL …`
    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the checks against a running server; exits non-zero when a MUST check fails or was skipped.",
            discussion: """
                Exit status: 0 every selected MUST check ran and passed; 1 a MUST check failed; 2 no MUST check \
                failed but some were skipped (a partial run, typically without --admin-key), unless --allow-partial.
                """)

        /// Which checks keep their exchanges in the JSON report.
        enum EvidenceChoice: String, ExpressibleByArgument, CaseIterable {
            case failures, all
        }

        /// How fixtures are provisioned.
        enum ProvisionerChoice: String, ExpressibleByArgument, CaseIterable {
            case auto, control, admin, none
        }

        /// The profile, as an argument (mirrors ``ConformanceProfile``).
        enum ProfileChoice: String, ExpressibleByArgument, CaseIterable {
            case must, should, all

            var profile: ConformanceProfile { ConformanceProfile(rawValue: rawValue) ?? .should }
        }

        @Option(help: "Base URL of the server, e.g. http://127.0.0.1:7878.")
        var url: String

        @Option(name: .customLong("api-key"), help: "A tenant API key; used for the reachability preflight.")
        var apiKey: String?

        @Option(name: .customLong("admin-key"), help: "The operator key (X-Admin-API-Key), needed to provision fixtures.")
        var adminKey: String?

        @Option(help: "Which levels to run: must, should (MUST + SHOULD) or all.")
        var profile: ProfileChoice = .should

        @Option(parsing: .upToNextOption, help: "Run only these check IDs or ID prefixes (e.g. SRV-IDEM-003 SRV-CONC).")
        var only: [String] = []

        @OptionGroup var reports: ReportOptions

        @Option(help: "How to create tenants and budgets: auto (control API, else admin API), control, admin, none.")
        var provisioner: ProvisionerChoice = .auto

        @Option(help: "Seed of the randomized workload (printed in every report).")
        var seed: UInt64?

        @Option(help: "How many checks run at once.")
        var parallel: Int = 8

        @Flag(name: .customLong("no-real-time-waits"), help: "Skip expiry checks instead of waiting when the server has no controllable clock.")
        var noRealTimeWaits = false

        @Flag(help: "Keep the namespaces created on the control API (to inspect state or replay curl commands).")
        var keepFixtures = false

        @Flag(
            name: .customLong("allow-partial"),
            help: "Exit 0 even when MUST checks were skipped (the report still says the run was partial).")
        var allowPartial = false

        @Option(help: "Which checks keep their HTTP exchanges in the JSON report: failures (default) or all.")
        var evidence: EvidenceChoice = .failures

        func validate() throws {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ValidationError("--url must start with http:// or https:// (got \(url))")
            }
            guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
            let unknown = only.filter { id in !ConformanceCatalogue.all.contains { $0.id == id || $0.id.hasPrefix(id + "-") } }
            guard unknown.isEmpty else {
                throw ValidationError("--only: no check matches \(unknown.joined(separator: ", ")); see `cycles conformance catalogue`")
            }
        }

        func run() async throws {
            let client = WireClient(baseURL: url)
            do {
                let code = try await execute(client)
                await client.shutdown()
                if code != 0 { throw ExitCode(code) }
            } catch {
                await client.shutdown()
                throw error
            }
        }

        private func execute(_ client: WireClient) async throws -> Int32 {
            let expected = try reports.loadExpectedFailures(of: ConformanceCatalogue.descriptors)
            // Reachability first, so an unreachable URL is one clear line rather than a transport error per check.
            let preflight = WireRequest(
                method: "GET", path: "/v1/reservations?limit=1",
                headers: apiKey.map { [WireHeader(CyclesHeader.apiKey, $0)] } ?? [])
            do {
                let probe = try await client.send(preflight)
                if apiKey != nil { printToStandardError("preflight: GET /v1/reservations with --api-key → \(probe.status)") }
            } catch {
                throw UnreachableServer(url: url, error: error)
            }
            let chosen = try await makeProvisioner(client)
            let options = RunOptions(
                adminKey: adminKey, allowsRealTimeWaits: !noRealTimeWaits, seed: seed ?? UInt64.random(in: 1...999_999),
                parallelism: parallel)
            let checks = ConformanceCatalogue.select(profile: profile.profile, only: only)
            printToStandardError("Running \(checks.count) checks against \(url) (provisioner \(chosen.name), seed \(options.seed))")
            let runner = ConformanceRunner(client: client, provisioner: chosen, options: options, expectedFailures: expected)
            let report = await runner.run(checks, profile: profile.profile) { result, done, total in
                let status = result.status.rawValue.uppercased()
                printToStandardError("[\(done)/\(total)] \(status) \(result.id) (\(result.durationMs) ms)")
            }
            print(ConsoleReport.render(report), terminator: "")
            try reports.write(report, json: evidence == .all ? report : report.keepingEvidenceOfFailuresOnly())
            if report.checks.contains(where: { $0.status == .fail }), !keepFixtures, chosen is ControlAPIProvisioner {
                printToStandardError(
                    "note: the fixtures of this run were deleted; rerun with --keep-fixtures for the curl commands to reproduce")
            }
            switch report.verdict {
            case .fail: return 1
            case .partial: return allowPartial ? 0 : 2
            case .pass: return 0
            }
        }

        private func makeProvisioner(_ client: WireClient) async throws -> any Provisioner {
            guard let adminKey else {
                return UnavailableProvisioner(
                    reason: "no --admin-key: the kit cannot create tenants and budgets on this server")
            }
            let control = ControlAPIProvisioner(client: client, adminKey: adminKey, deletesNamespaces: !keepFixtures)
            let admin = AdminAPIProvisioner(client: client, adminKey: adminKey)
            switch provisioner {
            case .control: return control
            case .admin: return admin
            case .none: return UnavailableProvisioner(reason: "provisioning disabled (--provisioner none)")
            case .auto:
                let probe = try await client.send(
                    .json("POST", "/__cycles/namespaces", [:], headers: [WireHeader(CyclesHeader.adminAPIKey, adminKey)]))
                guard (200..<300).contains(probe.status) else { return admin }
                if let name = probe.json?["namespace"]?.stringValue {
                    _ = try? await client.send(
                        WireRequest(method: "DELETE", path: "/__cycles/namespaces/\(name)",
                            headers: [WireHeader(CyclesHeader.adminAPIKey, adminKey)]))
                }
                return control
            }
        }
    }

    /// `cycles conformance catalogue`: print the catalogue as JSON (the content of `Conformance/catalogue.json`).
    struct Catalogue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the check catalogue as JSON (regenerates Conformance/catalogue.json).")

        func run() throws {
            print(ConformanceCatalogue.catalogueJSON(), terminator: "")
        }
    }
}

/// The server did not answer the preflight: one readable line instead of NIO's error text.
struct UnreachableServer: Error, CustomStringConvertible {
    let url: String
    let error: any Error

    var description: String {
        let text = String(describing: error)
        let reason =
            if text.contains("Connection refused") {
                "connection refused (nothing listens there; is the server running? `swift run cycles serve`)"
            } else if text.contains("connectTimeout") || text.contains("timed out") {
                "the connection timed out"
            } else if text.contains("NXDOMAIN") || text.contains("resolve") || text.contains("lookup") {
                "the host name does not resolve"
            } else {
                text
            }
        return "cannot reach \(url): \(reason)"
    }
}
