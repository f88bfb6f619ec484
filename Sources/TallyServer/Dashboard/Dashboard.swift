import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TallyCore
import TallyDashboardAssets
import TallyStore

/// The web dashboard: server-rendered pages for people, signed in with a password. Its forms
/// post here with the session's CSRF token; its script calls `/v1` with the session cookie.
struct Dashboard: Sendable {
    let store: any TallyStore
    let api: TallyAPI
    let settings: DashboardSettings
    let renderer: DashboardRenderer
    /// Failed sign-ins per client address.
    let signInFailures: RateLimiter
    let signInAttemptsPerAddress: RateLimiter
    let now: @Sendable () -> Date

    init(store: any TallyStore, api: TallyAPI, settings: DashboardSettings, now: @escaping @Sendable () -> Date) throws {
        self.store = store
        self.api = api
        self.settings = settings
        self.renderer = try DashboardRenderer()
        self.signInFailures = RateLimiter(limit: 10, window: .seconds(60))
        self.signInAttemptsPerAddress = RateLimiter(limit: 30, window: .seconds(600))
        self.now = now
    }

    func register(on router: Router<TallyRequestContext>) {
        registerAccess(on: router)
        router.get("/") { request, context in try await page(request, context) { try await overview($0, $1) } }
        router.get("/entries") { request, context in try await page(request, context) { try await entries($0, $1) } }
        router.get("/team") { request, context in try await page(request, context) { try await team($0, $1) } }
        router.get("/integrations") { request, context in
            try await page(request, context) { try await integrations($0, $1) }
        }
        router.get("/settings") { request, context in try await page(request, context) { try await settingsPage($0, $1) } }
        registerActions(on: router)
        let stylesheet = DashboardAssets.stylesheet, script = DashboardAssets.script
        router.get("/static/dashboard.css") { _, _ in Self.asset(stylesheet, type: "text/css; charset=utf-8") }
        router.get("/static/dashboard.js") { _, _ in Self.asset(script, type: "text/javascript; charset=utf-8") }
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A page for signed-in people: others go to the sign-in (or, on a fresh database, set-up).
    func page(
        _ request: Request, _ context: TallyRequestContext,
        _ render: (Request, SignedIn) async throws -> Response
    ) async throws -> Response {
        do {
            guard let signedIn = try await SignedIn.find(request, store: store, now: now()) else {
                return Self.redirect(try await store.countUsers() == 0 ? "/setup" : "/sign-in?next=\(Self.escapeQuery(request.uri.path))")
            }
            return try await Caller.$identity.withValue(signedIn.identity) { try await render(request, signedIn) }
        } catch {
            return try await failure(error, request, context)
        }
    }

    /// A form post from a signed-in person, checked against the session's CSRF token.
    func action(
        _ request: Request, _ context: TallyRequestContext, adminOnly: Bool = false,
        _ perform: (FormBody, SignedIn) async throws -> Response
    ) async throws -> Response {
        do {
            guard let signedIn = try await SignedIn.find(request, store: store, now: now()) else {
                return Self.redirect("/sign-in")
            }
            let form = try await FormBody.read(request)
            guard signedIn.accepts(csrf: form["csrf"]) else {
                throw APIError.forbidden("the form was stale or came from another site: reload the page and try again")
            }
            if adminOnly, signedIn.user.role != .admin { throw APIError.forbidden("only admins can change this") }
            return try await Caller.$identity.withValue(signedIn.identity) { try await perform(form, signedIn) }
        } catch {
            return try await failure(error, request, context)
        }
    }

    /// What went wrong, as a page in the reader's language; nothing was changed.
    func failure(_ error: any Error, _ request: Request, _ context: TallyRequestContext) async throws -> Response {
        let (problem, serverFault) = ProblemMapping.apiError(for: error)
        if serverFault {
            context.logger.error("dashboard request failed", metadata: ["error": .string(LoggedError.summary(error))])
        }
        let language = Language.of(request)
        let signedIn = try? await SignedIn.find(request, store: store, now: now())
        var lines = [problem.detail ?? problem.title]
        lines += problem.fieldErrors.map { "\($0.pointer.replacingOccurrences(of: "#/", with: "")): \($0.detail)" }
        let frame = DashboardRenderer.Frame(
            language: language, title: language.strings["error"] ?? "Error", path: request.uri.path, signedIn: signedIn)
        return renderer.page(
            "message",
            ["heading": language.strings["error"] ?? "Error", "lines": lines, "back": Self.sameSiteReferer(request) ?? "/",
             "request_id": context.requestID],
            frame: frame, status: problem.status)
    }

    func frame(_ request: Request, _ signedIn: SignedIn, titleKey: String, notice: String? = nil) async -> DashboardRenderer.Frame {
        let language = Language.of(request)
        let status = try? await api.syncStatus()
        return DashboardRenderer.Frame(
            language: language, title: language.strings[titleKey] ?? titleKey, path: request.uri.path, signedIn: signedIn,
            sync: status.map { SyncIndicator.values($0, language: language, timeZone: Self.zone(signedIn.user)) },
            notice: notice ?? request.uri.queryParameters["saved"].map { _ in language.strings["saved"] ?? "Saved." })
    }

    static func zone(_ user: User) -> TimeZone { TimeZone(identifier: user.timezone) ?? .gmt }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// Where to go back to after a form: the page it came from, if it is one of ours.
    static func sameSiteReferer(_ request: Request) -> String? {
        guard let referer = request.headers[.referer], let url = URL(string: referer) else { return nil }
        let path = url.path.isEmpty ? "/" : url.path
        let local = url.query.map { "\(path)?\($0)" } ?? path
        return localPath(local) == local ? local : nil
    }

    /// A path on this site to continue to (after signing in, after changing the language);
    /// anything else is the overview. Browsers drop tabs and newlines from a `Location` and read
    /// `\` as `/`, so `/%09/evil.example/` would leave the site: only visible ASCII is allowed,
    /// and the second character must not start an authority.
    static func localPath(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"),
            text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }),
            !text.dropFirst().hasPrefix("/")
        else { return "/" }
        return text
    }

    static func escapeQuery(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_."))) ?? "/"
    }
}
