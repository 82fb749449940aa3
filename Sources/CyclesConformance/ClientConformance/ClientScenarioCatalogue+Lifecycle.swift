import CyclesProtocol
import CyclesServer

extension ClientScenarioCatalogue {
    /// The high-level helper's reserve → run → commit / release choreography.
    static let lifecycle: [ClientScenario] = [
        ClientScenario(
            "SDK-LIFE-001", .must, "The helper sends exactly one reserve and one commit carrying the actual, and no release",
            spec: "cycles-protocol-v0 createReservation, commitReservation", steps: [guardedStep()]
        ) { evidence in
            try evidence.expectOK()
            try evidence.expectArrivals(.reserve, 1)
            try evidence.expectArrivals(.commit, 1)
            try evidence.expectArrivals(.release, 0)
            let actual = evidence.requests(.commit).first?.json?["actual"]
            try evidence.expect(
                actual?["amount"]?.integerValue == 640 && actual?["unit"]?.stringValue == "TOKENS",
                "commit actual \(evidence.describe(actual))", expected: "{\"unit\":\"TOKENS\",\"amount\":640}")
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-LIFE-002", .must,
            "When the guarded body throws, the reservation is released (never committed) and the body's error is rethrown",
            spec: "cycles-protocol-v0 releaseReservation; client-recovery PROFILE boundary",
            steps: [guardedStep(body: "throw")]
        ) { evidence in
            try evidence.expectError("body_error")
            try evidence.expectArrivals(.reserve, 1)
            try evidence.expectArrivals(.commit, 0)
            try evidence.expectArrivals(.event, 0)
            try evidence.expectArrivals(.release, 1)
            try evidence.expectLedger(spent: 0)
            try evidence.expectNoActiveReservations()
        },
        ClientScenario(
            "SDK-LIFE-003", .must, "A dry run sends only dry-run reserves: nothing is held, committed or released",
            spec: "cycles-protocol-v0 createReservation dry_run", steps: [guardedStep(dryRun: true)]
        ) { evidence in
            try evidence.expectOK()
            let reserves = evidence.requests(.reserve)
            try evidence.expect(
                !reserves.isEmpty && reserves.allSatisfy { $0.json?["dry_run"]?.boolValue == true },
                "\(reserves.count) reserve(s), dry_run flags \(reserves.map { evidence.describe($0.json?["dry_run"]) })",
                expected: "every reserve has dry_run: true")
            for operation in [RuntimeOperation.commit, .release, .extend, .event] {
                try evidence.expectArrivals(operation, 0)
            }
            try evidence.expectLedger(spent: 0)
            try evidence.expect(evidence.reservations.isEmpty, "\(evidence.reservations.count) reservations exist", expected: "none")
        },
        ClientScenario(
            "SDK-LIFE-004", .must, "A decide call sends only POST /v1/decide and changes nothing",
            spec: "cycles-protocol-v0 decide", steps: [decideStep()]
        ) { evidence in
            try evidence.expectOK()
            try evidence.expect(
                evidence.outcome()?["decision"]?.stringValue == "ALLOW",
                "decision \(evidence.describe(evidence.outcome()?["decision"]))", expected: "ALLOW")
            try evidence.expectArrivals(.decide, 1)
            for operation in [RuntimeOperation.reserve, .commit, .release, .extend, .event] {
                try evidence.expectArrivals(operation, 0)
            }
            try evidence.expectLedger(spent: 0)
        },
        ClientScenario(
            "SDK-LIFE-005", .must, "A refused reservation does not run the body and sends nothing after the reserve",
            spec: "cycles-protocol-v0 createReservation 409 BUDGET_EXCEEDED",
            budget: ClientScenarioBudget(allocated: 500), steps: [guardedStep()]
        ) { evidence in
            let outcome = evidence.outcome()
            try evidence.expect(
                outcome?["status"]?.stringValue == "error" && outcome?["value"] == nil,
                "the driver reported \(evidence.describe(outcome))", expected: "an error, and no body result")
            try evidence.expect(
                evidence.journal.allSatisfy { $0.operation == .reserve },
                "requests after the refusal: \(evidence.journal.filter { $0.operation != .reserve }.map(\.path))",
                expected: "only reserve requests")
            try evidence.expectLedger(spent: 0)
        },
        ClientScenario(
            "SDK-LIFE-006", .must, "The reserve carries the configured tenant, the action and the estimate as given",
            spec: "cycles-protocol-v0 ReservationCreateRequest", steps: [guardedStep(estimate: 1_234, actual: 1_000)]
        ) { evidence in
            try evidence.expectOK()
            let body = evidence.requests(.reserve).first?.json
            try evidence.expect(
                body?["subject"]?["tenant"]?.stringValue == evidence.tenant
                    && body?["action"]?["kind"]?.stringValue == "llm.completion"
                    && body?["action"]?["name"]?.stringValue == "conformance"
                    && body?["estimate"]?["amount"]?.integerValue == 1_234
                    && body?["estimate"]?["unit"]?.stringValue == "TOKENS",
                "reserve body \(evidence.describe(body))",
                expected: "subject.tenant = CYCLES_TENANT, action llm.completion/conformance, estimate 1234 TOKENS")
        },
        ClientScenario(
            "SDK-LIFE-007", .must, "The commit names the reservation the reserve returned, in the reservation's unit",
            spec: "cycles-protocol-v0 commitReservation path, CommitRequest.actual", steps: [guardedStep()]
        ) { evidence in
            try evidence.expectOK()
            let reservationID = evidence.requests(.reserve).first?.responseJSON?["reservation_id"]?.stringValue
            let commit = evidence.arrivals(.commit).first
            try evidence.expect(
                reservationID != nil && commit?.reservationID == reservationID,
                "reserve returned \(reservationID ?? "nothing"); commit path \(commit?.path ?? "none")",
                expected: "POST /v1/reservations/{the returned id}/commit")
            let unit = evidence.requests(.commit).first?.json?["actual"]?["unit"]?.stringValue
            try evidence.expect(unit == "TOKENS", "commit unit \(unit ?? "none")", expected: "TOKENS")
        },
        ClientScenario(
            "SDK-LIFE-008", .must, "Two helper calls in a row make two reservations with distinct keys, each committed once",
            spec: "cycles-protocol-v0 IDEMPOTENCY", steps: [guardedStep(), guardedStep(actual: 100)]
        ) { evidence in
            try evidence.expectOK(step: 0)
            try evidence.expectOK(step: 1)
            let keys = evidence.arrivals(.reserve).compactMap(\.idempotencyKey)
            try evidence.expect(
                keys.count == 2 && Set(keys).count == 2, "reserve keys \(keys)", expected: "two distinct keys")
            try evidence.expectArrivals(.commit, 2)
            try evidence.expectLedger(spent: 740)
        },
    ]
}
