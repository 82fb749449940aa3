import Cycles
import CyclesProtocol
import Foundation

/// The client-conformance driver for our Swift client (`Cycles`): reads the steps of one scenario as JSON on
/// standard input, performs them through the client's public API (`withCycles`, `CyclesClient.decide`) and
/// prints one JSON result on standard output. The contract is in `Conformance/README.md` ("Client conformance").
///
/// Configuration comes from the environment (`CYCLES_BASE_URL`, `CYCLES_API_KEY`, `CYCLES_TENANT`, …) through
/// `CyclesConfig.fromEnvironment`, exactly as an application would configure the client.
@main
struct SwiftDriver {
    static func main() async {
        do {
            let input = try CyclesJSON.decode(JSONValue.self, from: FileHandle.standardInput.readDataToEndOfFile())
            let client = try CyclesClient.fromEnvironment()
            var results: [JSONValue] = []
            for step in input["steps"]?.arrayValue ?? [] {
                results.append(try await perform(DriverStep(step), client: client))
            }
            emit(["sdk": "swift-cycles (Cycles)", "steps": .array(results)])
        } catch {
            // A driver failure (bad input, bad environment) is reported, never a crash: the kit fails the scenario.
            emit(["sdk": "swift-cycles (Cycles)", "driver_error": .string("\(error)")])
        }
    }

    /// Runs one step `concurrency` times at once and collects every outcome.
    static func perform(_ step: DriverStep, client: CyclesClient) async throws -> JSONValue {
        let outcomes = await withTaskGroup(of: (Int, JSONValue).self) { group in
            for index in 0..<step.concurrency {
                group.addTask { (index, await outcome(of: step, client: client)) }
            }
            var collected: [(Int, JSONValue)] = []
            for await item in group { collected.append(item) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return ["op": .string(step.op), "outcomes": .array(outcomes)]
    }

    static func outcome(of step: DriverStep, client: CyclesClient) async -> JSONValue {
        do {
            switch step.op {
            case "guarded": return try await guarded(step, client: client)
            case "decide":
                let answer = try await client.decide(
                    DecisionRequest(
                        subject: client.resolvedSubject(nil), action: step.action, estimate: step.estimate))
                return ok(decision: answer.decision, caps: answer.caps, reasonCode: answer.reasonCode?.rawValue)
            default:
                return ["status": "error", "error": ["kind": "unsupported", "message": .string("unknown op \(step.op)")]]
            }
        } catch let error as DriverBodyError {
            return ["status": "error", "error": ["kind": "body_error", "type": "DriverBodyError", "message": .string(error.message)]]
        } catch {
            return ["status": "error", "error": describe(error)]
        }
    }

    /// The high-level helper: `withCycles` (or its dry-run form).
    static func guarded(_ step: DriverStep, client: CyclesClient) async throws -> JSONValue {
        let options = ReservationOptions(ttlMs: step.ttlMs)
        if step.dryRun {
            let outcome = try await withCycles(
                client, estimate: step.estimate, action: step.action, options: options, dryRun: true
            ) { _ in ("ran", step.actual) }
            guard case .dryRun(let decision) = outcome else { return ok(value: "ran") }
            return ok(decision: decision.decision, caps: decision.caps, reasonCode: decision.reasonCode?.rawValue)
        }
        nonisolated(unsafe) var seen: (Decision, Caps?)?
        let value = try await withCycles(client, estimate: step.estimate, action: step.action, options: options) {
            context in
            seen = (context.decision, context.caps)
            if step.holdMs > 0 { try await Task.sleep(for: .milliseconds(step.holdMs)) }
            if step.body == "throw" { throw DriverBodyError(message: "the guarded body failed on purpose") }
            return ("done", step.actual)
        }
        return ok(value: value, decision: seen?.0, caps: seen?.1)
    }

    static func ok(value: String? = nil, decision: Decision? = nil, caps: Caps? = nil, reasonCode: String? = nil)
        -> JSONValue
    {
        var object: [String: JSONValue] = ["status": "ok"]
        if let value { object["value"] = .string(value) }
        if let decision { object["decision"] = .string(decision.rawValue) }
        if let reasonCode { object["reason_code"] = .string(reasonCode) }
        if let caps, let data = try? CyclesJSON.encode(caps), let json = try? CyclesJSON.decode(JSONValue.self, from: data) {
            object["caps"] = json
        }
        return .object(object)
    }

    /// Maps the client's typed error onto the contract's error kinds.
    static func describe(_ error: any Error) -> JSONValue {
        guard let error = error as? CyclesError else {
            return ["kind": "other", "type": .string(String(describing: type(of: error))), "message": .string("\(error)")]
        }
        let kind: String
        if error.isBudgetExceeded {
            kind = "budget_exceeded"
        } else if error.isDebtOutstanding {
            kind = "debt_outstanding"
        } else if error.isOverdraftLimitExceeded {
            kind = "overdraft_limit_exceeded"
        } else if error.isReservationExpired {
            kind = "reservation_expired"
        } else if error.isReservationFinalized {
            kind = "reservation_finalized"
        } else if error.kind == .denied {
            kind = "denied"
        } else if error.kind == .transport {
            kind = "transport"
        } else if error.kind == .server {
            kind = "protocol"
        } else {
            kind = "other"
        }
        var object: [String: JSONValue] = [
            "kind": .string(kind), "type": .string("CyclesError.\(error.kind.rawValue)"), "message": .string(error.message),
        ]
        if let code = error.effectiveCode { object["code"] = .string(code.rawValue) }
        if let reasonCode = error.reasonCode { object["reason_code"] = .string(reasonCode.rawValue) }
        if let requestID = error.requestID { object["request_id"] = .string(requestID) }
        return .object(object)
    }

    static func emit(_ value: JSONValue) {
        let data = (try? CyclesJSON.encode(value)) ?? Data("{\"driver_error\":\"unencodable result\"}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

/// One step of the driver input, with the contract's defaults filled in.
struct DriverStep: Sendable {
    var op: String
    var estimate: Amount
    var actual: Amount
    var action: Action
    var ttlMs: Int64
    var holdMs: Int64
    var body: String
    var dryRun: Bool
    var concurrency: Int

    init(_ json: JSONValue) {
        op = json["op"]?.stringValue ?? "guarded"
        let unit = BudgetUnit(rawValue: json["unit"]?.stringValue ?? "TOKENS")
        estimate = Amount(unit: unit, amount: json["estimate"]?.integerValue ?? 1_000)
        actual = Amount(unit: unit, amount: json["actual"]?.integerValue ?? estimate.amount)
        action = Action(
            kind: json["action_kind"]?.stringValue ?? "llm.completion",
            name: json["action_name"]?.stringValue ?? "conformance")
        ttlMs = json["ttl_ms"]?.integerValue ?? 60_000
        holdMs = json["hold_ms"]?.integerValue ?? 0
        body = json["body"]?.stringValue ?? "return"
        dryRun = json["dry_run"]?.boolValue ?? false
        concurrency = max(1, Int(json["concurrency"]?.integerValue ?? 1))
    }
}

/// The error a guarded body throws on purpose (`"body": "throw"`).
struct DriverBodyError: Error {
    var message: String
}
