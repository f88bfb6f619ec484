import AsyncHTTPClient
import Foundation
import TallyTestSupport
import NIOCore
import NIOHTTP1
import Testing
import TallyCore
import TallyServer

/// A browser without a browser: keeps cookies, never follows redirects, reads forms' CSRF tokens.
final class CookieBrowser: @unchecked Sendable {
    let baseURL: URL
    var cookies: [String: String] = [:]
    var acceptLanguage = "en"
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    init(_ baseURL: URL) { self.baseURL = baseURL }

    deinit { try? client.syncShutdown() }

    struct Page {
        var status: Int
        var location: String?
        var body: String
        var setCookies: [String]

        /// The value of the first hidden `csrf` input.
        var csrf: String? {
            guard let range = body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Page {
        try await send(.GET, path, body: nil, contentType: nil, headers: headers)
    }

    func post(_ path: String, form: [(String, String)], headers: [(String, String)] = []) async throws -> Page {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.POST, path, body: body, contentType: "application/x-www-form-urlencoded", headers: headers)
    }

    func send(
        _ method: HTTPMethod, _ path: String, body: String?, contentType: String?, headers: [(String, String)] = []
    ) async throws -> Page {
        var request = HTTPClientRequest(url: baseURL.absoluteString + path)
        request.method = method
        request.headers.add(name: "Accept-Language", value: acceptLanguage)
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 8 << 20))
        let setCookies = response.headers["Set-Cookie"]
        for cookie in setCookies {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            if cookie.contains("Max-Age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair.count > 1 ? pair[1] : "" }
            if pair[0] == "tally_session", pair.count > 1 { TestRunLog.recordSecret(pair[1]) }
        }
        return Page(
            status: Int(response.status.code), location: response.headers.first(name: "Location"), body: text, setCookies: setCookies)
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

@Suite struct DashboardTests {
    static func fast(_ configuration: inout ServerConfiguration) {
        configuration.dashboard.bcryptCost = 4
    }

    /// Creates the first admin through the set-up page; the browser is then signed in.
    static func setUp(_ browser: CookieBrowser, id: String = "ann", password: String = "correct horse") async throws {
        let form = try await browser.get("/setup")
        let page = try await browser.post(
            "/setup",
            form: [("csrf", form.csrf ?? ""), ("id", id), ("name", "Ann Admin"), ("email", "ann@example.com"),
                   ("timezone", "Europe/Amsterdam"), ("password", password), ("password_again", password)])
        guard page.status == 303, page.location == "/" else { throw TestFailure("set-up failed: \(page.status) \(page.body)") }
    }

    @Test func aFreshDatabaseOffersTheAdminSetUpOnceAndSignsIn() async throws {
        try await TestServer.run(configure: Self.fast) { server in
            let browser = CookieBrowser(server.baseURL)
            let first = try await browser.get("/")
            #expect(first.status == 303 && first.location == "/setup")
            let form = try await browser.get("/setup")
            #expect(form.status == 200 && form.csrf != nil)
            #expect(form.setCookies.contains { $0.hasPrefix("tally_form=") && $0.contains("HttpOnly") && $0.contains("SameSite=Lax") })

            // Without the form's token: refused, and nothing created.
            let forged = try await browser.post(
                "/setup", form: [("id", "eve"), ("name", "Eve"), ("password", "12345678"), ("password_again", "12345678")])
            #expect(forged.status == 403)
            let short = try await browser.post(
                "/setup", form: [("csrf", form.csrf!), ("id", "ann"), ("name", "Ann"), ("password", "short"), ("password_again", "short")])
            #expect(short.status == 400 && short.body.contains("at least 8 characters"))
            #expect(try await server.store.countUsers() == 0)

            try await Self.setUp(browser)
            #expect(browser.cookies["tally_session"] != nil)
            let overview = try await browser.get("/")
            #expect(overview.status == 200)
            #expect(overview.body.contains(#"id="sync-indicator""#) && overview.body.contains("sync-unconfigured"))
            #expect(overview.body.contains("<svg") && overview.body.contains("Ann Admin"))

            // The password is stored as a bcrypt hash, and set-up is closed now.
            let stored = try await server.store.signInCandidate(login: "ann@example.com")
            #expect(stored?.passwordHash?.hasPrefix("$2b$04$") == true)
            #expect(stored?.passwordHash?.contains("correct horse") == false)
            #expect(try await CookieBrowser(server.baseURL).get("/setup").location == "/sign-in")
            #expect(try await server.store.user(id: "ann")?.role == .admin)
        }
    }

    @Test func signInSignOutAndWrongPasswords() async throws {
        try await TestServer.run(configure: Self.fast) { server in
            try await Self.setUp(CookieBrowser(server.baseURL))
            let browser = CookieBrowser(server.baseURL)
            let protected = try await browser.get("/entries")
            #expect(protected.status == 303 && protected.location == "/sign-in?next=/entries")
            let form = try await browser.get("/sign-in?next=/entries")
            let wrong = try await browser.post(
                "/sign-in", form: [("csrf", form.csrf!), ("login", "ann"), ("password", "wrong horse"), ("next", "/entries")])
            #expect(wrong.status == 401 && wrong.body.contains("sign-in-error"))
            #expect(browser.cookies["tally_session"] == nil)
            let right = try await browser.post(
                "/sign-in", form: [("csrf", form.csrf!), ("login", "ANN@example.com"), ("password", "correct horse"), ("next", "/entries")])
            #expect(right.status == 303 && right.location == "/entries")
            let session = try #require(browser.cookies["tally_session"])
            #expect(try await browser.get("/entries").status == 200)
            // An open redirect through `next` goes to the overview instead.
            let elsewhere = try await browser.post(
                "/sign-in", form: [("csrf", form.csrf!), ("login", "ann"), ("password", "correct horse"), ("next", "//evil.example")])
            #expect(elsewhere.location == "/")

            let session2 = try #require(browser.cookies["tally_session"])
            #expect(session2 != session)
            let page = try await browser.get("/")
            let signOut = try await browser.post("/sign-out", form: [("csrf", page.csrf!)])
            #expect(signOut.status == 303 && browser.cookies["tally_session"] == nil)
            browser.cookies["tally_session"] = session2
            #expect(try await browser.get("/").status == 303)
            browser.cookies["tally_session"] = session
            #expect(try await browser.get("/").status == 200)
        }
    }

    @Test func theScriptCallsTheAPIWithTheSessionAndItsCSRFToken() async throws {
        try await TestServer.run(configure: Self.fast) { server in
            let browser = CookieBrowser(server.baseURL)
            try await Self.setUp(browser)
            let page = try await browser.get("/")
            let token = try #require(page.body.range(of: #"data-csrf=""#).map { String(page.body[$0.upperBound...].prefix { $0 != "\"" }) })
            let status = try await browser.get("/v1/sync/status")
            #expect(status.status == 200 && status.body.contains(#""state":"unconfigured""#))
            let noToken = try await browser.send(.PUT, "/v1/sync/auto", body: #"{"enabled":false}"#, contentType: "application/json")
            #expect(noToken.status == 403 && noToken.body.contains("X-CSRF-Token"))
            let otherToken = try await browser.send(
                .PUT, "/v1/sync/auto", body: #"{"enabled":false}"#, contentType: "application/json", headers: [("X-CSRF-Token", "x")])
            #expect(otherToken.status == 403)
            let off = try await browser.send(
                .PUT, "/v1/sync/auto", body: #"{"enabled":false}"#, contentType: "application/json", headers: [("X-CSRF-Token", token)])
            #expect(off.status == 200 && off.body.contains(#""auto_sync":false"#), "\(off.body)")
            // Without a session or key the API still answers 401.
            #expect(try await CookieBrowser(server.baseURL).get("/v1/sync/status").status == 401)
        }
    }

    @Test func aCategoryIsChangedFromTheEntriesPage() async throws {
        try await TestServer.run(configure: Self.fast) { server in
            let browser = CookieBrowser(server.baseURL)
            try await Self.setUp(browser)
            let start = Date().addingTimeInterval(-7200)
            let created = try await server.send(
                .POST, "/v1/time-entries",
                json: #"{"user_id":"ann","description":"Deep work","start":"\#(RFC3339.format(start))","stop":"\#(RFC3339.format(start.addingTimeInterval(3600)))"}"#)
            let id = try created.json()["id"] as! String
            let entries = try await browser.get("/entries")
            #expect(entries.body.contains(#"data-entry="\#(id)""#))
            let forged = try await browser.post("/entries/\(id)/category", form: [("category", "Read")])
            #expect(forged.status == 403)
            let changed = try await browser.post("/entries/\(id)/category", form: [("csrf", entries.csrf!), ("category", "Read")])
            #expect(changed.status == 303)
            let entry = try await server.send(.GET, "/v1/time-entries/\(id)").json()
            #expect(entry["category"] as? String == "Read" && entry["category_manual"] as? Bool == true)
        }
    }

    @Test func pagesSpeakDutchWhenAskedAndMembersCannotChangeSettings() async throws {
        try await TestServer.run(configure: Self.fast) { server in
            let browser = CookieBrowser(server.baseURL)
            try await Self.setUp(browser)
            browser.acceptLanguage = "nl-NL,nl;q=0.9,en;q=0.8"
            for path in ["/", "/entries", "/team", "/integrations", "/settings"] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path): \(page.body)")
                #expect(page.body.contains("Overzicht") && page.body.contains(#"lang="nl""#), "\(path)")
            }
            browser.acceptLanguage = "nl"
            let english = try await browser.get("/language/en?back=/team")
            #expect(english.location == "/team")
            #expect(try await browser.get("/team").body.contains("Leaderboard"))

            let member = try await server.send(.POST, "/v1/users", json: #"{"id":"mo","name":"Mo","role":"member"}"#)
            #expect(member.status == 201)
            let hash = try await Passwords.hash("member password", cost: 4)
            #expect(try await server.store.setPasswordHash(userID: "mo", hash))
            let mo = CookieBrowser(server.baseURL)
            let form = try await mo.get("/sign-in")
            _ = try await mo.post("/sign-in", form: [("csrf", form.csrf!), ("login", "mo"), ("password", "member password")])
            let settings = try await mo.get("/settings")
            #expect(settings.status == 200 && settings.body.contains("Only admins"))
            let refused = try await mo.post("/settings/goals", form: [("csrf", settings.csrf!), ("reviews", "3")])
            #expect(refused.status == 403)
            let goals = try await server.send(.GET, "/v1/goals").json()
            #expect((goals["daily"] as? [String: Any])?["reviews"] == nil)
        }
    }
}
