import CyclesProtocol
import CyclesServer

extension ClientScenarioCatalogue {
    /// The lease heartbeat. The lease is 3 s and the body holds it 1.5 s: with any finite request timeout of a
    /// second or more, the spec's `remaining_ttl_ms` schedule gives `next_delay = 0` (the lease is shorter than
    /// the retry-safety budget), which permits exactly one immediate extension and then requires the heartbeat
    /// to stop — so the schedule is checked without waiting out a long lease.
    static let heartbeat: [ClientScenario] = [
        ClientScenario(
            "SDK-HB-001", .must,
            "On a lease shorter than the retry budget the heartbeat never loops: at most one immediate extend, by ttl_ms",
            spec: "cycles-protocol-v0 extendReservation HEARTBEAT GUIDANCE (no unbounded zero-delay loop)",
            steps: [guardedStep(ttlMs: 3_000, holdMs: 1_500)]
        ) { evidence in
            try evidence.expectOK()
            let extends = evidence.requests(.extend)
            try evidence.expect(extends.count <= 1, "\(extends.count) extends in 1.5 s", expected: "at most one")
            for extend in extends {
                let by = extend.json?["extend_by_ms"]?.integerValue
                try evidence.expect(by == 3_000, "extend_by_ms \(by.map(String.init) ?? "missing")", expected: "the requested ttl_ms, 3000")
            }
            let commitAt = evidence.arrivals(.commit).first?.receivedAtMs ?? .max
            try evidence.expect(
                evidence.arrivals(.extend).allSatisfy { $0.receivedAtMs <= commitAt }, "an extend arrived after the commit",
                expected: "the heartbeat stops before settlement")
            try evidence.expectArrivals(.commit, 1)
        },
        ClientScenario(
            "SDK-HB-002", .should, "The heartbeat makes the immediate extension the schedule allows while the body runs",
            spec: "cycles-protocol-v0 extendReservation HEARTBEAT GUIDANCE (first beat from the create response)",
            steps: [guardedStep(ttlMs: 3_000, holdMs: 1_500)]
        ) { evidence in
            try evidence.expectOK()
            let reserveAt = evidence.arrivals(.reserve).first?.receivedAtMs ?? 0
            let extends = evidence.arrivals(.extend)
            try evidence.expect(
                extends.count == 1 && extends[0].receivedAtMs - reserveAt < 1_000,
                "\(extends.count) extend(s), first \(extends.first.map { "\($0.receivedAtMs - reserveAt) ms" } ?? "never") after the reserve",
                expected: "one extend, sent right after the reserve")
        },
        ClientScenario(
            "SDK-HB-003", .must, "A failing extend is not fatal: the body finishes and its actual is committed",
            spec: "client-recovery PROFILE heartbeat failure policy (warn); CR-CORE-003",
            faults: [.error(503, on: .extend, times: .always)], steps: [guardedStep(ttlMs: 3_000, holdMs: 1_500)]
        ) { evidence in
            try evidence.expectOK()
            try evidence.expectArrivals(.release, 0)
            try evidence.expectLedger(spent: 640)
        },
    ]
}
