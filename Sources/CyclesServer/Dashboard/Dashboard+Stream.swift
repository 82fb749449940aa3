import CyclesProtocol
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /dashboard/stream`: Server-Sent Events that keep an open page live.
///
/// Why SSE rather than a WebSocket: the traffic is one-way (the server pushes, the page's controls are ordinary
/// POSTs), `EventSource` reconnects by itself, and a streamed response body needs no dependency beyond Hummingbird.
///
/// The stream looks at `Dashboard.ChangeSignature` five times a second. When it changed (a write finished, a request
/// was journaled, a fault rule fired or the clock was set) it sends `update`: every live section re-rendered, with
/// the namespace clock, at most once a second (each re-render reads the ledger: a page watching a server under load
/// must not take much from it). Otherwise it sends `clock` once a second, so countdowns
/// stay on the server's clock (which `--mock` can freeze or move) and proxies see traffic; and every five seconds it
/// re-renders anyway, for changes no signature sees (namespaces created, the sweeper's expiries of another process).
/// Nothing here is on the request path: a writer only increments a counter, whether or not a page is open.
extension Dashboard {
    static let pollInterval: Duration = .milliseconds(200)
    static let minimumUpdateInterval: Duration = .seconds(1)
    static let clockInterval: Duration = .seconds(1)
    static let refreshInterval: Duration = .seconds(5)

    /// The payload of an `update` event.
    struct StreamUpdate: Encodable {
        var clock: StreamClock
        /// Rendered HTML of each live section, by name (`live-<name>` on the page).
        var sections: [String: String]
    }

    /// The payload of a `clock` event (and the clock of an `update`).
    struct StreamClock: Encodable {
        var mode: String
        var nowMs: Int64
        var offset: String

        enum CodingKeys: String, CodingKey {
            case mode
            case nowMs = "now_ms"
            case offset
        }
    }

    func stream(_ request: Request) throws -> Response {
        let (namespace, filter) = try Self.selection(request)
        let token = Self.sessionToken(request)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        // Keeps buffering proxies from holding the events back.
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                var sent: ChangeSignature?
                var lastUpdate = ContinuousClock.now - Self.refreshInterval
                var lastClock = lastUpdate
                // Ends when the server stops, the session ends (logout) or the browser goes (the write throws).
                while !self.isClosing, self.sessions.isValid(token) {
                    let now = ContinuousClock.now
                    let signature = self.changeSignature(namespace: namespace)
                    if (signature != sent && now - lastUpdate >= Self.minimumUpdateInterval)
                        || now - lastUpdate >= Self.refreshInterval
                    {
                        let view = try await self.view(namespace: namespace, filter: filter)
                        var sections: [String: String] = [:]
                        for name in DashboardTemplates.liveSections {
                            sections[name] = DashboardTemplates.render(name, view)
                        }
                        let update = StreamUpdate(clock: self.streamClock(namespace: namespace), sections: sections)
                        try await writer.write(Self.event("update", update))
                        sent = signature
                        lastUpdate = now
                        lastClock = now
                    } else if now - lastClock >= Self.clockInterval {
                        try await writer.write(Self.event("clock", self.streamClock(namespace: namespace)))
                        lastClock = now
                    }
                    try await Task.sleep(for: Self.pollInterval)
                }
                try await writer.finish(nil)
            })
    }

    func streamClock(namespace: String) -> StreamClock {
        let clock = ledger.clock(namespace: namespace)
        return StreamClock(mode: clock.mode.name, nowMs: clock.nowMs, offset: DashboardView.offsetText(clock))
    }

    /// One SSE event: JSON has no raw newline, so the payload is a single `data:` line.
    static func event(_ name: String, _ payload: some Encodable) throws -> ByteBuffer {
        let json = String(decoding: try CyclesJSON.encode(payload), as: UTF8.self)
        return ByteBuffer(string: "event: \(name)\ndata: \(json)\n\n")
    }
}
