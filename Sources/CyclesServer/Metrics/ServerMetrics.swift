import Atomics
public import CyclesProtocol
public import Prometheus

/// The reference server's Prometheus metrics (`/metrics`, `ReferenceServerConfiguration.metrics`).
///
/// Each `ReferenceServer` has its own instance over its own `PrometheusCollectorRegistry`, never the process-wide
/// `MetricsSystem`: tests start many servers in one process, and two servers must never mix their counts.
///
/// Series (see `docs/metrics.md` for the full list):
/// - `cycles_http_requests_total{operation,status}`: runtime requests answered, by operation and HTTP status.
/// - `cycles_http_request_duration_seconds{operation}`: a latency histogram per runtime operation.
/// - `cycles_decisions_total{operation,decision,reason}`: fresh reserve and decide evaluations (replays are not
///   counted again); a live reserve's 409 budget denial counts as `DENY` with its error code as the reason.
/// - `cycles_webhook_delivery_attempts_total{outcome}`: webhook POSTs, `success` or `failure`.
/// - Scrape-time gauges read from the ledger: budget balances per scope (bounded, see `scopeLimit`), scopes over
///   limit, and webhook deliveries by status.
///
/// Keeping the request path cheap: every series a request touches sits in a fixed table indexed by operation and
/// status (or decision and reason), created on first use through a `ManagedAtomicLazyReference`. After that first
/// request a request costs an atomic load and a relaxed atomic increment per counter, three relaxed increments in
/// the latency histogram and two monotonic clock reads: no lock, no allocation, no dictionary. Only a status or
/// reason code outside the known set goes through the registry's own (locked) lookup. The per-scope gauges are computed when `/metrics` is
/// scraped, not kept up to date on the reserve path.
public final class ServerMetrics: Sendable {
    /// The default of `scopeLimit`.
    public static let defaultScopeLimit = 100

    /// The registry the request counters live in (one per server).
    public let registry: PrometheusCollectorRegistry
    /// At most this many budgets (tenant, scope, unit) get their own gauge series, worst first (over limit, then
    /// most debt, then highest use); the rest are summed per unit into `tenant="__other__",scope="__other__"`.
    /// So the budget gauges have at most `scopeLimit` + (number of units) series each, however many scopes exist.
    public let scopeLimit: Int

    static let requestsName = "cycles_http_requests_total"
    static let requestsHelp = "Runtime API requests answered, by operation and HTTP status."
    static let decisionsName = "cycles_decisions_total"
    static let decisionsHelp =
        "Fresh reserve and decide evaluations by decision and reason (none for allows); a live reserve's 409 budget "
        + "denial counts as DENY with its error code."
    static let latencyName = "cycles_http_request_duration_seconds"
    static let latencyHelp = "Runtime API request latency in seconds, by operation."

    /// The statuses with a preallocated slot; any other status still counts, through the registry's lookup.
    static let knownStatuses = [200, 201, 400, 401, 403, 404, 405, 409, 410, 412, 413, 422, 429, 500, 503]
    static let operations = RuntimeOperation.allCases
    static let decisionValues: [Decision] = [.allow, .allowWithCaps, .deny]
    /// Index 0 is "no reason" (an allow).
    static let reasonValues: [String] = ["none"] + DecisionReasonCode.knownValues.map(\.rawValue)

    private let requestSlots: [ManagedAtomicLazyReference<Counter>]
    private let decisionSlots: [ManagedAtomicLazyReference<Counter>]
    private let latencies: [LatencyHistogram]
    private let webhookSuccesses: Counter
    private let webhookFailures: Counter

    /// Creates the metrics of one server.
    public init(scopeLimit: Int = ServerMetrics.defaultScopeLimit) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.scopeLimit = max(0, scopeLimit)
        requestSlots = (0..<(Self.operations.count * Self.knownStatuses.count)).map { _ in .init() }
        decisionSlots = (0..<(2 * Self.decisionValues.count * Self.reasonValues.count)).map { _ in .init() }
        latencies = Self.operations.map { _ in LatencyHistogram() }
        let webhookName = "cycles_webhook_delivery_attempts_total"
        let webhookHelp = "Webhook delivery attempts (HTTP POSTs) by outcome."
        webhookSuccesses = registry.makeCounter(name: webhookName, labels: [("outcome", "success")], help: webhookHelp)
        webhookFailures = registry.makeCounter(name: webhookName, labels: [("outcome", "failure")], help: webhookHelp)
    }

    // MARK: - Recording (request path)

    /// Counts one answered runtime request and its latency.
    func recordRequest(_ operation: RuntimeOperation, status: Int, nanoseconds: Int) {
        let operationIndex = operation.metricsIndex
        latencies[operationIndex].record(nanoseconds: nanoseconds)
        guard let statusIndex = Self.statusIndex(status) else {
            registry.makeCounter(
                name: Self.requestsName, labels: [("operation", operation.rawValue), ("status", String(status))],
                help: Self.requestsHelp
            ).increment()
            return
        }
        let slot = requestSlots[operationIndex * Self.knownStatuses.count + statusIndex]
        let counter =
            slot.load()
            ?? slot.storeIfNilThenLoad(
                registry.makeCounter(
                    name: Self.requestsName, labels: [("operation", operation.rawValue), ("status", String(status))],
                    help: Self.requestsHelp))
        counter.increment()
    }

    /// Counts one fresh decision of a reserve (live or dry run) or decide.
    func recordDecision(_ operation: RuntimeOperation, decision: Decision, reason: String?) {
        let operationIndex = operation == .decide ? 1 : 0
        // 0 for an allow (no reason); nil for a reason code outside the known set.
        let reasonIndex: Int? = if let reason { Self.reasonIndex(reason) } else { 0 }
        guard let decisionIndex = Self.decisionIndex(decision), let reasonIndex else {
            registry.makeCounter(
                name: Self.decisionsName, labels: Self.decisionLabels(operation, decision.rawValue, reason ?? "none"),
                help: Self.decisionsHelp
            ).increment()
            return
        }
        let slot = decisionSlots[
            (operationIndex * Self.decisionValues.count + decisionIndex) * Self.reasonValues.count + reasonIndex]
        let counter =
            slot.load()
            ?? slot.storeIfNilThenLoad(
                registry.makeCounter(
                    name: Self.decisionsName,
                    labels: Self.decisionLabels(operation, decision.rawValue, Self.reasonValues[reasonIndex]),
                    help: Self.decisionsHelp))
        counter.increment()
    }

    /// Counts one webhook delivery attempt.
    func recordWebhookAttempt(succeeded: Bool) {
        (succeeded ? webhookSuccesses : webhookFailures).increment()
    }

    static func decisionLabels(_ operation: RuntimeOperation, _ decision: String, _ reason: String) -> [(String, String)] {
        [("operation", operation == .decide ? "decide" : "reserve"), ("decision", decision), ("reason", reason)]
    }

    // The slot of a status, decision or reason is its position in the list above: the lists are the only place the
    // known values are spelled. The search is at most 15 integer comparisons (a 200 is the first), and the reason's
    // at most 7 short string comparisons, made only for a DENY.

    static func statusIndex(_ status: Int) -> Int? { knownStatuses.firstIndex(of: status) }

    static func decisionIndex(_ decision: Decision) -> Int? { decisionValues.firstIndex(of: decision) }

    /// 1... for the known reason codes; `nil` for an unknown one (counted through the registry's lookup).
    static func reasonIndex(_ reason: String) -> Int? {
        reasonValues.indices.dropFirst().first { reasonValues[$0] == reason }
    }

    // MARK: - Rendering (scrape time)

    /// The Prometheus text exposition (format 0.0.4) of this server: its counters, the latency histograms, and
    /// gauges read from `ledger` now.
    public func render(ledger: Ledger) async throws -> String {
        let snapshot = try await ledger.metricsSnapshot(scopeLimit: scopeLimit)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        appendLatencies(to: &buffer)
        // A fresh registry per scrape: a scope that left the top N (or was deleted) leaves no stale series behind.
        let gauges = PrometheusCollectorRegistry()
        snapshot.register(in: gauges)
        gauges.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private func appendLatencies(to buffer: inout [UInt8]) {
        var lines = ""
        for operation in Self.operations {
            let (cumulative, sum) = latencies[operation.metricsIndex].snapshot()
            guard let count = cumulative.last, count > 0 else { continue }
            // Operation names are fixed lowercase identifiers: no label escaping needed.
            let label = "operation=\"\(operation.rawValue)\""
            for (bound, value) in zip(LatencyHistogram.bucketBounds, cumulative) {
                lines += "\(Self.latencyName)_bucket{\(label),le=\"\(bound)\"} \(value)\n"
            }
            lines += "\(Self.latencyName)_bucket{\(label),le=\"+Inf\"} \(count)\n"
            lines += "\(Self.latencyName)_sum{\(label)} \(sum)\n"
            lines += "\(Self.latencyName)_count{\(label)} \(count)\n"
        }
        guard !lines.isEmpty else { return }
        buffer.append(contentsOf: "# HELP \(Self.latencyName) \(Self.latencyHelp)\n".utf8)
        buffer.append(contentsOf: "# TYPE \(Self.latencyName) histogram\n".utf8)
        buffer.append(contentsOf: lines.utf8)
    }
}

extension RuntimeOperation {
    /// A distinct slot per operation, 0..<allCases.count, by a switch (no array built or searched per request).
    var metricsIndex: Int {
        switch self {
        case .reserve: 0
        case .commit: 1
        case .release: 2
        case .extend: 3
        case .decide: 4
        case .event: 5
        case .listReservations: 6
        case .getReservation: 7
        case .balances: 8
        }
    }
}
