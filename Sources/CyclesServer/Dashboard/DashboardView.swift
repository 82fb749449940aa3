import CyclesProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything the dashboard templates render, already formatted: the templates only lay it out (Mustache is
/// logic-less and HTML-escapes every `{{value}}`, so tenant-provided text such as scopes, idempotency keys and
/// webhook URLs reaches the page escaped).
struct DashboardView: Sendable {
    /// One namespace in the selector.
    struct NamespaceOption: Sendable {
        var name: String
        var selected: Bool
        /// `/dashboard?namespace=…`, percent-encoded.
        var href: String
    }

    /// The namespace clock.
    struct Clock: Sendable {
        /// `real`, `frozen` or `offset`.
        var mode: String
        var nowMs: Int64
        var nowText: String
        /// Offset from the wall clock, for the header (`+10 m 00 s`), empty for a real clock.
        var offsetText: String
        var frozen: Bool
    }

    /// One budget row with its bar.
    struct Budget: Sendable {
        var tenant: String
        var scope: String
        var unit: String
        var status: String
        var frozen: Bool
        var overLimit: Bool
        var allocated: String
        var remaining: String
        var reserved: String
        var spent: String
        var debt: String
        var hasDebt: Bool
        var overdraftLimit: String
        /// Bar segment widths (CSS percentages of the bar).
        var spentPercent: String
        var reservedPercent: String
        var remainingPercent: String
        var debtPercent: String
        /// Raw amounts, for the `data-` attributes tests and scripts read.
        var spentRaw: Int64
        var reservedRaw: Int64
        var remainingRaw: Int64
    }

    /// One reservation row.
    struct Reservation: Sendable {
        var id: String
        var tenant: String
        var scope: String
        var amount: String
        var committed: String
        var status: String
        /// Lowercased status, a CSS class.
        var statusClass: String
        var idempotencyKey: String
        var created: String
        /// Epoch ms on the namespace clock, for the countdown script.
        var expiresAtMs: Int64
        var deadlineMs: Int64
        var grace: String
        /// The TTL left when rendered; the script keeps it counting.
        var remaining: String
        var finished: String
        var extensions: String
    }

    /// One request journal row.
    struct JournalEntry: Sendable {
        var sequence: Int
        var time: String
        var tenant: String
        var operation: String
        var method: String
        var path: String
        var idempotencyKey: String
        var reservationID: String
        /// What the client got: a status, or what the fault did to it.
        var outcome: String
        /// `ok`, `error` or `fault`.
        var outcomeClass: String
        var fault: String?
        var faultRule: String?
        var duration: String
    }

    /// One fault rule with its counters.
    struct FaultRule: Sendable {
        var id: String
        var match: String
        var effect: String
        var times: String
        var probability: String?
        var matched: Int
        var applied: Int
        var spent: Bool
    }

    /// One protocol event.
    struct Event: Sendable {
        var time: String
        var type: String
        var tenant: String
        var scope: String
        var correlation: String
    }

    /// One webhook delivery.
    struct Delivery: Sendable {
        var time: String
        var eventType: String
        var url: String
        var status: String
        var statusClass: String
        var attempts: Int
        var response: String
        var error: String
    }

    /// One invariant violation.
    struct Violation: Sendable {
        var kind: String
        var location: String
        var message: String
    }

    /// An option of a `<select>`.
    struct Option: Sendable {
        var value: String
        var selected: Bool
    }

    /// The journal filter the page was opened with (each field empty when unset).
    struct JournalFilter: Sendable, Hashable {
        var tenant: String = ""
        var operation: String = ""
        var idempotencyKey: String = ""
    }

    var namespace: String
    var namespaces: [NamespaceOption]
    /// Whether the mock layer is on: journal, fault rules and controls are shown only then.
    var mock: Bool
    var clock: Clock
    var budgets: [Budget]
    var activeReservations: [Reservation]
    /// "showing 50 of 1,234" when the list is cut (Mustache treats an empty string as true, hence optionals).
    var activeNote: String?
    var finishedReservations: [Reservation]
    var journal: [JournalEntry]
    var journalNote: String?
    var filter: JournalFilter
    var operations: [Option]
    var faultRules: [FaultRule]
    var events: [Event]
    var deliveries: [Delivery]
    var invariantsOK: Bool
    var violations: [Violation]
    /// The `/dashboard/stream` query that keeps this view live.
    var streamQuery: String
    /// Filled in by the page only: the style sheet and the script (trusted constants, rendered unescaped).
    var style = ""
    var script = ""
}

extension DashboardView {
    /// How many journal entries the dashboard lists (the most recent that pass the filter).
    static let journalLimit = 40

    /// Builds the view of `snapshot`.
    init(
        namespace: String, snapshot: DashboardLedgerSnapshot, clock: NamespaceClock, controls: MockControls?,
        filter: JournalFilter, violations: [InvariantViolation]
    ) {
        self.namespace = namespace
        namespaces = snapshot.namespaces.map { name in
            NamespaceOption(
                name: name, selected: name == namespace,
                href: "/dashboard?namespace=" + (PercentEncoding.encode(name)))
        }
        mock = controls != nil
        self.clock = Clock(
            mode: clock.mode.name, nowMs: clock.nowMs, nowText: Self.dateTime(clock.nowMs),
            offsetText: Self.offsetText(clock), frozen: { if case .frozen = clock.mode { true } else { false } }())
        budgets = snapshot.budgets.map(Self.budget)
        activeReservations = snapshot.active.map { Self.reservation($0, now: clock.nowMs) }
        activeNote =
            snapshot.activeCount > snapshot.active.count
            ? "showing the \(snapshot.active.count) that expire first of "
                + (snapshot.activeCount >= DashboardLedgerSnapshot.activeCountCap ? "at least " : "")
                + DashboardFormat.grouped(Int64(snapshot.activeCount))
            : nil
        finishedReservations = snapshot.finished.map { Self.reservation($0, now: clock.nowMs) }
        self.filter = filter
        operations = [Option(value: "", selected: filter.operation.isEmpty)]
            + RuntimeOperation.allCases.map { Option(value: $0.rawValue, selected: $0.rawValue == filter.operation) }
        if let controls {
            let query = JournalQuery(
                namespace: namespace, operation: RuntimeOperation(rawValue: filter.operation),
                tenant: filter.tenant.isEmpty ? nil : filter.tenant,
                idempotencyKey: filter.idempotencyKey.isEmpty ? nil : filter.idempotencyKey, limit: Self.journalLimit)
            journal = controls.journal.entries(matching: query).reversed().map(Self.journalEntry)
            journalNote = "the \(Self.journalLimit) most recent matching requests, newest first"
            faultRules = controls.faults.list().map(Self.faultRule)
        } else {
            journal = []
            journalNote = nil
            faultRules = []
        }
        events = snapshot.events.map { event in
            Event(
                time: DashboardFormat.timeOfDay(event.timestampMs), type: event.eventType, tenant: event.tenantID,
                scope: event.scope ?? "", correlation: event.correlationID ?? "")
        }
        deliveries = snapshot.deliveries.map { delivery in
            Delivery(
                time: DashboardFormat.timeOfDay(delivery.atMs), eventType: delivery.eventType, url: delivery.url ?? "",
                status: delivery.status,
                statusClass: delivery.status == "SUCCESS" ? "ok" : delivery.status == "FAILED" ? "error" : "pending",
                attempts: delivery.attempts, response: delivery.responseStatus.map(String.init) ?? "",
                error: delivery.errorMessage ?? "")
        }
        invariantsOK = violations.isEmpty
        self.violations = violations.map { violation in
            Violation(
                kind: violation.kind,
                location: [violation.tenantID, violation.scopePath, violation.unit, violation.reservationID].compactMap { $0 }
                    .joined(separator: " "),
                message: violation.message)
        }
        streamQuery = Self.streamQuery(namespace: namespace, filter: filter)
    }

    /// The query string (without `?`) that selects this namespace and journal filter.
    static func streamQuery(namespace: String, filter: JournalFilter) -> String {
        var pairs = [("namespace", namespace)]
        if !filter.tenant.isEmpty { pairs.append(("tenant", filter.tenant)) }
        if !filter.operation.isEmpty { pairs.append(("operation", filter.operation)) }
        if !filter.idempotencyKey.isEmpty { pairs.append(("idempotency_key", filter.idempotencyKey)) }
        return pairs.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
    }

    /// How far the clock is from the wall clock (`+10 m 00 s`); empty for a real clock.
    static func offsetText(_ clock: NamespaceClock) -> String {
        guard clock.mode != .real else { return "" }
        let offset = clock.nowMs - NamespaceClock.wallClockMs()
        return (offset >= 0 ? "+" : "") + DashboardFormat.duration(offset)
    }

    static func dateTime(_ epochMs: Int64) -> String {
        Date(timeIntervalSince1970: Double(epochMs) / 1000)
            .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    static func budget(_ record: BudgetRecord) -> Budget {
        let unit = record.unit
        // The bar's whole is everything the budget accounts for: with debt, more than the allocation.
        let whole = max(record.remaining, 0) + record.reserved + record.spent + record.debt
        return Budget(
            tenant: record.tenantID, scope: record.scopePath, unit: unit.rawValue, status: record.status,
            frozen: record.status != "ACTIVE", overLimit: record.isOverLimit,
            allocated: DashboardFormat.amount(record.allocated, unit: unit),
            remaining: DashboardFormat.amount(record.remaining, unit: unit),
            reserved: DashboardFormat.amount(record.reserved, unit: unit),
            spent: DashboardFormat.amount(record.spent, unit: unit),
            debt: DashboardFormat.amount(record.debt, unit: unit), hasDebt: record.debt > 0,
            overdraftLimit: DashboardFormat.amount(record.overdraftLimit, unit: unit),
            spentPercent: DashboardFormat.percent(record.spent, of: whole),
            reservedPercent: DashboardFormat.percent(record.reserved, of: whole),
            remainingPercent: DashboardFormat.percent(max(record.remaining, 0), of: whole),
            debtPercent: DashboardFormat.percent(record.debt, of: whole),
            spentRaw: record.spent, reservedRaw: record.reserved, remainingRaw: record.remaining)
    }

    static func reservation(_ record: ReservationRecord, now: Int64) -> Reservation {
        let unit = record.unit
        return Reservation(
            id: record.reservationID.rawValue, tenant: record.tenantID, scope: record.scopePath,
            amount: DashboardFormat.amount(record.amount, unit: unit),
            committed: record.committedAmount.map { DashboardFormat.amount($0, unit: unit) } ?? "",
            status: record.status.rawValue, statusClass: record.status.rawValue.lowercased(),
            idempotencyKey: record.idempotencyKey, created: DashboardFormat.timeOfDay(record.createdAtMs),
            expiresAtMs: record.expiresAtMs, deadlineMs: record.deadlineMs, grace: DashboardFormat.duration(record.graceMs),
            remaining: DashboardFormat.duration(max(0, record.expiresAtMs - now)),
            finished: DashboardFormat.timeOfDay(record.finalizedAtMs ?? record.deadlineMs),
            extensions: "\(record.extensionCount)/\(record.maxExtensions)")
    }

    static func journalEntry(_ entry: CyclesServer.JournalEntry) -> JournalEntry {
        let outcome: String
        let outcomeClass: String
        switch (entry.status, entry.responded) {
        case (nil, _):
            outcome = "connection dropped"
            outcomeClass = "fault"
        case (let status?, false):
            outcome = "\(status), answer dropped"
            outcomeClass = "fault"
        case (let status?, true):
            outcome = "\(status)"
            outcomeClass = status < 400 ? "ok" : "error"
        }
        return JournalEntry(
            sequence: entry.sequence, time: DashboardFormat.timeOfDay(entry.receivedAtMs), tenant: entry.tenant ?? "",
            operation: entry.operation.rawValue, method: entry.method, path: entry.path,
            idempotencyKey: entry.idempotencyKey ?? "", reservationID: entry.reservationID ?? "", outcome: outcome,
            outcomeClass: entry.fault != nil && outcomeClass == "ok" ? "fault" : outcomeClass, fault: entry.fault,
            faultRule: entry.faultRuleID,
            duration: entry.durationMs < 10 ? "\((entry.durationMs * 10).rounded() / 10) ms" : "\(Int(entry.durationMs)) ms")
    }

    static func faultRule(_ rule: CyclesServer.FaultRule) -> FaultRule {
        func json(_ value: some Encodable) -> String {
            (try? CyclesJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        let times: String =
            switch rule.times {
            case .times(let count): "\(count)×"
            case .always: "always"
            }
        return FaultRule(
            id: rule.id ?? "", match: json(rule.match), effect: json(rule.effect), times: times,
            probability: rule.probability.map { "\($0)" }, matched: rule.matched ?? 0, applied: rule.applied ?? 0,
            spent: rule.isSpent)
    }
}
