import CyclesProtocol
import CyclesServer

extension ClientConformanceRunner {
    /// An exact, `curl`-free transcript of what the SDK sent: every journal entry in arrival order (time relative
    /// to the first request, operation, path, status, injected fault), and for requests that reached the ledger
    /// the headers and body exactly as received. The scenario's API key is shown as `<api key>` (a different key
    /// would be shown as `<other key>`, which is itself a finding).
    static func transcript(_ evidence: ClientScenarioEvidence) -> [String] {
        var unused = evidence.captured
        let origin = evidence.journal.first?.receivedAtMs ?? 0
        var lines: [String] = []
        for entry in evidence.journal {
            var line = "#\(entry.sequence) +\(entry.receivedAtMs - origin)ms \(entry.method) \(entry.path) → "
            line += entry.responded ? (entry.status.map(String.init) ?? "?") : "no answer (\(entry.status.map(String.init) ?? "not applied"))"
            if let fault = entry.fault { line += " [fault \(fault)]" }
            if let key = entry.idempotencyKey { line += " key=\(key)" }
            lines.append(line)
            if let index = unused.firstIndex(where: { capturedMatches($0, entry) }) {
                let exchange = unused.remove(at: index)
                for header in exchange.headers {
                    let value =
                        header.name.lowercased() == CyclesHeader.apiKey.lowercased()
                        ? (header.value == evidence.apiKey ? "<api key>" : "<other key>") : header.value
                    lines.append("    \(header.name): \(value)")
                }
                if !exchange.body.isEmpty { lines.append("    body: \(exchange.body.prefix(2_000))") }
                lines.append("    answer: \(exchange.status) \(exchange.responseBody.prefix(400))")
            }
        }
        return lines
    }

    private static func capturedMatches(_ exchange: CapturedExchange, _ entry: JournalEntry) -> Bool {
        guard exchange.method == entry.method, pathOnly(exchange.path) == entry.path else { return false }
        let key = exchange.header(CyclesHeader.idempotencyKey) ?? exchange.json?["idempotency_key"]?.stringValue
        return key == entry.idempotencyKey
    }
}
