#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CyclesProtocol
import Hummingbird

/// The handlers behind each control route.
extension MockControlRoutes {
    // MARK: Namespaces

    func createNamespace(_ request: Request) async throws -> Response {
        let body = try await Self.decodeBody(NamespaceCreateBody.self, from: request, allowEmpty: true)
        let name = body.name ?? "ns-" + RandomIdentifier.hex(byteCount: 6)
        try Self.validateNamespaceName(name)
        try await ledger.createNamespace(name)
        return try Self.json(NamespaceCreatedBody(namespace: name), status: .created)
    }

    func deleteNamespace(name: String) async throws -> Response {
        try Self.validateNamespaceName(name)
        // "default" always exists (CONTRACTS.md); it can be reset but not deleted.
        guard name != Ledger.defaultNamespace else {
            throw LedgerError.invalid("The 'default' namespace cannot be deleted; reset it instead")
        }
        try await ledger.deleteNamespace(name)
        controls.faults.removeAll(namespace: name)
        controls.journal.clear(namespace: name)
        return Self.noContent()
    }

    // MARK: Seed and state

    func seed(_ request: Request) async throws -> Response {
        let namespace = try Self.namespace(request)
        let bytes = try await Self.collectBody(of: request)
        guard !bytes.isEmpty else { throw LedgerError.invalid("Request body is required (a seed document)") }
        // The seed parser names the JSON path of a problem, exactly as for `--seed FILE`.
        let document = try SeedDocument.parse(bytes, source: "seed request")
        let summary: SeedSummary
        do {
            summary = try await ledger.applySeed(document, namespace: namespace)
        } catch let error as LedgerError {
            throw Self.classify(error)
        } catch {
            // Seed problems are the caller's: the document names tenants, keys or budgets that clash.
            throw LedgerError.invalid("Seed rejected: \(error)")
        }
        return try Self.json(summary)
    }

    func state(_ request: Request) async throws -> Response {
        try Self.json(try await ledger.state(namespace: try Self.namespace(request)))
    }

    // MARK: Clock

    func readClock(_ request: Request) async throws -> Response {
        let namespace = try Self.namespace(request)
        return try Self.json(try await clockBody(namespace: namespace))
    }

    func setClock(_ request: Request) async throws -> Response {
        let namespace = try Self.namespace(request)
        let body = try await Self.decodeBody(ClockBody.self, from: request)
        let mode: ClockMode
        switch body.mode {
        case "real":
            mode = .real
        case "frozen":
            guard let atMs = body.atMs else {
                throw LedgerError.invalid("mode 'frozen' needs 'at_ms' (epoch milliseconds)")
            }
            guard atMs >= 0 else { throw LedgerError.invalid("'at_ms' must not be negative") }
            mode = .frozen(atMs: atMs)
        case "offset":
            guard let offsetMs = body.offsetMs else {
                throw LedgerError.invalid("mode 'offset' needs 'offset_ms' (milliseconds)")
            }
            mode = .offset(ms: offsetMs)
        default:
            throw LedgerError.invalid("Invalid 'mode' '\(body.mode)': expected real, frozen or offset")
        }
        try await ledger.setClock(namespace: namespace, mode: mode)
        return try Self.json(try await clockBody(namespace: namespace))
    }

    func advanceClock(_ request: Request) async throws -> Response {
        let namespace = try Self.namespace(request)
        let body = try await Self.decodeBody(ClockAdvanceBody.self, from: request)
        guard body.byMs >= 0 else {
            throw LedgerError.invalid("'by_ms' must not be negative (the clock only moves forward)")
        }
        // The ledger runs every expiry that falls due before returning, so the answer is settled state.
        let advanced = try await ledger.advanceClockReportingExpiries(namespace: namespace, byMs: body.byMs)
        return try Self.json(
            ClockAdvancedBody(nowMs: advanced.nowMs, expired: advanced.expired.map(\.rawValue).sorted()))
    }

    // MARK: Faults

    func addFault(_ request: Request) async throws -> Response {
        let rule = try await Self.decodeBody(FaultRule.self, from: request)
        return try Self.json(try controls.faults.add(rule), status: .created)
    }

    func listFaults() throws -> Response {
        try Self.json(FaultListBody(rules: controls.faults.list()))
    }

    func removeFault(id: String) throws -> Response {
        guard controls.faults.remove(id: id) else { throw LedgerError.notFound("No fault rule '\(id)'") }
        return Self.noContent()
    }

    // MARK: Journal, invariants, reset

    func journal(_ request: Request) throws -> Response {
        let parameters = try QueryParameters(request)
        var operation: RuntimeOperation?
        if let text = parameters["operation"] {
            guard let parsed = RuntimeOperation(rawValue: text) else {
                let known = RuntimeOperation.allCases.map(\.rawValue).joined(separator: ", ")
                throw LedgerError.invalid("Invalid 'operation' '\(text)': expected one of \(known)")
            }
            operation = parsed
        }
        let query = JournalQuery(
            namespace: try Self.optionalNamespace(request), operation: operation, tenant: parameters["tenant"],
            idempotencyKey: parameters["idempotency_key"], reservationID: parameters["reservation_id"],
            limit: try Self.integerParameter("limit", in: request))
        return try Self.json(JournalBody(entries: controls.journal.entries(matching: query)))
    }

    func invariants(_ request: Request) async throws -> Response {
        let violations = try await ledger.checkInvariants(namespace: try Self.optionalNamespace(request))
        return try Self.json(InvariantReportBody(ok: violations.isEmpty, violations: violations))
    }

    func reset(_ request: Request) async throws -> Response {
        let namespace = try Self.namespace(request)
        try await ledger.resetNamespace(namespace)
        // A reset gives the namespace a clean slate: its scoped fault rules and journal entries go too.
        controls.faults.removeAll(namespace: namespace)
        controls.journal.clear(namespace: namespace)
        return Self.noContent()
    }
}

/// `GET /__cycles/invariants` answer.
struct InvariantReportBody: Encodable, Sendable {
    var ok: Bool
    var violations: [InvariantViolation]
}
