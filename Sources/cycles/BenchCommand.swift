import ArgumentParser
import AsyncHTTPClient
import CyclesProtocol
import CyclesServer
import Logging
import NIOCore
import NIOHTTP1

/// `cycles bench`: drives an in-process reference server over loopback HTTP with N concurrent clients and prints
/// reserve latency (p50/p99), throughput and a ledger check, plus the hello-route (`/health`) ceiling.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmark the reference server's reserve path over loopback HTTP.")

    @Option(help: "Seconds per measurement (bounded; default 2).")
    var seconds: Double = 2

    @Option(parsing: .upToNextOption, help: "Concurrent client counts.")
    var clients: [Int] = [1, 10, 50, 200]

    @Option(help: "SQLite file for the ledger (default: a temporary file).")
    var database = ":memory:"

    static let key = "cyc_bench_0123456789abcdef0123"
    static let maxClients = 512

    func validate() throws {
        guard seconds > 0, seconds <= 60 else { throw ValidationError("--seconds must be in (0, 60]") }
        guard clients.allSatisfy({ (1...Self.maxClients).contains($0) }) else {
            throw ValidationError("--clients must be between 1 and \(Self.maxClients)")
        }
    }

    func run() async throws {
        let largest = clients.max() ?? 1
        var budgets = [SeedBudget(tenantID: "bench", scope: "tenant:bench", unit: .usdMicrocents, allocated: 1 << 50)]
        for index in 0..<largest {
            budgets.append(
                SeedBudget(tenantID: "bench", scope: "tenant:bench/app:indep/agent:a\(index)", unit: .tokens, allocated: 1 << 40))
        }
        let seed = SeedDocument(
            tenants: [SeedTenant(tenantID: "bench", apiKeys: [SeedAPIKey(key: Self.key)])], budgets: budgets)
        let server = try await ReferenceServer.start(.init(databasePath: database, seed: seed, logLevel: .error))
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.maxClients)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            print("cycles bench: \(seconds) s per row, loopback \(server.baseURL), ledger \(database)")
            print("")
            print("| shape | clients | reserves/s | p50 ms | p99 ms | ok | errors | ledger check |")
            print("|---|---:|---:|---:|---:|---:|---:|---|")
            for shape in Shape.allCases {
                for count in clients {
                    let result = try await measure(shape: shape, clients: count, http: http, server: server)
                    print(result.row)
                }
            }
            let hello = try await measureHello(clients: min(50, largest), http: http, server: server)
            print("")
            print(
                "hello route (GET /health, \(min(50, largest)) clients): \(Int(hello)) req/s — the HTTP framework's ceiling on this machine"
            )
        } catch {
            try? await http.shutdown()
            await server.stop()
            throw error
        }
        try await http.shutdown()
        await server.stop()
    }

    enum Shape: String, CaseIterable {
        /// Every client reserves against the one tenant budget.
        case shared
        /// Each client reserves against its own agent budget.
        case independent
    }

    struct Result {
        var shape: Shape
        var clients: Int
        var throughput: Double
        var p50: Double
        var p99: Double
        var successes: Int
        var errors: Int
        var ledgerOK: Bool
        var ledgerDetail: String

        var row: String {
            let p50 = (self.p50 * 1000 * 1000).rounded() / 1000
            let p99 = (self.p99 * 1000 * 1000).rounded() / 1000
            return "| \(shape.rawValue) | \(clients) | \(Int(throughput)) | \(p50) | \(p99) | \(successes) | \(errors) | \(ledgerOK ? "ok" : "MISMATCH") \(ledgerDetail) |"
        }
    }

    func measure(shape: Shape, clients: Int, http: HTTPClient, server: ReferenceServer) async throws -> Result {
        let before = try await reservedTotals(server)
        let url = server.baseURL + "/v1/reservations"
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let run = RandomIdentifier.hex(byteCount: 4)
        let outcomes = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for client in 0..<clients {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    var sequence = 0
                    let subject =
                        shape == .shared
                        ? #"{"tenant":"bench"}"# : #"{"tenant":"bench","app":"indep","agent":"a\#(client)"}"#
                    let unit = shape == .shared ? "USD_MICROCENTS" : "TOKENS"
                    while ContinuousClock.now < deadline {
                        sequence += 1
                        let body =
                            #"{"idempotency_key":"\#(run)-\#(shape.rawValue)-\#(clients)-\#(client)-\#(sequence)","subject":\#(subject),"action":{"kind":"llm.completion","name":"bench"},"estimate":{"unit":"\#(unit)","amount":1}}"#
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: CyclesHeader.apiKey, value: Self.key)
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: body))
                        let start = ContinuousClock.now
                        let response = try await http.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        let elapsed = ContinuousClock.now - start
                        if response.status == .ok {
                            latencies.append(elapsed.seconds)
                        } else {
                            errors += 1
                        }
                    }
                    return (latencies, errors)
                }
            }
            var all: [([Double], Int)] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let latencies = outcomes.flatMap(\.0).sorted()
        let errors = outcomes.map(\.1).reduce(0, +)
        let after = try await reservedTotals(server)
        let unit: BudgetUnit = shape == .shared ? .usdMicrocents : .tokens
        let reservedDelta = (after[unit] ?? 0) - (before[unit] ?? 0)
        // Each success holds exactly 1 unit on each enforced scope (one scope per request in both shapes).
        let ok = reservedDelta == Int64(latencies.count)
        let invariants = try await server.ledger.checkInvariants(namespace: "default")
        return Result(
            shape: shape, clients: clients, throughput: Double(latencies.count) / seconds,
            p50: Self.percentile(latencies, 0.50), p99: Self.percentile(latencies, 0.99), successes: latencies.count,
            errors: errors, ledgerOK: ok && invariants.isEmpty,
            ledgerDetail: "(reserved +\(reservedDelta) = \(latencies.count) × 1; \(invariants.count) invariant violations)")
    }

    func measureHello(clients: Int, http: HTTPClient, server: ReferenceServer) async throws -> Double {
        let url = server.baseURL + "/health"
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline {
                        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 16)
                        count += 1
                    }
                    return count
                }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        return Double(counts) / seconds
    }

    func reservedTotals(_ server: ReferenceServer) async throws -> [BudgetUnit: Int64] {
        var totals: [BudgetUnit: Int64] = [:]
        for budget in try await server.ledger.state(namespace: "default").budgets {
            totals[budget.unit, default: 0] += budget.reserved
        }
        return totals
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
        return sorted[index]
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
