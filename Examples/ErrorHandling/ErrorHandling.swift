// Matching Cycles errors: protocol codes in catch clauses, denials, retryable failures, configuration errors.
import Cycles

@main
struct ErrorHandlingExample {
    static func main() async {
        let client: CyclesClient
        do {
            client = try CyclesClient.fromEnvironment()
        } catch {
            print("configuration problem: \(error)")  // e.g. "CYCLES_READ_TIMEOUT=5s: must be a whole number of milliseconds"
            return
        }
        do {
            let reservation = try await client.reserve(
                estimate: .usdMicrocents(1_000_000_000), action: Action(kind: "llm.completion", name: "big-model"))
            try await reservation.commit(actual: .usdMicrocents(900_000_000))
        } catch ErrorCode.budgetExceeded {
            print("over budget: ask for more, or use a smaller model")
        } catch ErrorCode.overdraftLimitExceeded {
            print("a scope is over its overdraft limit; new reservations are blocked until it is repaid")
        } catch ErrorCode.debtOutstanding {
            print("debt must be repaid first")
        } catch DecisionReasonCode.budgetNotFound {
            print("no budget exists for this subject")
        } catch let error as CyclesError where error.kind == .settlementUnresolved {
            print("commit outcome unknown; retry later with key from: \(error.message)")
        } catch let error as CyclesError where error.isRetryable {
            print("temporary problem (\(error.kind)); retry after \(error.retryAfter.map { "\($0)" } ?? "a moment")")
        } catch let error as CyclesError {
            print("rejected: \(error.code?.rawValue ?? "-") \(error.message) [request \(error.requestID ?? "-")]")
        } catch {
            print("unexpected: \(error)")
        }
    }
}
