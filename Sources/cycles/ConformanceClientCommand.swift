import ArgumentParser
import CyclesConformance
import Foundation

/// `cycles conformance client --driver CMD…`: judge an SDK by what it sends, against the in-process mock.
struct ConformanceClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Run the client-conformance scenarios against an SDK driver; exits non-zero when a MUST scenario fails.",
        discussion: """
            Starts the reference server in mock mode on a loopback port. For each scenario it seeds a fresh \
            namespace, arms the faults and runs the driver once (environment CYCLES_BASE_URL, CYCLES_API_KEY, \
            CYCLES_TENANT, CYCLES_JOURNAL_DIR; the scenario id as its last argument; the steps as JSON on stdin). \
            The driver contract is in Conformance/README.md.
            """)

    /// The profile, as an argument (mirrors ``ConformanceProfile``).
    enum ProfileChoice: String, ExpressibleByArgument, CaseIterable {
        case must, should, all

        var profile: ConformanceProfile { ConformanceProfile(rawValue: rawValue) ?? .all }
    }

    @Option(
        parsing: .upToNextOption,
        help: "The driver command and its arguments, e.g. --driver python3 Conformance/drivers/python/driver.py")
    var driver: [String] = []

    @Option(help: "A name for the SDK in reports (default: the driver's file name).")
    var name: String?

    @Option(parsing: .upToNextOption, help: "Run only these scenario IDs or ID prefixes (e.g. SDK-REC SDK-LIFE-001).")
    var only: [String] = []

    @Option(help: "Which levels to run: must, should or all.")
    var profile: ProfileChoice = .all

    @OptionGroup var reports: ReportOptions

    @Option(help: "How many scenarios run at once.")
    var parallel: Int = 4

    @Option(name: .customLong("driver-timeout"), help: "Seconds one driver run may take.")
    var driverTimeout: Int = 60

    @Flag(help: "List the scenarios and exit.")
    var list = false

    @Option(
        name: .customLong("table-from"), parsing: .upToNextOption,
        help: "Print the SDK × scenario Markdown table from saved --json reports (NAME=FILE …) and exit.")
    var tableFrom: [String] = []

    func validate() throws {
        guard list || !tableFrom.isEmpty || !driver.isEmpty else { throw ValidationError("--driver needs a command") }
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
        guard driverTimeout >= 1 else { throw ValidationError("--driver-timeout must be at least 1") }
        let known = ClientScenarioCatalogue.all
        let unknown = only.filter { id in !known.contains { $0.id == id || $0.id.hasPrefix(id + "-") } }
        guard unknown.isEmpty else {
            throw ValidationError("--only: no scenario matches \(unknown.joined(separator: ", ")); see --list")
        }
    }

    func run() async throws {
        if !tableFrom.isEmpty {
            var columns: [(sdk: String, report: ConformanceReport)] = []
            for item in tableFrom {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let data = FileManager.default.contents(atPath: parts[1]) else {
                    throw ValidationError("--table-from: expected NAME=FILE with a readable file, got \(item)")
                }
                columns.append((parts[0], try JSONDecoder().decode(ConformanceReport.self, from: data)))
            }
            print(ClientConformanceMatrix.markdown(columns), terminator: "")
            return
        }
        if list {
            for scenario in ClientScenarioCatalogue.all {
                let descriptor = scenario.descriptor
                print("\(descriptor.id.padding(toLength: 13, withPad: " ", startingAt: 0)) \(descriptor.level.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(descriptor.title)")
            }
            return
        }
        let expected = try reports.loadExpectedFailures(of: ClientScenarioCatalogue.descriptors)
        let host = try await ClientConformanceHost.start()
        let scenarios = ClientScenarioCatalogue.select(profile: profile.profile, only: only)
        let runner = ClientConformanceRunner(
            host: host, driver: driver, driverName: name, expectedFailures: expected, parallelism: parallel,
            driverTimeout: .seconds(driverTimeout))
        printToStandardError("Running \(scenarios.count) client scenarios with \(driver.joined(separator: " ")) against \(host.baseURL)")
        let report = await runner.run(scenarios, profile: profile.profile) { result, done, total in
            printToStandardError("[\(done)/\(total)] \(result.status.rawValue.uppercased()) \(result.id) (\(result.durationMs) ms)")
        }
        await host.stop()
        print(ConsoleReport.render(report), terminator: "")
        try reports.write(report)
        if report.hasMustFailures { throw ExitCode(1) }
    }
}
