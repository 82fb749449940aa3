#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import AsyncHTTPClient
import CyclesProtocol
public import CyclesServer
import NIOCore
import NIOHTTP1

/// Typed access to a mock server's control API (`/__cycles/…`) over HTTP.
///
/// Works against an in-process `CyclesTestServer` or a `cycles serve` process started with `--admin-key`.
public struct CyclesMockControlClient: Sendable {
    /// The server's base URL, for example `http://127.0.0.1:7878`.
    public let baseURL: String
    /// The admin key sent as `X-Admin-API-Key`.
    let adminKey: String
    /// The HTTP client (the shared one unless a test passes its own).
    let httpClient: HTTPClient

    /// How long one control call may take before it fails (AsyncHTTPClient keeps retrying a refused
    /// connection until this deadline).
    let timeout: Duration

    /// Creates a control client.
    public init(baseURL: String, adminKey: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(30)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.adminKey = adminKey
        self.httpClient = httpClient
        self.timeout = timeout
    }

    // MARK: - Namespaces

    /// Creates a namespace (a generated name when `name` is `nil`) and returns its name.
    public func createNamespace(_ name: String? = nil) async throws -> String {
        struct Created: Decodable { var namespace: String }
        struct Body: Encodable { var name: String? }
        return try await send(.POST, "/namespaces", body: Body(name: name), as: Created.self).namespace
    }

    /// Deletes a namespace and everything in it.
    public func deleteNamespace(_ name: String) async throws {
        try await send(.DELETE, "/namespaces/\(PercentEncoding.encode(name))")
    }

    // MARK: - Seed, state, invariants, reset

    /// Loads a seed document into `namespace`.
    @discardableResult
    public func seed(_ document: SeedDocument, namespace: String = "default") async throws -> SeedSummary {
        try await send(.POST, "/seed", query: ["namespace": namespace], body: document, as: SeedSummary.self)
    }

    /// The namespace's full ledger state.
    public func state(namespace: String = "default") async throws -> LedgerState {
        try await send(.GET, "/state", query: ["namespace": namespace], as: LedgerState.self)
    }

    /// The invariant violations in `namespace` (all namespaces when `nil`); empty when every invariant holds.
    public func invariantViolations(namespace: String? = nil) async throws -> [InvariantViolation] {
        struct Report: Decodable {
            var ok: Bool
            var violations: [InvariantViolation]
        }
        return try await send(.GET, "/invariants", query: ["namespace": namespace], as: Report.self).violations
    }

    /// Wipes the namespace's data, its scoped fault rules and journal entries, and sets its clock back to real.
    public func reset(namespace: String = "default") async throws {
        try await send(.POST, "/reset", query: ["namespace": namespace])
    }

    // MARK: - Clock

    /// The namespace's clock.
    public func clock(namespace: String = "default") async throws -> ClockReading {
        try await send(.GET, "/clock", query: ["namespace": namespace], as: ClockReading.self)
    }

    /// Sets the namespace's clock mode and returns the new reading.
    @discardableResult
    public func setClock(_ mode: ClockMode, namespace: String = "default") async throws -> ClockReading {
        let body: ClockReading
        switch mode {
        case .real: body = ClockReading(mode: "real", nowMs: 0)
        case .frozen(let atMs): body = ClockReading(mode: "frozen", atMs: atMs, nowMs: 0)
        case .offset(let ms): body = ClockReading(mode: "offset", offsetMs: ms, nowMs: 0)
        }
        return try await send(.PUT, "/clock", query: ["namespace": namespace], body: body, as: ClockReading.self)
    }

    /// Moves the namespace's clock forward; returns after every expiry that fell due has run.
    @discardableResult
    public func advanceClock(byMs milliseconds: Int64, namespace: String = "default") async throws -> ClockAdvance {
        struct Body: Encodable {
            var byMs: Int64
            enum CodingKeys: String, CodingKey { case byMs = "by_ms" }
        }
        return try await send(
            .POST, "/clock/advance", query: ["namespace": namespace], body: Body(byMs: milliseconds),
            as: ClockAdvance.self)
    }

    // MARK: - Faults

    /// Adds a fault rule; returns it with its id.
    @discardableResult
    public func inject(_ rule: FaultRule) async throws -> FaultRule {
        try await send(.POST, "/faults", body: rule, as: FaultRule.self)
    }

    /// Every fault rule with its counters.
    public func faults() async throws -> [FaultRule] {
        struct Rules: Decodable { var rules: [FaultRule] }
        return try await send(.GET, "/faults", as: Rules.self).rules
    }

    /// Removes one fault rule.
    public func removeFault(id: String) async throws {
        try await send(.DELETE, "/faults/\(PercentEncoding.encode(id))")
    }

    /// Removes every fault rule (or those scoped to `namespace`).
    public func clearFaults(namespace: String? = nil) async throws {
        try await send(.DELETE, "/faults", query: ["namespace": namespace])
    }

    // MARK: - Journal

    /// Journal entries passing `query`, oldest first.
    public func journal(_ query: JournalQuery = JournalQuery()) async throws -> [JournalEntry] {
        struct Entries: Decodable { var entries: [JournalEntry] }
        let parameters: [String: String?] = [
            "namespace": query.namespace, "operation": query.operation?.rawValue, "tenant": query.tenant,
            "idempotency_key": query.idempotencyKey, "reservation_id": query.reservationID,
            "limit": query.limit.map(String.init),
        ]
        return try await send(.GET, "/journal", query: parameters, as: Entries.self).entries
    }

    /// Forgets journal entries (all, or one namespace's).
    public func clearJournal(namespace: String? = nil) async throws {
        try await send(.DELETE, "/journal", query: ["namespace": namespace])
    }

    // MARK: - Transport

    private struct Empty: Encodable {}

    @discardableResult
    private func send(_ method: HTTPMethod, _ path: String, query: [String: String?] = [:]) async throws -> Data {
        try await exchange(method, path, query: query, body: Optional<Empty>.none)
    }

    private func send<Body: Encodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], body: Body
    ) async throws {
        _ = try await exchange(method, path, query: query, body: body)
    }

    private func send<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], as type: Answer.Type
    ) async throws -> Answer {
        try decode(type, from: try await exchange(method, path, query: query, body: Optional<Empty>.none))
    }

    private func send<Body: Encodable, Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], body: Body, as type: Answer.Type
    ) async throws -> Answer {
        try decode(type, from: try await exchange(method, path, query: query, body: body))
    }

    private func decode<Answer: Decodable>(_ type: Answer.Type, from data: Data) throws -> Answer {
        do {
            return try CyclesJSON.decode(type, from: data)
        } catch {
            throw CyclesMockControlError(status: 200, message: "Unreadable control API answer: \(error)")
        }
    }

    private func exchange<Body: Encodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String?], body: Body?
    ) async throws -> Data {
        var url = baseURL + MockControlRoutes.pathPrefix + path
        let pairs = query.compactMap { name, value in value.map { "\(name)=\(PercentEncoding.encode($0))" } }.sorted()
        if !pairs.isEmpty { url += "?" + pairs.joined(separator: "&") }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: CyclesHeader.adminAPIKey, value: adminKey)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try CyclesJSON.encode(body)))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            let deadline = TimeAmount.milliseconds(timeout.wholeMilliseconds)
            response = try await httpClient.execute(request, timeout: deadline)
            bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            throw CyclesMockControlError(status: 0, message: "\(method.rawValue) \(url) failed: \(error)")
        }
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            let error = try? CyclesJSON.decode(ErrorResponse.self, from: data)
            throw CyclesMockControlError(
                status: Int(response.status.code), code: error?.error,
                message: error?.message ?? String(decoding: data, as: UTF8.self), requestID: error?.requestID)
        }
        return data
    }
}
