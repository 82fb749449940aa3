import CyclesProtocol
import CyclesServer

extension ClientScenarioCatalogue {
    /// Settlement under faults: same-key retries, Retry-After, the 410 → events fallback, ambiguous 2xx.
    static let recovery: [ClientScenario] = [
        ClientScenario(
            "SDK-REC-001", .must, "A lost commit response (applied, then dropped) is retried with the same key; nothing is released",
            spec: "client-recovery PROFILE core; CR-CORE-001", faults: [.dropResponse(on: .commit)], steps: [guardedStep()]
        ) { evidence in
            try evidence.expectSameKey(.commit, atLeast: 2)
            try evidence.expectArrivals(.release, 0)
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-REC-002", .must, "A 503 on commit is retried with the same key until it lands; nothing is released",
            spec: "client-recovery PROFILE core (5xx → same key)",
            faults: [.error(503, on: .commit, times: .times(2))], steps: [guardedStep()]
        ) { evidence in
            try evidence.expectSameKey(.commit, atLeast: 3)
            try evidence.expectArrivals(.release, 0)
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-REC-003", .should, "Commit retries back off: each wait is at least as long as the one before",
            spec: "client-recovery PROFILE core (bounded backoff)",
            faults: [.error(503, on: .commit, times: .times(2))], steps: [guardedStep()]
        ) { evidence in
            let times = evidence.arrivals(.commit).map(\.receivedAtMs)
            try evidence.expect(times.count >= 3, "\(times.count) commit attempts", expected: "at least 3")
            let first = times[1] - times[0]
            let second = times[2] - times[1]
            // 20% jitter either way is allowed, so the second wait must reach 80% of the first, and both be real waits.
            try evidence.expect(
                first >= 50 && second * 10 >= first * 8, "waits \(first) ms then \(second) ms",
                expected: "a real wait that does not shrink")
        },
        ClientScenario(
            "SDK-REC-004", .must, "A dropped connection before the commit is applied is retried with the same key",
            spec: "client-recovery PROFILE core (connection failure → same key)",
            faults: [.dropConnection(on: .commit)], steps: [guardedStep()]
        ) { evidence in
            try evidence.expectSameKey(.commit, atLeast: 2)
            try evidence.expectArrivals(.release, 0)
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-REC-005", .must, "A 429 on commit is retried with the same key no earlier than its Retry-After (1 s)",
            spec: "client-recovery PROFILE core (honour Retry-After); cycles-protocol-v0 429 LIMIT_EXCEEDED",
            faults: [.error(429, on: .commit, retryAfterSeconds: 1)], steps: [guardedStep()]
        ) { evidence in
            try evidence.expectSameKey(.commit, atLeast: 2)
            let commits = evidence.arrivals(.commit)
            let limited = commits[0].receivedAtMs + Int64(commits[0].durationMs.rounded(.down))
            let wait = commits[1].receivedAtMs - limited
            // 50 ms of slack for clock granularity between the 429 leaving and the retry arriving.
            try evidence.expect(wait >= 950, "the retry arrived \(wait) ms after the 429", expected: "≥ 1000 ms")
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-REC-006", .must,
            "A 410 on commit falls back to one POST /v1/events with the commit's key and the actual; nothing is released",
            spec: "client-recovery PROFILE core; CR-CORE-002", faults: [.expireReservation(on: .commit)],
            steps: [guardedStep()]
        ) { evidence in
            let commitKey = evidence.arrivals(.commit).first?.idempotencyKey
            let events = evidence.requests(.event)
            try evidence.expect(events.count == 1, "\(events.count) event(s) sent", expected: "exactly one POST /v1/events")
            let event = events[0].json
            try evidence.expect(
                event?["idempotency_key"]?.stringValue == commitKey
                    && event?["actual"]?["amount"]?.integerValue == 640
                    && event?["actual"]?["unit"]?.stringValue == "TOKENS"
                    && event?["subject"]?["tenant"]?.stringValue == evidence.tenant
                    && event?["action"]?["name"]?.stringValue == "conformance",
                "event body \(events[0].body) (commit key \(commitKey ?? "none"))",
                expected: "the commit's key, actual 640 TOKENS, the original subject and action")
            try evidence.expectArrivals(.release, 0)
            try evidence.expect(
                evidence.budget?.spent == 640, "ledger spent \(evidence.budget?.spent ?? -1)", expected: "640, once")
        },
        ClientScenario(
            "SDK-REC-007", .must,
            "A commit answered with a 2xx missing required fields stays ambiguous: never released, never re-keyed",
            spec: "client-recovery PROFILE core; CR-CORE-004", faults: [.nonConformant(.missingFields, on: .commit)],
            steps: [guardedStep()]
        ) { evidence in
            try evidence.expectSameKey(.commit, atLeast: 1)
            try evidence.expectArrivals(.release, 0)
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-REC-008", .must, "A commit answered with a non-JSON 2xx stays ambiguous: never released, never re-keyed",
            spec: "client-recovery PROFILE core; CR-CORE-004", faults: [.nonConformant(.garbageBody, on: .commit)],
            steps: [guardedStep()]
        ) { evidence in
            try evidence.expectSameKey(.commit, atLeast: 1)
            try evidence.expectArrivals(.release, 0)
            try evidence.expectLedger(spent: 640)
        },
        ClientScenario(
            "SDK-REC-009", .must, "A commit that keeps failing with 503 is retried with one key and never released",
            spec: "client-recovery PROFILE core (MUST NOT release when settlement is ambiguous)",
            faults: [.error(503, on: .commit, times: .always)], steps: [guardedStep()]
        ) { evidence in
            try evidence.expectSameKey(.commit, atLeast: 2)
            try evidence.expectArrivals(.release, 0)
            try evidence.expect(
                evidence.budget?.reserved == 1_000, "ledger reserved \(evidence.budget?.reserved ?? -1)",
                expected: "the hold is kept (1000): the work ran, so budget is not handed back")
        },
        ClientScenario(
            "SDK-REC-010", .must, "A genuine rejection of the commit (409 RESERVATION_FINALIZED) is not retried and not released",
            spec: "client-recovery PROFILE core (stop on an understood client rejection)",
            faults: [.error(409, code: .reservationFinalized, on: .commit)], steps: [guardedStep()]
        ) { evidence in
            try evidence.expectArrivals(.commit, 1)
            try evidence.expectArrivals(.release, 0)
            try evidence.expectArrivals(.event, 0)
        },
    ]
}
