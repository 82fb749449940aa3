import CyclesConformance
import CyclesProtocol
import CyclesServer
import Foundation
import Testing

/// The `cycles` command as a newcomer meets it: what `serve` prints and how it fails, and the conformance kit's
/// verdicts. Runs the built executable (next to the test bundle) as a subprocess.
@Suite(.serialized)
struct CommandLineFirstHourTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `cycles` executable SwiftPM built next to the test bundle.
    static func executable() throws -> URL {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])].compactMap { $0 }
        for candidate in candidates {
            var directory = candidate.deletingLastPathComponent()
            for _ in 0..<4 {
                let binary = directory.appendingPathComponent("cycles")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw CommandLineError("the `cycles` executable was not built next to the tests (swift build --build-tests)")
    }

    struct CommandLineError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `cycles arguments…` to completion, standard output and error together.
    static func run(_ arguments: [String]) async throws -> Outcome {
        let outcome = try await ChildProcess([try executable().path], workingDirectory: packageRoot.path).run(arguments)
        return Outcome(status: outcome.exitCode, output: outcome.output + outcome.errorOutput)
    }

    /// Starts `cycles serve arguments…`, waits until its output shows `marker` (or it exits), and returns it still
    /// running with what it printed so far.
    static func startServe(_ arguments: [String], until marker: String) async throws -> (ChildProcess.Running, String) {
        let running = ChildProcess([try executable().path], workingDirectory: packageRoot.path).start(["serve"] + arguments)
        return (running, await running.output(containing: marker))
    }

    /// Interrupts a `serve` and returns what it printed after the banner (`bannerOutput`: its standard output then).
    static func stop(_ running: ChildProcess.Running, bannerOutput: String) async throws -> String {
        running.interrupt()
        let outcome = try await running.finish()
        return String(outcome.output.dropFirst(bannerOutput.count)) + outcome.errorOutput
    }

    /// `GET path` on `baseURL`, with `headers`; returns the status.
    static func get(_ baseURL: String, _ path: String, headers: [WireHeader] = []) async throws -> Int {
        let client = WireClient(baseURL: baseURL)
        defer { Task { await client.shutdown() } }
        return try await client.send(WireRequest(method: "GET", path: path, headers: headers)).status
    }

    @Test("serve --seed prints a usable key and curl; --seed-ids is spelled as documented; info logs requests")
    func serveBannerWithSeed() async throws {
        let (running, banner) = try await Self.startServe(
            ["--port", "0", "--seed", "Fixtures/seeds/demo.json", "--seed-ids", "7", "--log-level", "info"],
            until: "Press Ctrl-C")
        let url = try #require(banner.split(separator: "\n").first { $0.hasPrefix("Cycles server listening on ") }?
            .dropFirst("Cycles server listening on ".count))
        let key = try #require(banner.split(separator: "\n").first { $0.contains("API key: ") }?
            .components(separatedBy: "API key: ").last)
        let tenant = try #require(banner.split(separator: "\n").first { $0.hasPrefix("Tenant: ") }?
            .dropFirst("Tenant: ".count).split(separator: " ").first)
        let bannerOutput = running.printed().output
        #expect(banner.contains("Try: curl -s '\(url)/v1/balances?tenant=\(tenant)' -H 'X-Cycles-API-Key: \(key)'"), "\(banner)")
        let status = try await Self.get(
            String(url), "/v1/balances?tenant=\(tenant)", headers: [WireHeader(CyclesHeader.apiKey, key)])
        #expect(status == 200, "the printed key and curl work")
        let rest = try await Self.stop(running, bannerOutput: bannerOutput)
        #expect(rest.contains("/v1/balances"), "a request is logged at --log-level info:\n\(rest)")
        #expect(!rest.contains(key), "keys never reach the request log")
    }

    @Test("A port in use is named in one line, without the top-level usage; a bad flag shows serve's usage")
    func serveStartupErrors() async throws {
        let server = try await ReferenceServer.start()
        let outcome = try await Self.run(["serve", "--port", "\(server.port)"])
        await server.stop()
        #expect(outcome.status != 0)
        #expect(
            outcome.output.contains("cannot listen on 127.0.0.1:\(server.port): the port is already in use"),
            "\(outcome.output)")
        #expect(!outcome.output.contains("Usage:"), "\(outcome.output)")
        let badFlag = try await Self.run(["serve", "--log-level", "loud"])
        #expect(badFlag.status != 0)
        #expect(badFlag.output.contains("Usage: cycles serve"), "\(badFlag.output)")
    }

    @Test("The kit names an unreachable server in one line")
    func unreachableServer() async throws {
        let server = try await ReferenceServer.start()
        let url = server.baseURL
        await server.stop()  // nothing listens on that port any more
        let outcome = try await Self.run(["conformance", "server", "--url", url, "--only", "SRV-WIRE-005"])
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("cannot reach \(url): connection refused"), "\(outcome.output)")
        #expect(!outcome.output.contains("errno"), "\(outcome.output)")
    }

    @Test("Without --admin-key the run is partial: a banner and exit 2, unless --allow-partial")
    func partialRunIsNotAPass() async throws {
        let server = try await ReferenceServer.start(.init(adminKey: ConformanceHarness.adminKey))
        let partial = try await Self.run(["conformance", "server", "--url", server.baseURL, "--only", "SRV-WIRE-005", "SRV-ERR-001"])
        let allowed = try await Self.run([
            "conformance", "server", "--url", server.baseURL, "--only", "SRV-WIRE-005", "--allow-partial",
        ])
        await server.stop()
        #expect(partial.status == 2, "\(partial.output)")
        #expect(partial.output.contains("PARTIAL RUN — NOT A CONFORMANCE VERDICT: 1 of 2 MUST checks were skipped"), "\(partial.output)")
        #expect(allowed.status == 0, "\(allowed.output)")
        #expect(allowed.output.contains("PARTIAL RUN"))
    }

    @Test("The JSON report keeps exchanges of failures only, unless --evidence all")
    func evidenceOfFailuresOnly() async throws {
        let server = try await ReferenceServer.start(.init(adminKey: ConformanceHarness.adminKey, mock: true))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cycles-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var sizes: [String: Int] = [:]
        for evidence in ["failures", "all"] {
            let path = directory.appendingPathComponent("\(evidence).json").path
            let outcome = try await Self.run([
                "conformance", "server", "--url", server.baseURL, "--admin-key", ConformanceHarness.adminKey,
                "--only", "SRV-WIRE-005", "--json", path, "--evidence", evidence,
            ])
            #expect(outcome.status == 0, "\(outcome.output)")
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            sizes[evidence] = data.count
            let json = try CyclesJSON.decode(JSONValue.self, from: data)
            let exchanges = json["checks"]?.arrayValue?.first?["evidence"]?["exchanges"]?.arrayValue ?? []
            #expect(evidence == "all" ? !exchanges.isEmpty : exchanges.isEmpty, "\(evidence)")
            #expect(json["summary"]?["must_skipped"] == 0)
        }
        await server.stop()
        #expect((sizes["failures"] ?? .max) < (sizes["all"] ?? 0))
    }
}
