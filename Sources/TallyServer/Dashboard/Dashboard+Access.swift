import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStore

/// Signing in and out, the first admin account, and the language switch.
extension Dashboard {
    func registerAccess(on router: Router<TallyRequestContext>) {
        router.get("/sign-in") { request, context in
            if try await store.countUsers() == 0 { return Self.redirect("/setup") }
            return signInPage(request, failure: nil)
        }
        router.post("/sign-in") { request, context in
            do { return try await signIn(request, context) } catch { return try await failure(error, request, context) }
        }
        router.get("/setup") { request, context in
            if try await store.countUsers() > 0 { return Self.redirect("/sign-in") }
            return setupPage(request, form: nil, failure: nil)
        }
        router.post("/setup") { request, context in
            do { return try await setUp(request, context) } catch { return try await failure(error, request, context) }
        }
        router.post("/sign-out") { request, context in
            try await action(request, context) { _, signedIn in
                try await store.deleteSession(idHash: signedIn.session.idHash)
                return Self.redirect("/sign-in", cookies: [signOutCookie(request)])
            }
        }
        router.get("/language/:code") { request, context in
            let code = context.parameters.get("code") ?? ""
            let language = Language(rawValue: code) ?? .en
            let cookie = SessionCookies.header(
                SessionCookies.language, language.rawValue, maxAge: 365 * 86_400, request: request, settings: settings)
            return Self.redirect(Self.localPath(request.uri.queryParameters["back"].map(String.init)), cookies: [cookie])
        }
    }

    /// The sign-in and set-up forms have no session yet: their CSRF token is a cookie the form
    /// must repeat (double submit), made when the form is shown.
    func formToken(_ request: Request) -> (token: String, cookie: String?) {
        if let token = SessionCookies.value(SessionCookies.formToken, in: request), token.count == 43 { return (token, nil) }
        let token = SessionCookies.randomToken()
        return (token, SessionCookies.header(SessionCookies.formToken, token, maxAge: 3600, request: request, settings: settings))
    }

    func checkFormToken(_ request: Request, _ form: FormBody) throws {
        guard let cookie = SessionCookies.value(SessionCookies.formToken, in: request), let presented = form["csrf"],
            SessionCookies.same(cookie, presented)
        else {
            throw APIError.forbidden("the form was stale or came from another site: reload the page and try again")
        }
    }

    func signInPage(_ request: Request, failure: String?, login: String = "", status: HTTPResponse.Status = .ok) -> Response {
        let language = Language.of(request)
        let (token, cookie) = formToken(request)
        var response = renderer.page(
            "signin",
            ["form_csrf": token, "login": login, "failure": failure as Any,
             "next": Self.localPath(request.uri.queryParameters["next"].map(String.init))],
            frame: .init(language: language, title: language.strings["sign_in"] ?? "Sign in", path: "/sign-in"), status: status)
        if let cookie { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return response
    }

    func signIn(_ request: Request, _ context: TallyRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        try checkFormToken(request, form)
        let strings = Language.of(request).strings
        let login = form.text("login") ?? ""
        // Attempts are counted before checking, so a guesser is slowed whether right or wrong:
        // per address and login, and per address over all logins (guessing across many logins).
        // Behind a proxy, the address is the client's the proxy forwarded (TALLY_TRUSTED_PROXIES).
        let address = context.clientAddress ?? "unknown"
        let instant = now()
        let perLogin = signInFailures.take(for: "\(address) \(login.lowercased())", at: instant)
        let perAddress = signInAttemptsPerAddress.take(for: address, at: instant)
        guard perLogin.allowed, perAddress.allowed else {
            return signInPage(request, failure: strings["sign_in_throttled"], login: login, status: .tooManyRequests)
        }
        let candidate = login.isEmpty ? nil : try await store.signInCandidate(login: login)
        let matches = try await Passwords.verify(form["password"] ?? "", hash: candidate?.passwordHash, cost: settings.bcryptCost)
        guard let candidate, matches else {
            // One message for every failure, so the page does not tell which logins exist.
            return signInPage(request, failure: strings["sign_in_failed"], login: login, status: .unauthorized)
        }
        let cookie = try await startSession(for: candidate.user, request)
        return Self.redirect(Self.localPath(form["next"]), cookies: [cookie])
    }

    func startSession(for user: User, _ request: Request) async throws -> String {
        let token = SessionCookies.randomToken()
        let instant = now()
        try await store.createSession(
            DashboardSession(
                idHash: SessionCookies.hash(token), userID: user.id, csrfToken: SessionCookies.randomToken(), createdAt: instant,
                expiresAt: instant.addingTimeInterval(settings.sessionLifetime)))
        return SessionCookies.header(
            SessionCookies.session, token, maxAge: Int(settings.sessionLifetime), request: request, settings: settings)
    }

    func signOutCookie(_ request: Request) -> String {
        SessionCookies.header(SessionCookies.session, "", maxAge: 0, request: request, settings: settings)
    }

    func setupPage(_ request: Request, form: FormBody?, failure: [String]?, status: HTTPResponse.Status = .ok) -> Response {
        let language = Language.of(request)
        let (token, cookie) = formToken(request)
        var response = renderer.page(
            "setup",
            ["form_csrf": token, "failures": failure ?? [], "has_failures": !(failure ?? []).isEmpty, "id": form?["id"] ?? "", "name": form?["name"] ?? "",
             "email": form?["email"] ?? "",
             "timezone": form?["timezone"] ?? api.configuration.defaultTimezone],
            frame: .init(language: language, title: language.strings["setup_title"] ?? "Tally", path: "/setup"),
            status: status)
        if let cookie { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return response
    }

    func setUp(_ request: Request, _ context: TallyRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        try checkFormToken(request, form)
        guard try await store.countUsers() == 0 else { return Self.redirect("/sign-in") }
        let strings = Language.of(request).strings
        let password = form["password"] ?? ""
        var problems: [String] = []
        if let problem = Passwords.problem(with: password) { problems.append("\(strings["password"] ?? "password"): \(problem)") }
        if password != form["password_again"] { problems.append(strings["passwords_differ"] ?? "") }
        let instant = now()
        let user = User(
            id: form.text("id") ?? "", name: form.text("name") ?? "", email: form.text("email"), role: .admin,
            timezone: form.text("timezone") ?? api.configuration.defaultTimezone, createdAt: instant, updatedAt: instant)
        do { try user.validate() } catch { problems += error.errors.map { "\($0.pointer.dropFirst(2)): \($0.detail)" } }
        guard problems.isEmpty else { return setupPage(request, form: form, failure: problems, status: .badRequest) }
        let hash = try await Passwords.hash(password, cost: settings.bcryptCost)
        guard try await store.createFirstAdmin(user, passwordHash: hash) else { return Self.redirect("/sign-in") }
        context.logger.notice("first admin account created", metadata: ["user_id": .string(user.id)])
        return Self.redirect("/", cookies: [try await startSession(for: user, request)])
    }
}
