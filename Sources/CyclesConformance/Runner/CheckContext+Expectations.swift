public import CyclesProtocol
import Foundation

/// Assertions that turn into ``CheckFailure``s carrying the exchange, the expectation and the spec reference.
extension CheckContext {
    /// Fails unless `condition` holds.
    public func expect(
        _ condition: Bool, _ message: @autoclosure () -> String, expected: String? = nil, spec: String? = nil,
        exchange: WireExchange? = nil
    ) throws {
        guard !condition else { return }
        throw CheckFailure(message(), expected: expected, spec: spec ?? descriptor.spec, exchange: exchange)
    }

    /// Fails unless the exchange answered `status`.
    public func expectStatus(_ exchange: WireExchange, _ status: Int, spec: String? = nil, because: String? = nil)
        throws
    {
        guard exchange.status != status else { return }
        let context = because.map { " while \($0)" } ?? ""
        throw CheckFailure(
            "\(exchange.summary)\(context): \(exchange.body.prefix(400))", expected: "HTTP \(status)",
            spec: spec ?? descriptor.spec, exchange: exchange)
    }

    /// Fails unless the exchange is an error with `status` and `code` in a well-formed ErrorResponse.
    public func expectError(_ exchange: WireExchange, _ status: Int, _ code: ErrorCode, spec: String? = nil) throws {
        let reference = spec ?? descriptor.spec
        guard exchange.status == status, exchange.errorCode == code.rawValue else {
            throw CheckFailure(
                "\(exchange.summary): \(exchange.body.prefix(400))", expected: "HTTP \(status) \(code.rawValue)",
                spec: reference, exchange: exchange)
        }
        try expectJSONContentType(exchange)
        let problems = WireShapes.errorResponse.violations(of: exchange.json ?? .null)
        try expect(
            problems.isEmpty, "error body is not a conformant ErrorResponse: \(problems.joined(separator: "; "))",
            expected: "error, message, request_id, trace_id", spec: "§2.6 ErrorResponse", exchange: exchange)
    }

    /// Fails unless the answer declares `Content-Type: application/json` (parameters such as `charset` allowed): every
    /// response the spec defines, success and error, is `content: application/json`. Every ``expectError`` and
    /// ``expectShape`` applies it, so a server whose answers are JSON in a `text/plain` wrapper fails the checks that
    /// read them, not only SRV-WIRE-019.
    public func expectJSONContentType(_ exchange: WireExchange, spec: String? = nil) throws {
        let mediaType = exchange.header("Content-Type")?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        try expect(
            mediaType == "application/json",
            "\(exchange.summary): Content-Type is \(exchange.header("Content-Type").map { "'\($0)'" } ?? "absent")",
            expected: "Content-Type: application/json", spec: spec ?? "responses: content application/json",
            exchange: exchange)
    }

    /// Fails unless the exchange is a 4xx/5xx whose code is one of `codes`.
    public func expectError(_ exchange: WireExchange, _ status: Int, oneOf codes: [ErrorCode], spec: String? = nil)
        throws
    {
        guard exchange.status == status, let code = exchange.errorCode, codes.map(\.rawValue).contains(code) else {
            throw CheckFailure(
                "\(exchange.summary): \(exchange.body.prefix(400))",
                expected: "HTTP \(status) with one of \(codes.map(\.rawValue).joined(separator: ", "))",
                spec: spec ?? descriptor.spec, exchange: exchange)
        }
        try expectJSONContentType(exchange)
    }

    /// Fails unless the body follows `schema`.
    public func expectShape(_ exchange: WireExchange, _ schema: ObjectShape, spec: String? = nil) throws {
        guard let json = exchange.json else {
            throw CheckFailure(
                "\(exchange.summary): body is not JSON", expected: schema.name, spec: spec ?? descriptor.spec,
                exchange: exchange)
        }
        try expectJSONContentType(exchange)
        let problems = schema.violations(of: json)
        try expect(
            problems.isEmpty, "\(exchange.summary): \(problems.joined(separator: "; "))", expected: schema.name,
            spec: spec, exchange: exchange)
    }

    /// The string at `field` of the body, or a failure.
    public func requireString(_ exchange: WireExchange, _ field: String, spec: String? = nil) throws -> String {
        guard let value = exchange.json?[field]?.stringValue else {
            throw CheckFailure(
                "\(exchange.summary): body has no string `\(field)`", expected: "`\(field)` present",
                spec: spec ?? descriptor.spec, exchange: exchange)
        }
        return value
    }

    /// The integer at `field` of the body, or a failure.
    public func requireInteger(_ exchange: WireExchange, _ field: String, spec: String? = nil) throws -> Int64 {
        guard let value = exchange.json?[field]?.integerValue else {
            throw CheckFailure(
                "\(exchange.summary): body has no integer `\(field)`", expected: "`\(field)` present",
                spec: spec ?? descriptor.spec, exchange: exchange)
        }
        return value
    }

    /// Fails unless the ledger identity holds and the snapshot matches what the check expects.
    public func expectLedger(
        _ snapshot: LedgerSnapshot, remaining: Int64? = nil, reserved: Int64? = nil, spent: Int64? = nil,
        debt: Int64? = nil, spec: String? = nil
    ) throws {
        try expect(
            snapshot.identityHolds, "ledger identity broken: \(snapshot)",
            expected: "allocated = remaining + reserved + spent + debt", spec: "§2.7 Balance")
        var mismatches: [String] = []
        if let remaining, snapshot.remaining != remaining { mismatches.append("remaining \(remaining)") }
        if let reserved, snapshot.reserved != reserved { mismatches.append("reserved \(reserved)") }
        if let spent, snapshot.spent != spent { mismatches.append("spent \(spent)") }
        if let debt, snapshot.debt != debt { mismatches.append("debt \(debt)") }
        try expect(
            mismatches.isEmpty, "unexpected ledger: \(snapshot)",
            expected: mismatches.joined(separator: ", "), spec: spec)
    }

    /// Reads the tenant's ledger of (`scope`, `unit`) (by default its first budgeted scope) with ``ledger(_:scope:unit:)``
    /// and checks it with ``expectLedger(_:remaining:reserved:spent:debt:spec:)``; returns the snapshot read.
    @discardableResult
    public func expectLedger(
        of tenant: ProvisionedTenant, scope: String? = nil, unit: BudgetUnit = .tokens, remaining: Int64? = nil,
        reserved: Int64? = nil, spent: Int64? = nil, debt: Int64? = nil, spec: String? = nil
    ) async throws -> LedgerSnapshot {
        let snapshot = try await ledger(tenant, scope: scope ?? tenant.budgetScopes[0], unit: unit)
        try expectLedger(snapshot, remaining: remaining, reserved: reserved, spent: spent, debt: debt, spec: spec)
        return snapshot
    }
}
