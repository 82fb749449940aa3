import CyclesProtocol
import CyclesServer

extension ClientScenarioCatalogue {
    /// Forward compatibility. The spec evolves additively ("new fields are additive") and says SDK code MUST NOT
    /// reject unknown reason codes. Settlement answers are the exception: the recovery profile makes only a
    /// schema-valid commit answer (`additionalProperties: false`, `status: COMMITTED`) a terminal success, so an
    /// unexpected commit answer must be handled as *ambiguous* — never as a failure that releases or re-keys.
    static let compatibility: [ClientScenario] = [
        ClientScenario(
            // SHOULD, not MUST: the spec's evolution rule ("new fields are additive") pulls one way, the schema's
            // `additionalProperties: false` and "only a schema-valid create counts as success" the other.
            "SDK-FWD-001", .should, "Additive fields in a reserve answer are ignored: the helper completes and commits once",
            spec: "cycles-protocol-v0 versioning (new fields are additive) vs ReservationCreateResponse additionalProperties: false",
            rewrites: [.setting(["x_future_hint": ["tier": "gold", "ratio": 2]], on: .reserve)], steps: [guardedStep()]
        ) { evidence in
            try evidence.expectOK()
            try evidence.expectArrivals(.commit, 1)
            try evidence.expectArrivals(.release, 0)
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-FWD-002", .must,
            "A commit answer with an unknown status and an extra field is at worst ambiguous: never released, never re-keyed",
            spec: "client-recovery PROFILE CR-CORE-004; cycles-protocol-v0 CommitResponse",
            rewrites: [.setting(["status": "COMMITTED_PENDING_AUDIT", "x_future_hint": "additive"], on: .commit)],
            steps: [guardedStep()]
        ) { evidence in
            try evidence.expectSameKey(.commit, atLeast: 1)
            try evidence.expectArrivals(.release, 0)
            try evidence.expectArrivals(.event, 0)
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-FWD-003", .must, "An unknown reason code on a dry-run DENY is surfaced as a denial that keeps the code",
            spec: "cycles-protocol-v0 DecisionReasonCode (SDK code MUST NOT reject unknown values)",
            rewrites: [.setting(["decision": "DENY", "reason_code": "FUTURE_REASON_CODE"], on: .reserve)],
            steps: [guardedStep(dryRun: true)]
        ) { evidence in
            try expectDenial(evidence, reasonCode: "FUTURE_REASON_CODE")
            try evidence.expectArrivals(.commit, 0)
        },
        ClientScenario(
            "SDK-FWD-004", .must, "An unknown reason code on a decide DENY is surfaced with the code",
            spec: "cycles-protocol-v0 DecisionReasonCode (SDK code MUST NOT reject unknown values)",
            rewrites: [.setting(["decision": "DENY", "reason_code": "FUTURE_REASON_CODE"], on: .decide)],
            steps: [decideStep()]
        ) { evidence in
            try expectDenial(evidence, reasonCode: "FUTURE_REASON_CODE")
        },
        ClientScenario(
            "SDK-FWD-005", .should, "Additive fields in a decide answer are ignored",
            spec: "cycles-protocol-v0 versioning (new fields are additive)",
            rewrites: [.setting(["x_future_hint": ["nested": true]], on: .decide)], steps: [decideStep()]
        ) { evidence in
            try evidence.expectOK()
            try evidence.expect(
                evidence.outcome()?["decision"]?.stringValue == "ALLOW",
                "the driver reported \(evidence.describe(evidence.outcome()))", expected: "decision ALLOW")
        },
    ]

    /// The outcome is a DENY (returned, or raised as a denial / protocol error) that keeps `reasonCode`.
    static func expectDenial(_ evidence: ClientScenarioEvidence, reasonCode: String) throws {
        let outcome = evidence.outcome()
        let reported = outcome?["reason_code"]?.stringValue ?? outcome?["error"]?["reason_code"]?.stringValue
        let denied =
            outcome?["decision"]?.stringValue == "DENY"
            || ["denied", "protocol"].contains(outcome?["error"]?["kind"]?.stringValue ?? "")
        try evidence.expect(
            denied && reported == reasonCode, "the driver reported \(evidence.describe(outcome))",
            expected: "a DENY (returned or raised) carrying reason_code \(reasonCode)")
    }
}
