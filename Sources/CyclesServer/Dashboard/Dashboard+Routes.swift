import CyclesProtocol
import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard's pages, login and logout; the stream and the mock controls are in their own files.
extension Dashboard {
    /// Adds every `/dashboard` route to `router`.
    func addRoutes(to router: Router<BasicRequestContext>) {
        let group = router.group(RouterPath(stringLiteral: Self.pathPrefix))
        group.get { request, _ in await self.guarded(request, session: .page) { try await self.page(request) } }
        group.get("login") { request, _ in await self.guarded(request, session: .none) { self.loginPage(message: nil) } }
        group.post("login") { request, _ in await self.guarded(request, session: .none) { try await self.login(request) } }
        group.post("logout") { request, _ in
            await self.guarded(request, session: .none) {
                self.sessions.end(Self.sessionToken(request))
                var response = Self.redirect(to: "\(Self.pathPrefix)/login")
                response.setCookie(Self.sessionCookie(value: "", maxAge: 0))
                return response
            }
        }
        group.get("stream") { request, _ in await self.guarded(request, session: .api) { try self.stream(request) } }
        if controls != nil { addControlRoutes(to: group) }
    }

    /// What a route needs before it runs.
    enum SessionRequirement {
        /// Nothing (login, logout).
        case none
        /// A session; without one the browser is sent to the login page.
        case page
        /// A session; without one the answer is 401 (streams and controls, called by the page's script).
        case api
    }

    /// Runs `body` once the dashboard is on, the request is same-origin (for a POST) and the session is valid; every
    /// answer carries headers that keep the page out of caches and frames and forbid loading anything from elsewhere.
    func guarded(
        _ request: Request, session: SessionRequirement, _ body: () async throws -> Response
    ) async -> Response {
        var response: Response
        if !ledger.hasAdminKey {
            // Without an admin key nobody could log in: the dashboard is off, and says how to turn it on.
            response = Self.text(
                "The dashboard is off: start the server with an admin key (--admin-key, or admin_key in the seed).",
                status: .notFound)
        } else if request.method == .post, !Self.isSameOrigin(request) {
            response = Self.text("Cross-origin request refused.", status: .forbidden)
        } else if session != .none, !sessions.isValid(Self.sessionToken(request)) {
            response =
                session == .page
                ? Self.redirect(to: "\(Self.pathPrefix)/login")
                : Self.json(ControlAnswer(message: "Log in to the dashboard first."), status: .unauthorized)
        } else {
            do {
                response = try await body()
            } catch let error as LedgerError {
                response = Self.json(ControlAnswer(message: error.message), status: .init(code: error.httpStatus))
            } catch {
                response = Self.json(ControlAnswer(message: "The dashboard failed: \(error)"), status: .internalServerError)
            }
        }
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // `same-origin` rather than `no-referrer`: under `no-referrer` a browser sends `Origin: null` on the page's
        // own form posts, and the same-origin check above could not tell them from a foreign page's.
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }

    // MARK: - Pages

    func page(_ request: Request) async throws -> Response {
        let (namespace, filter) = try Self.selection(request)
        var view = try await view(namespace: namespace, filter: filter)
        view.style = DashboardAssets.style
        view.script = DashboardAssets.script
        return Self.html(DashboardTemplates.render("page", view))
    }

    func loginPage(message: String?, status: HTTPResponse.Status = .ok) -> Response {
        struct LoginView {
            var message: String?
            var style: String
        }
        return Self.html(
            DashboardTemplates.render("login", LoginView(message: message, style: DashboardAssets.style)), status: status)
    }

    /// `POST /dashboard/login` with the form field `key`: an admin key opens a session (a tenant key, or anything
    /// else, does not). The key travels in the body only, so it is in no URL, history entry or request log.
    func login(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        guard let key = form["key"], ledger.isAdminKey(key) else {
            return loginPage(message: "That is not the admin key.", status: .unauthorized)
        }
        var response = Self.redirect(to: Self.pathPrefix)
        response.setCookie(Self.sessionCookie(value: sessions.create(), maxAge: Int(DashboardSessions.lifetimeSeconds)))
        return response
    }

    // MARK: - Request helpers

    static func sessionToken(_ request: Request) -> String? {
        request.cookies[DashboardSessions.cookieName]?.value
    }

    /// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page or form sends it,
    /// which is what keeps the controls safe from cross-site requests), scoped to `/dashboard`. Not `Secure`: the
    /// server speaks plain HTTP, normally on loopback.
    static func sessionCookie(value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: DashboardSessions.cookieName, value: value, maxAge: maxAge, path: pathPrefix, httpOnly: true,
            sameSite: .strict)
    }

    /// A POST is accepted only from this server's own pages: a browser sends `Origin` on every POST, and it must name
    /// the host the request went to. (SameSite=Strict already keeps the cookie off cross-site requests; this is the
    /// second lock.) A request without `Origin` (curl) carries no ambient cookie from a page either.
    static func isSameOrigin(_ request: Request) -> Bool {
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" { return false }
        guard let origin = request.headers[HTTPField.Name("Origin")!] else { return true }
        guard let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// The namespace (default `default`) and journal filter of a page or stream request.
    static func selection(_ request: Request) throws -> (String, DashboardView.JournalFilter) {
        let query = try QueryParameters(request)
        let namespace = query["namespace"] ?? Ledger.defaultNamespace
        try MockControlRoutes.validateNamespaceName(namespace)
        var filter = DashboardView.JournalFilter()
        filter.tenant = query["tenant"] ?? ""
        filter.idempotencyKey = query["idempotency_key"] ?? ""
        if let operation = query["operation"] {
            guard RuntimeOperation(rawValue: operation) != nil else {
                throw LedgerError.invalid("Unknown operation '\(operation)'")
            }
            filter.operation = operation
        }
        return (namespace, filter)
    }

    /// The fields of a form-encoded body (at most 64 KiB: a fault rule is the largest thing posted).
    static func form(_ request: Request) async throws -> QueryParameters {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 64 * 1024)
        } catch {
            throw LedgerError.invalid("The form is larger than 64 KiB")
        }
        return try QueryParameters(query: String(buffer: buffer))
    }

    // MARK: - Answers

    /// The JSON answer of a control or a refused stream: one message for the page to show.
    struct ControlAnswer: Encodable {
        var message: String
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        body(text, contentType: "text/html; charset=utf-8", status: status)
    }

    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        body(text, contentType: "text/plain; charset=utf-8", status: status)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let text = (try? CyclesJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return body(text, contentType: "application/json", status: status)
    }

    private static func body(_ text: String, contentType: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303 See Other: after a form post the browser loads `location` with a GET.
    static func redirect(to location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
