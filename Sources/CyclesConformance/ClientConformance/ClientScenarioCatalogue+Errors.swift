import CyclesProtocol
import CyclesServer

extension ClientScenarioCatalogue {
    /// Spec-conformant error bodies (with `trace_id`, `details`) mapped to the SDK's typed errors.
    static let errors: [ClientScenario] = [
        ClientScenario(
            "SDK-ERR-001", .must, "A real BUDGET_EXCEEDED refusal raises the SDK's budget-exceeded error",
            spec: "cycles-protocol-v0 ErrorResponse, 409 BUDGET_EXCEEDED", budget: ClientScenarioBudget(allocated: 500),
            steps: [guardedStep()]
        ) { evidence in
            try evidence.expectError("budget_exceeded")
        },
        errorMapping("SDK-ERR-002", 409, .debtOutstanding, kind: "debt_outstanding"),
        errorMapping("SDK-ERR-003", 409, .overdraftLimitExceeded, kind: "overdraft_limit_exceeded"),
        errorMapping("SDK-ERR-004", 410, .reservationExpired, kind: "reservation_expired"),
        errorMapping("SDK-ERR-005", 409, .reservationFinalized, kind: "reservation_finalized"),
        ClientScenario(
            "SDK-ERR-006", .should, "The typed error keeps the answer's request_id",
            spec: "cycles-protocol-v0 ErrorResponse.request_id", budget: ClientScenarioBudget(allocated: 500),
            steps: [guardedStep()]
        ) { evidence in
            let sent = evidence.requests(.reserve).first?.responseJSON?["request_id"]?.stringValue
            let reported = evidence.outcome()?["error"]?["request_id"]?.stringValue
            try evidence.expect(
                sent != nil && reported == sent, "answer request_id \(sent ?? "none"), error request_id \(reported ?? "none")",
                expected: "the same request_id")
        },
        ClientScenario(
            "SDK-ERR-007", .must, "An unknown error code is surfaced as a protocol error keeping the code, not a crash",
            spec: "cycles-protocol-v0 forward compatibility (ErrorCode is open)",
            faults: [.error(409, code: ErrorCode(rawValue: "FUTURE_ERROR_CODE"), on: .reserve)], steps: [guardedStep()]
        ) { evidence in
            let error = evidence.outcome()?["error"]
            try evidence.expect(
                error?["kind"]?.stringValue == "protocol" && error?["code"]?.stringValue == "FUTURE_ERROR_CODE",
                "the driver reported \(evidence.describe(evidence.outcome()))",
                expected: "a protocol error with code FUTURE_ERROR_CODE")
            try evidence.expectArrivals(.commit, 0)
        },
    ]

    /// A spec-conformant error answer with `code` injected on the reserve must raise the SDK's error for it.
    static func errorMapping(_ id: String, _ status: Int, _ code: ErrorCode, kind: String) -> ClientScenario {
        ClientScenario(
            id, .must, "A spec-conformant \(status) \(code.rawValue) body (with trace_id) raises the matching typed error",
            spec: "cycles-protocol-v0 ErrorResponse (error, message, request_id, trace_id, details)",
            faults: [.error(status, code: code, on: .reserve)], steps: [guardedStep()]
        ) { evidence in
            try evidence.expectError(kind)
            try evidence.expectArrivals(.commit, 0)
        }
    }
}
