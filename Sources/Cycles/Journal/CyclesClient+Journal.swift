public import Foundation
import Logging

extension CyclesClient {
    /// The journal directory of this client's identity (`<journal root>/<fingerprint>`); nil when the journal is off.
    public var journalDirectory: URL? { journal?.directory }

    /// What a replay pass did.
    public struct ReplaySummary: Sendable {
        /// Records settled (success, or a genuine rejection that ends them).
        public var settled: [String] = []
        /// Records still unresolved; they stay in the journal.
        public var unresolved: [String] = []
        /// Files quarantined as `*.corrupt`, with the reason.
        public var quarantined: [(file: String, reason: String)] = []
    }

    /// Replays every journaled settlement of this client's identity and server, now, and waits for them.
    ///
    /// Each record resumes where it stopped: commit mode sends the stored commit, event mode the stored event,
    /// both with the stored idempotency key, and not before a persisted 429 floor. Corrupt or unsupported
    /// records are quarantined (renamed `*.corrupt`) and reported without blocking the valid ones. Returns an
    /// empty summary when the journal is disabled.
    @discardableResult
    public func replayPendingSettlements() async -> ReplaySummary {
        guard let journal else { return ReplaySummary() }
        return await replay(scanned(journal))
    }

    /// Scans the journal for this server's records, reporting quarantined files to the operator log.
    private func scanned(_ journal: SettlementJournal) -> SettlementJournal.Scan {
        let scan = journal.scan(baseURL: config.baseURL)
        for (file, reason) in scan.quarantined {
            logger.error(
                "Cycles journal record is corrupt or unsupported; quarantined as *.corrupt",
                metadata: ["cycles.journal.file": "\(file)", "reason": "\(reason)"])
        }
        if !scan.pending.isEmpty {
            logger.info(
                "Cycles replaying \(scan.pending.count) journaled settlement(s)",
                metadata: ["cycles.journal": "\(journal.directory.path)"])
        }
        return scan
    }

    /// Settles the scanned records concurrently and waits for them.
    private func replay(_ scan: SettlementJournal.Scan) async -> ReplaySummary {
        var summary = ReplaySummary()
        summary.quarantined = scan.quarantined
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for record in scan.pending {
                group.addTask {
                    guard let settlement = Settlement(client: self, record: record) else {
                        self.logger.error(
                            "Cycles journal record has bodies that are not protocol requests; kept",
                            metadata: ["cycles.reservation_id": "\(record.reservationID)"])
                        return (record.reservationID, false)
                    }
                    do {
                        _ = try await settlement.run()
                        return (record.reservationID, true)
                    } catch {
                        let settled = (error as? CyclesError).map(Settlement.isUnderstoodRejection) ?? false
                        return (record.reservationID, settled)
                    }
                }
            }
            var outcomes: [(String, Bool)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        for (id, settled) in outcomes.sorted(by: { $0.0 < $1.0 }) {
            if settled { summary.settled.append(id) } else { summary.unresolved.append(id) }
        }
        return summary
    }

    /// Waits, at most `timeout`, for the background replay this client started; for graceful shutdown.
    ///
    /// Returns `true` when nothing is left running. On timeout it returns `false` and leaves every unresolved
    /// record in the journal intact: the next start replays it with the same idempotency key.
    @discardableResult
    public func flushPendingCommits(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        // Polls rather than awaiting the tasks: awaiting would outlive the timeout, and on timeout the replays
        // must keep running (or die with the process) with their records intact.
        while !replays.pending.isEmpty {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Starts the start-up replay: the scan runs now, synchronously, so it sees only records left by earlier
    /// processes (never a settlement this client starts a moment later); the settling runs in the background.
    func startReplay() {
        guard let journal else { return }
        let scan = scanned(journal)
        guard !scan.pending.isEmpty else { return }
        replays.track { [self] in _ = await self.replay(scan) }
    }
}
