import Cycles
import CyclesProtocol
import Foundation

/// The worker processes the restart and concurrent-replay tests start: each builds a brand-new client from the
/// `CYCLES_*` environment (base URL, key, tenant, journal directory) and nothing else, so only durable state
/// crosses the process boundary.
enum WorkerCommand {
    /// Replays the journal of the configured identity and prints what happened.
    static func replay() async -> Int32 {
        guard var config = configuration() else { return 2 }
        config.journal.replayOnStart = false  // replayed explicitly below, so the summary can be printed
        let client = CyclesClient(config: config)
        let summary = await client.replayPendingSettlements()
        let quarantined: [JSONValue] = summary.quarantined.map { .object(["file": .string($0.file), "reason": .string($0.reason)]) }
        printJSON([
            "settled": .array(summary.settled.map(JSONValue.string)),
            "unresolved": .array(summary.unresolved.map(JSONValue.string)),
            "quarantined": .array(quarantined),
        ])
        return 0
    }

    /// Reserves `estimate` and commits `actual` (USD microcents); prints the receipt or the error.
    static func settle(estimate: String, actual: String) async -> Int32 {
        guard let config = configuration(), let estimate = Int64(estimate), let actual = Int64(actual) else { return 2 }
        let client = CyclesClient(config: config)
        do {
            let reservation = try await client.reserve(
                estimate: .usdMicrocents(estimate), action: Action(kind: "llm.completion", name: "recovery-harness"))
            let receipt = try await reservation.commit(actual: .usdMicrocents(actual))
            printJSON([
                "outcome": "settled", "path": .string("\(receipt.path)"),
                "idempotency_key": .string(receipt.idempotencyKey.rawValue),
            ])
        } catch {
            printJSON(["outcome": "error", "error": .string("\(error)")])
        }
        return 0
    }

    private static func configuration() -> CyclesConfig? {
        do {
            return try CyclesConfig.fromEnvironment()
        } catch {
            FileHandle.standardError.write(Data("cycles-recovery-harness: \(error)\n".utf8))
            return nil
        }
    }

    private static func printJSON(_ object: [String: JSONValue]) {
        let data = (try? CyclesJSON.encode(JSONValue.object(object))) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
