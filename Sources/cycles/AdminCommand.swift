import ArgumentParser
import CyclesConformance
import CyclesProtocol

import Foundation

/// `cycles admin`: everyday governance operations against a running server's admin API (tenants, API keys, budgets, the
/// audit log and the overview).
///
/// Each resource group lives in its own `AdminCommand+<Group>.swift`; what they share is here: the connection
/// options (`AdminConnection`), the HTTP client (`AdminClient`), errors (`AdminAPIError`) and table printing
/// (`AdminTable`). A new group is one file: `AdminOperation` commands that build a request and a table.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage tenants, API keys and budgets, read the audit log and overview, through a Cycles server's admin API.",
        discussion: """
            The server URL and admin key come from --base-url / --admin-key, or from the CYCLES_BASE_URL / \
            CYCLES_ADMIN_KEY environment variables. Answers print as tables; --json prints the server's JSON \
            instead. A refused request prints the protocol's error code and message and exits with status 1.

            Examples:
              cycles admin tenants create --id globex --name Globex
              cycles admin tenants list --status ACTIVE
              cycles admin keys create --tenant globex --name ci
              cycles admin keys create --tenant globex --name bot --permission reservations:create
              cycles admin keys revoke KEY_ID --reason rotated
              cycles admin budgets create --scope tenant:globex --unit TOKENS --allocated 5000
              cycles admin budgets fund --scope tenant:globex --unit TOKENS --operation CREDIT --amount 100
              cycles admin budgets fund --scope tenant:globex --unit TOKENS --operation DEBIT --amount 5 --idempotency-key d1
              cycles admin audit --tenant globex --status-min 400
            """,
        subcommands: [
            AdminTenantsCommand.self, AdminKeysCommand.self, AdminBudgetsCommand.self, AdminAuditCommand.self,
            AdminOverviewCommand.self,
        ])
}

/// Where the admin API is and how to authenticate to it, plus the output format.
struct AdminConnection: ParsableArguments {
    @Option(name: .customLong("base-url"), help: "The server's base URL (default: $CYCLES_BASE_URL).")
    var baseURL: String?

    @Option(name: .customLong("admin-key"), help: "The admin API key (default: $CYCLES_ADMIN_KEY).")
    var adminKey: String?

    @Flag(help: "Print the server's JSON answer instead of a table.")
    var json = false

    /// A client for the resolved URL and key; a usage error when either is missing.
    func client(environment: [String: String]) throws -> AdminClient {
        guard let baseURL = baseURL ?? environment["CYCLES_BASE_URL"], !baseURL.isEmpty else {
            throw ValidationError("no server URL: pass --base-url or set CYCLES_BASE_URL")
        }
        guard let adminKey = adminKey ?? environment["CYCLES_ADMIN_KEY"], !adminKey.isEmpty else {
            throw ValidationError("no admin key: pass --admin-key or set CYCLES_ADMIN_KEY")
        }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw ValidationError("--base-url must start with http:// or https:// (got '\(baseURL)')")
        }
        return AdminClient(baseURL: baseURL, adminKey: adminKey)
    }
}

/// What an admin operation produced: the server's JSON and the table printed by default.
struct AdminOutput {
    /// The answer's body as the server sent it.
    var json: String
    /// The readable rendering.
    var text: String
}

/// One `cycles admin …` leaf command: it performs its request with an `AdminClient` and renders the answer.
/// `run()` (shared) resolves the connection, prints the table or JSON, and turns a refused request into its
/// protocol error on standard error and exit status 1.
protocol AdminOperation: AsyncParsableCommand {
    /// Connection and output options.
    var connection: AdminConnection { get }
    /// Performs the request(s) and renders the answer.
    func perform(_ client: AdminClient) async throws -> AdminOutput
}

extension AdminOperation {
    mutating func run() async throws {
        do {
            print(try await output(environment: ProcessInfo.processInfo.environment))
        } catch let error as AdminAPIError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// What `run()` prints (the table, or the JSON under `--json`); throws `AdminAPIError` for a refused request.
    func output(environment: [String: String]) async throws -> String {
        let client = try connection.client(environment: environment)
        let output: AdminOutput
        do {
            output = try await perform(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        return connection.json ? output.json : output.text
    }
}

/// A refused or failed admin request: the protocol's HTTP status, error code, message and request id.
struct AdminAPIError: Error, CustomStringConvertible {
    /// HTTP status.
    var status: Int
    /// The protocol error code (kept as sent, known or not).
    var code: String
    /// The server's message.
    var message: String
    /// The request id, to quote to the server's operator.
    var requestID: String?

    var description: String {
        "\(status) \(code): \(message)" + (requestID.map { " (request id \($0))" } ?? "")
    }
}

/// The admin API over HTTP: the conformance kit's `WireClient` as transport, the protocol's `Codable` wire types for
/// bodies and answers, and the protocol's error body for failures.
final class AdminClient: Sendable {
    private let wire: WireClient
    private let adminKey: String

    init(baseURL: String, adminKey: String) {
        wire = WireClient(baseURL: baseURL, maxConnections: 1)
        self.adminKey = adminKey
    }

    /// A `GET` (see `send`).
    func get<T: Decodable>(_ path: String, query: [(String, String?)] = [], as type: T.Type) async throws
        -> (value: T, json: String)
    {
        try await send("GET", path, query: query, body: String?.none, as: type)
    }

    /// Sends one request and decodes a 2xx answer as `T`; any other status throws `AdminAPIError`.
    func send<T: Decodable, Body: Encodable>(
        _ method: String, _ path: String, query: [(String, String?)] = [], body: Body?, as type: T.Type
    ) async throws -> (value: T, json: String) {
        var request = WireRequest(
            method: method, path: path + Self.queryString(query), headers: [WireHeader(CyclesHeader.adminAPIKey, adminKey)])
        if let body {
            request.headers.append(WireHeader("Content-Type", "application/json"))
            request.body = String(decoding: try CyclesJSON.encode(body), as: UTF8.self)
        }
        let exchange: WireExchange
        do {
            exchange = try await wire.send(request)
        } catch {
            throw AdminAPIError(status: 0, code: "CONNECTION_FAILED", message: "\(wire.baseURL): \(error)")
        }
        guard (200..<300).contains(exchange.status) else {
            if let failure = try? CyclesJSON.decode(ErrorResponse.self, from: Data(exchange.body.utf8)) {
                throw AdminAPIError(
                    status: exchange.status, code: failure.error.rawValue, message: failure.message,
                    requestID: failure.requestID)
            }
            throw AdminAPIError(
                status: exchange.status, code: "HTTP_\(exchange.status)", message: String(exchange.body.prefix(500)))
        }
        do {
            return (try CyclesJSON.decode(T.self, from: Data(exchange.body.utf8)), exchange.body)
        } catch {
            throw AdminAPIError(
                status: exchange.status, code: "UNREADABLE_ANSWER", message: "the answer is not a \(T.self): \(error)")
        }
    }

    /// Closes the connection pool.
    func shutdown() async {
        await wire.shutdown()
    }

    /// `?a=1&b=2` from the present values, percent-encoded.
    static func queryString(_ items: [(String, String?)]) -> String {
        let pairs = items.compactMap { name, value in
            value.map { "\(name)=\(PercentEncoding.encode($0))" }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// A path segment (an id), percent-encoded.
    static func segment(_ text: String) -> String { PercentEncoding.encode(text) }
}

/// A plain-text table: a header row and left-aligned columns separated by two spaces.
struct AdminTable {
    /// Column titles.
    var columns: [String]
    /// Cells, one array per row.
    var rows: [[String]]

    var rendered: String {
        var widths = columns.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            // An empty last cell would leave the padding of the one before it.
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        return ([line(columns)] + rows.map(line)).joined(separator: "\n")
    }

    /// A two-column key/value table for one object.
    static func record(_ pairs: [(String, String?)]) -> String {
        AdminTable(columns: ["FIELD", "VALUE"], rows: pairs.compactMap { key, value in value.map { [key, $0] } }).rendered
    }

    /// A list table followed by the next page's cursor, if any.
    static func page(_ table: AdminTable, nextCursor: String?) -> String {
        var text = table.rows.isEmpty ? "(none)" : table.rendered
        if let nextCursor { text += "\n\nmore: --cursor \(nextCursor)" }
        return text
    }
}
