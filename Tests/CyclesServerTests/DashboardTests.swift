import AsyncHTTPClient
import CyclesConformance
import CyclesProtocol
@testable import CyclesServer
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `/dashboard`: who may open it, what it shows (escaped), what its mock controls do, and that its stream pushes.
@Suite("Dashboard")
struct DashboardTests {
    /// The `Set-Cookie` session token after logging in with `key`, or `nil` when the login was refused.
    static func login(_ client: HTTPTestClient, key: String) async throws -> (reply: HTTPTestClient.Reply, token: String?) {
        let reply = try await client.browse(.POST, "/dashboard/login", form: "key=\(PercentEncoding.encode(key))")
        let cookie = reply.header("Set-Cookie")
        let token = cookie?.split(separator: ";").first.flatMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return parts.count == 2 && parts[0] == "cycles_dashboard" ? String(parts[1]) : nil
        }
        return (reply, token)
    }

    static func cookie(_ token: String) -> [(String, String)] { [("Cookie", "cycles_dashboard=\(token)")] }

    static func withMockServer(
        _ body: (HTTPTestClient, ReferenceServer) async throws -> Void
    ) async throws {
        try await HTTPTestClient.withServer(configuration: .init(seed: Fixture.seed(), mock: true), body)
    }

    @Test("Amounts, durations and bar widths are written exactly")
    func formatting() {
        #expect(DashboardFormat.amount(1_000_000_000, unit: .usdMicrocents) == "$10.00")
        #expect(DashboardFormat.amount(12_345, unit: .usdMicrocents) == "$0.00012345")
        #expect(DashboardFormat.amount(-150_000_000, unit: .usdMicrocents) == "-$1.50")
        #expect(DashboardFormat.amount(Int64.max, unit: .usdMicrocents) == "$92,233,720,368.54775807")
        #expect(DashboardFormat.amount(-1_234_567, unit: .tokens) == "-1,234,567")
        #expect(DashboardFormat.amount(Int64.min, unit: .tokens) == "-9,223,372,036,854,775,808")
        #expect(DashboardFormat.duration(950) == "950 ms")
        #expect(DashboardFormat.duration(185_000) == "3 m 05 s")
        #expect(DashboardFormat.duration(-600_000) == "-10 m 00 s")
        #expect(DashboardFormat.percent(1, of: 3) == "33.33")
        #expect(DashboardFormat.percent(5, of: 0) == "0")
        #expect(DashboardFormat.percent(7, of: 5) == "100.00")
        #expect(DashboardFormat.timeOfDay(Fixture.start) == "08:00:00")
    }

    @Test("Without an admin key the dashboard is off, and --no-dashboard removes it")
    func offWithoutAdminKey() async throws {
        var seed = Fixture.seed()
        seed.adminKey = nil
        let keyless = try await ReferenceServer.start(.init(seed: seed))
        let reply = try await HTTPTestClient(baseURL: keyless.baseURL).send(.GET, "/dashboard", apiKey: nil)
        await keyless.stop()
        #expect(reply.status == 404)
        #expect(reply.text.contains("admin key"))

        let disabled = try await ReferenceServer.start(.init(seed: Fixture.seed(), dashboard: false))
        let client = HTTPTestClient(baseURL: disabled.baseURL)
        let page = try await client.browse(.GET, "/dashboard/login")
        await disabled.stop()
        #expect(page.status == 404)
        #expect(page.json["error"] == "NOT_FOUND")
    }

    @Test("Only the admin key logs in; the session cookie is HttpOnly, SameSite=Strict and not the key")
    func loginNeedsTheAdminKey() async throws {
        try await HTTPTestClient.withServer { client, _ in
            let anonymous = try await client.browse(.GET, "/dashboard")
            #expect(anonymous.status == 303)
            #expect(anonymous.header("Location") == "/dashboard/login")

            let tenant = try await Self.login(client, key: Fixture.acmeKey)
            #expect(tenant.reply.status == 401)
            #expect(tenant.token == nil)
            // A tenant key sent as the admin header opens nothing either: the page wants a session.
            let header = try await client.browse(.GET, "/dashboard", headers: [("X-Admin-API-Key", Fixture.acmeKey)])
            #expect(header.status == 303)

            let admin = try await Self.login(client, key: Fixture.adminKey)
            #expect(admin.reply.status == 303)
            #expect(admin.reply.header("Location") == "/dashboard")
            let cookie = try #require(admin.reply.header("Set-Cookie"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/dashboard"))
            let token = try #require(admin.token)
            #expect(token.count == 64)
            #expect(!cookie.contains(Fixture.adminKey))

            let page = try await client.browse(.GET, "/dashboard", headers: Self.cookie(token))
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
            #expect(page.text.contains(#"data-scope="tenant:acme/agent:bot""#))
            #expect(page.text.contains("$0.01"))  // tenant:acme's 1,000,000 microcents
            // Not a mock server: no journal, no controls.
            #expect(!page.text.contains("Request journal"))
            let control = try await client.browse(.POST, "/dashboard/clock/advance", headers: Self.cookie(token), form: "seconds=60")
            #expect(control.status == 404)

            let forged = try await client.browse(.GET, "/dashboard", headers: Self.cookie(String(repeating: "0", count: 64)))
            #expect(forged.status == 303)
            let logout = try await client.browse(.POST, "/dashboard/logout", headers: Self.cookie(token), form: "")
            #expect(logout.status == 303)
            let afterLogout = try await client.browse(.GET, "/dashboard", headers: Self.cookie(token))
            #expect(afterLogout.status == 303)
        }
    }

    @Test("Tenant-provided text reaches the page HTML-escaped")
    func escapesTenantText() async throws {
        try await Self.withMockServer { client, server in
            let hostile = "<img src=x onerror=alert(1)>\"'&"
            _ = try await server.ledger.reserveValue(Fixture.reserve(1_000, key: IdempotencyKey(hostile), ttl: 60_000))
            _ = try await client.send(
                .POST, "/v1/reservations",
                body: #"{"idempotency_key":"k-\u003cscript\u003e","subject":{"tenant":"acme"},"action":{"kind":"a","name":"b"},"estimate":{"unit":"USD_MICROCENTS","amount":5}}"#)
            let token = try #require(try await Self.login(client, key: Fixture.adminKey).token)
            let page = try await client.browse(
                .GET, "/dashboard?tenant=%22%3E%3Cscript%3Ealert(2)%3C/script%3E", headers: Self.cookie(token))
            #expect(page.status == 200)
            #expect(!page.text.contains("<img src=x"))
            #expect(page.text.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"))
            #expect(!page.text.contains("<script>alert(2)"))
            #expect(page.text.contains("&quot;&gt;&lt;script&gt;alert(2)"))
            // The journal (mock) lists the HTTP reserve with its key, escaped too.
            #expect(page.text.contains("k-&lt;script&gt;"))
        }
    }

    @Test("Under --mock the dashboard moves the clock, arms and removes fault rules, and refuses cross-origin posts")
    func mockControls() async throws {
        try await Self.withMockServer { client, server in
            let reservation = try await server.ledger.reserveValue(Fixture.reserve(1_000, ttl: 60_000))
            let id = try #require(reservation.reservationID)
            let token = try #require(try await Self.login(client, key: Fixture.adminKey).token)
            let json = Self.cookie(token) + [("Accept", "application/json")]

            let anonymous = try await client.browse(.POST, "/dashboard/clock/advance", form: "seconds=600")
            #expect(anonymous.status == 401)
            let crossOrigin = try await client.browse(
                .POST, "/dashboard/clock/advance", headers: json + [("Origin", "http://evil.example")], form: "seconds=600")
            #expect(crossOrigin.status == 403)
            #expect(server.ledger.now(namespace: "default") == Fixture.start)

            let advanced = try await client.browse(.POST, "/dashboard/clock/advance", headers: json + [("Origin", client.baseURL)],
                form: "namespace=default&seconds=600")
            #expect(advanced.status == 200)
            #expect(advanced.json["message"]?.stringValue?.contains("1 reservation expired") == true)
            #expect(server.ledger.now(namespace: "default") == Fixture.start + 600_000)
            let state = try await server.ledger.state(namespace: "default")
            #expect(state.reservations.first { $0.reservationID == id.rawValue }?.status == .expired)

            let frozen = try await client.browse(.POST, "/dashboard/clock", headers: json, form: "mode=frozen")
            #expect(frozen.status == 200)
            #expect(server.ledger.clock(namespace: "default").mode == .frozen(atMs: Fixture.start + 600_000))
            let real = try await client.browse(.POST, "/dashboard/clock", headers: json, form: "mode=real")
            #expect(real.status == 200)
            #expect(server.ledger.clock(namespace: "default").mode == .real)
            let unknownMode = try await client.browse(.POST, "/dashboard/clock", headers: json, form: "mode=backwards")
            #expect(unknownMode.status == 400)

            let bad = try await client.browse(.POST, "/dashboard/faults", headers: json, form: "rule=%7B%22effect%22%3A%7B%7D%7D")
            #expect(bad.status == 400)
            let rule = #"{"match":{"operation":"commit"},"effect":{"type":"drop_response"},"times":2}"#
            let armed = try await client.browse(.POST, "/dashboard/faults", headers: json, form: "rule=\(PercentEncoding.encode(rule))")
            #expect(armed.status == 200)
            let rules = try await client.send(
                .GET, "/__cycles/faults", apiKey: nil, headers: [("X-Admin-API-Key", Fixture.adminKey)])
            #expect(rules.text.contains("drop_response"))
            let ruleID = try #require(rules.json["rules"]?.arrayValue?.first?["id"]?.stringValue)

            let page = try await client.browse(.GET, "/dashboard", headers: Self.cookie(token))
            #expect(page.text.contains(#"data-rule-id="\#(ruleID)""#))
            #expect(page.text.contains("EXPIRED"))

            // Without script the browser gets a redirect back to the page.
            let removed = try await client.browse(.POST, "/dashboard/faults/remove", headers: Self.cookie(token), form: "id=\(ruleID)")
            #expect(removed.status == 303)
            #expect(server.ledger.changeGeneration > 0)
            let none = try await client.send(
                .GET, "/__cycles/faults", apiKey: nil, headers: [("X-Admin-API-Key", Fixture.adminKey)])
            #expect(none.json["rules"] == .array([]))
        }
    }

    @Test("The stream pushes a re-rendered page section when a reservation is made")
    func streamPushesChanges() async throws {
        try await Self.withMockServer { client, server in
            let token = try #require(try await Self.login(client, key: Fixture.adminKey).token)
            var request = HTTPClientRequest(url: client.baseURL + "/dashboard/stream?namespace=default")
            request.headers.add(name: "Cookie", value: "cycles_dashboard=\(token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
            var received = ""
            var reservationID: String?
            for try await buffer in response.body {
                received += String(buffer: buffer)
                if reservationID == nil, received.contains("event: update") {
                    // The first update came; now change the ledger and wait for the push that shows it.
                    reservationID = try await server.ledger.reserveValue(Fixture.reserve(1_000, ttl: 60_000))
                        .reservationID?.rawValue
                    received = ""
                }
                if let reservationID, received.contains(reservationID) { break }
            }
            let id = try #require(reservationID)
            #expect(received.contains("event: update"))
            #expect(received.contains(id))
            #expect(received.contains("\"now_ms\":\(Fixture.start)"))
        }
    }

    @Test("A namespace's dashboard lists the webhook deliveries of its own tenants' events, not another namespace's")
    func deliveriesStayInTheirNamespace() async throws {
        try await WebhookDeliveryTests.withSetup { client, server, receiver in
            let subscription = try await WebhookDeliveryTests.subscribe(client, receiver)
            try await WebhookDeliveryTests.deny(client)
            _ = try await WebhookDeliveryTests.waitForDelivery(client, subscription, status: "SUCCESS")
            let own = try await server.ledger.dashboardSnapshot(namespace: "default")
            #expect(own.deliveries.map(\.eventType) == ["reservation.denied"])
            let other = try await server.ledger.dashboardSnapshot(namespace: "elsewhere")
            #expect(other.deliveries.isEmpty)
        }
    }

    /// The repository root (this file is `Tests/CyclesServerTests/DashboardTests.swift`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("Headless Chromium sees the dashboard live: a reservation counts down, expires by the clock control, a commit moves the bar")
    func browser() async throws {
        let server = try await ReferenceServer.start(.init(seed: .demo, mock: true))
        let screenshots = Self.repositoryRoot.appendingPathComponent(".build/screenshots")
        let demo = try #require(SeedDocument.demo.tenants.first)
        let outcome: ChildProcess.Outcome
        do {
            // At a lower CPU priority: Chromium is heavy, and the rest of the suite runs beside it with client
            // timeouts of a second; the browser's own waits are generous (15 s each).
            outcome = try await ChildProcess([
                "nice", "-n", "10", "bash", Self.repositoryRoot.appendingPathComponent("scripts/browser-test.sh").path, "dashboard",
                "--url", server.baseURL, "--admin-key", try #require(SeedDocument.demo.adminKey),
                "--api-key", try #require(demo.apiKeys.first?.key), "--tenant", demo.tenantID,
                "--out", screenshots.path,
            ]).run(timeout: .seconds(600))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        // Chromium, its driver, python3 and PyPI are required: a missing one fails here with the script's reason.
        #expect(
            outcome.exitCode == 0,
            "scripts/browser-test.sh dashboard exited \(outcome.exitCode):\n\(outcome.output)\n\(outcome.errorOutput)")
        #expect(outcome.output.contains("dashboard: every check passed"))
        let shot = screenshots.appendingPathComponent("dashboard.png")
        let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "expected a screenshot at \(shot.path)")
    }
}

extension HTTPTestClient {
    /// A client that shows redirects instead of following them (the dashboard answers with 303s).
    static let browser = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(redirectConfiguration: .disallow))

    /// Sends a request as the dashboard's pages do: no API key, the given headers, and an optional form body.
    func browse(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], form: String? = nil)
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await Self.browser.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 8 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: buffer))
    }
}
