import Foundation
import NIOHTTP1
import GRDB
import Testing
import TallyCore
import TallyServer
import TallyStore

/// Regressions from the outside probe (issue 21): inputs that crashed the server for good,
/// leaked secrets into the log, or cost seconds of CPU.
@Suite struct HardeningTests {
    static let user = #"{"id":"alice","name":"Alice"}"#

    @Test(arguments: [
        ("/v1/appointments", #"{"user_id":"alice","customer_name":"X","appointment_date":"9999-12-31T23:59:59-23:59"}"#, "#/appointment_date"),
        ("/v1/appointments", #"{"user_id":"alice","customer_name":"X","appointment_date":"0001-01-01T00:00:00+23:59"}"#, "#/appointment_date"),
        ("/v1/time-entries", #"{"user_id":"alice","description":"x","start":"2026-01-01T10:00:00Z","stop":"9999-12-31T23:59:59-23:59"}"#, "#/stop"),
        ("/v1/time-entries", #"{"user_id":"alice","description":"x","start":"0000-12-31T23:00:00Z"}"#, "#/start"),
        ("/v1/api-keys", #"{"name":"late","scopes":["read"],"expires_at":"9999-12-31T23:59:59-23:59"}"#, "#/expires_at"),
    ])
    func instantsOutsideYearsOneToNineThousandAreRefusedAndNothingIsStored(path: String, body: String, pointer: String)
        async throws
    {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            let response = try await server.send(.POST, path, json: body)
            #expect(response.status == 422, "\(response.text)")
            let errors = try response.json()["errors"] as? [[String: Any]]
            #expect(errors?.first?["pointer"] as? String == pointer, "\(response.text)")
            #expect(try await server.store.appointments(AppointmentQuery(limit: 10)).isEmpty)
            #expect(try await server.store.timeEntries(TimeEntryQuery(limit: 10)).isEmpty)
            // Every read still works: the server is alive and nothing unreadable was kept.
            for list in ["/v1/appointments", "/v1/time-entries", "/v1/api-keys"] {
                #expect(try await server.send(.GET, list).status == 200)
            }
        }
    }

    @Test func yearOneAndYearNineThousandNineHundredNinetyNineRoundTrip() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            let first = try await server.send(
                .POST, "/v1/time-entries",
                json: #"{"user_id":"alice","description":"x","start":"0001-01-01T00:00:00Z","stop":"0001-01-01T01:00:00Z"}"#)
            #expect(first.status == 201, "\(first.text)")
            let id = try #require(try first.json()["id"] as? String)
            let read = try await server.send(.GET, "/v1/time-entries/\(id)").json()
            #expect(read["start"] as? String == "0001-01-01T00:00:00.000Z")
            #expect(read["stop"] as? String == "0001-01-01T01:00:00.000Z")
            let patched = try await server.send(.PATCH, "/v1/time-entries/\(id)", json: #"{"description":"y"}"#)
            #expect(patched.status == 200, "\(patched.text)")

            let last = try await server.send(
                .POST, "/v1/appointments",
                json: #"{"user_id":"alice","customer_name":"X","appointment_date":"9999-12-31T23:59:59Z"}"#)
            #expect(last.status == 201, "\(last.text)")
            let appointment = try #require(try last.json()["id"] as? String)
            #expect(try await server.send(.GET, "/v1/appointments/\(appointment)").status == 200)
        }
    }

    /// A row no input can make any more (an older version stored year 10000), or one broken by
    /// hand, fails the requests that read it, and the server goes on; the log of that 500 holds
    /// neither the caller's key nor the cookie nor the CSRF token it sent.
    @Test func anUnreadableRowFailsItsRequestOnlyAndTheLogKeepsTheSecretsOut() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            let created = try await server.send(
                .POST, "/v1/appointments",
                json: #"{"user_id":"alice","customer_name":"X","appointment_date":"2026-12-01T10:00:00Z"}"#)
            let id = try #require(try created.json()["id"] as? String)
            let other = try DatabaseQueue(path: server.databasePath)
            try await other.write { db in
                try db.execute(sql: "UPDATE appointments SET starts_at = '10000-01-01 00:00:00.000' WHERE id = ?", arguments: [id])
            }
            let cookie = "tally_session=" + String(repeating: "Zq9", count: 14) + "x"
            let csrf = "csrf-" + String(repeating: "Kp7", count: 12)
            for _ in 0..<3 {
                let failed = try await server.send(
                    .GET, "/v1/appointments/\(id)", headers: [("Cookie", cookie), ("X-CSRF-Token", csrf)])
                #expect(failed.status == 500)
                #expect(failed.header("Content-Type") == "application/problem+json")
            }
            #expect(try await server.send(.GET, "/v1/users").status == 200)
            let lines = server.log.all
            #expect(lines.contains { $0.contains("request failed") && $0.contains("getAppointment") })
            for secret in [server.adminKey, cookie, String(cookie.dropFirst("tally_session=".count)), csrf] {
                #expect(!lines.contains { $0.contains(secret) }, "the log holds \(secret.prefix(8))…")
            }
        }
    }

    @Test func secretShapedTextIsRedactedFromLogValues() {
        let key = "tly_" + String(repeating: "a1b2", count: 11)
        let redacted = SecretRedaction.redact("Authorization: Bearer \(key); whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo= path=/v1/daily-logs/dl_01m8xtnr86059np433w7cae99s")
        #expect(!redacted.contains(key) && !redacted.contains("a1b2a1b2"))
        #expect(!redacted.contains("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo"))
        #expect(redacted.contains("/v1/daily-logs/dl_01m8xtnr86059np433w7cae99s"))
        SecretRedaction.register("short-but-configured")
        #expect(SecretRedaction.redact("token=short-but-configured") == "token=[redacted]")
        #expect(SecretRedaction.redact("status=200 route=/v1/users") == "status=200 route=/v1/users")
    }

    @Test func deeplyNestedJSONIsRefusedAtOnce() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
            let started = ContinuousClock.now
            let response = try await server.send(
                .POST, "/v1/appointments",
                json: #"{"user_id":"alice","customer_name":"X","appointment_date":"2026-12-01T10:00:00Z","deep":"# + nested + "}")
            #expect(response.status == 400)
            #expect((try response.json()["detail"] as? String)?.contains("nested more than 32 levels") == true)
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(try await server.store.appointments(AppointmentQuery(limit: 10)).isEmpty)
            // 32 levels are fine.
            let allowed = String(repeating: "[", count: 30) + String(repeating: "]", count: 30)
            let kept = try await server.send(
                .POST, "/v1/appointments",
                json: #"{"user_id":"alice","customer_name":"X","appointment_date":"2026-12-01T10:00:00Z","deep":"# + allowed + "}")
            #expect(kept.status == 201, "\(kept.text)")
        }
    }

    @Test func nulCharactersAreRefusedNotTruncated() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            for (path, body, pointer) in [
                ("/v1/daily-logs", #"{"user_id":"alice","reviews":1,"notes":"before\u0000after"}"#, "#/notes"),
                ("/v1/users", #"{"id":"bob","name":"Bob\u0000by"}"#, "#/name"),
                ("/v1/time-entries", #"{"user_id":"alice","description":"x","start":"2026-01-01T10:00:00Z","tags":["a","b\u0000"]}"#, "#/tags/1"),
            ] {
                let response = try await server.send(.POST, path, json: body)
                #expect(response.status == 422, "\(path): \(response.text)")
                let errors = try response.json()["errors"] as? [[String: Any]]
                #expect(errors?.first?["pointer"] as? String == pointer, "\(response.text)")
            }
            // An escaped backslash before u0000 is text, not NUL.
            let text = try await server.send(.POST, "/v1/daily-logs", json: #"{"user_id":"alice","reviews":1,"demos":0,"callbacks":0,"notes":"C:\\u0000"}"#)
            #expect(text.status == 201, "\(text.text)")
            #expect(try text.json()["notes"] as? String == #"C:\u0000"#)
            #expect(try await server.store.users(after: nil, limit: 10).map(\.id) == ["alice"])
        }
    }

    @Test func timeEntryTextsAndListsHaveLimits() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            let longProject = String(repeating: "p", count: 201)
            let manyTags = (0..<51).map { "\"t\($0)\"" }.joined(separator: ",")
            let longTag = String(repeating: "t", count: 101)
            for (body, pointer) in [
                (#"{"user_id":"alice","description":"x","start":"2026-01-01T10:00:00Z","project":"\#(longProject)"}"#, "#/project"),
                (#"{"user_id":"alice","description":"x","start":"2026-01-01T10:00:00Z","tags":[\#(manyTags)]}"#, "#/tags"),
                (#"{"user_id":"alice","description":"x","start":"2026-01-01T10:00:00Z","tags":["\#(longTag)"]}"#, "#/tags/0"),
            ] {
                let response = try await server.send(.POST, "/v1/time-entries", json: body)
                #expect(response.status == 422, "\(response.text)")
                let errors = try response.json()["errors"] as? [[String: Any]]
                #expect(errors?.first?["pointer"] as? String == pointer, "\(response.text)")
            }
            #expect(try await server.store.timeEntries(TimeEntryQuery(limit: 10)).isEmpty)
        }
    }

    @Test func metricsCanRequireAToken() async throws {
        let token = "metrics-token-0123456789"
        try await TestServer.run(configure: { $0.metricsToken = token }) { server in
            #expect(try await server.send(.GET, "/metrics", key: .some(nil)).status == 401)
            #expect(try await server.send(.GET, "/metrics", key: "wrong-token-0123456789").status == 401)
            let answered = try await server.send(.GET, "/metrics", key: token)
            #expect(answered.status == 200)
            #expect(answered.text.contains("tally_http_requests_total") || answered.text.contains("# TYPE"))
        }
        try await TestServer.run { server in
            let open = try await server.send(.GET, "/metrics", key: .some(nil))
            #expect(open.status == 200)
        }
    }

    @Test func callsToASwitchedOffWebhookAreNotLoggedAsErrors() async throws {
        try await TestServer.run { server in
            for _ in 0..<3 {
                let response = try await server.send(.POST, "/webhooks/toggl", key: .some(nil), json: "{}")
                #expect(response.status == 503)
            }
            let lines = server.log.all
            #expect(!lines.contains { $0.hasPrefix("error") })
            #expect(lines.filter { $0.contains("switched-off webhook route") }.count == 1)
        }
    }

    @Test func redirectsStayOnThisSite() async throws {
        try await TestServer.run(configure: DashboardTests.fast) { server in
            try await DashboardTests.setUp(CookieBrowser(server.baseURL))
            let browser = CookieBrowser(server.baseURL)
            for back in ["/%09/evil.example/", "/%0a/evil.example/", "//evil.example/", "/%5cevil.example/", "https://evil.example/"] {
                let page = try await browser.get("/language/nl?back=\(back)")
                #expect(page.status == 303 && page.location == "/", "\(back) -> \(page.location ?? "nil")")
            }
            #expect(try await browser.get("/language/en?back=/entries%3Ffrom%3D2026-12-01").location == "/entries?from=2026-12-01")
            for next in ["/\t/evil.example/", "/\n/evil.example", "/\\evil.example", " //evil.example"] {
                let form = try await browser.get("/sign-in")
                let page = try await browser.post(
                    "/sign-in", form: [("csrf", form.csrf ?? ""), ("login", "ann"), ("password", "correct horse"), ("next", next)])
                #expect(page.status == 303 && page.location == "/", "\(next.debugDescription) -> \(page.location ?? "nil")")
            }
        }
    }

    /// Guessing across many logins from one address is throttled too; behind a trusted proxy
    /// the forwarded client address counts, and a client cannot pick its own by the header.
    @Test func signInGuessesAreThrottledPerAddressBehindATrustedProxy() async throws {
        try await TestServer.run(configure: {
            DashboardTests.fast(&$0)
            $0.trustedProxies = try! TrustedProxies(parsing: "127.0.0.1, ::1")
        }) { server in
            try await DashboardTests.setUp(CookieBrowser(server.baseURL))
            let browser = CookieBrowser(server.baseURL)
            func attempt(login: String, from client: String) async throws -> Int {
                let form = try await browser.get("/sign-in")
                return try await browser.post(
                    "/sign-in", form: [("csrf", form.csrf ?? ""), ("login", login), ("password", "wrong horse")],
                    headers: [("X-Forwarded-For", client)]
                ).status
            }
            // 30 attempts in ten minutes per address, whatever the login.
            for index in 0..<30 {
                #expect(try await attempt(login: "user\(index)", from: "203.0.113.7") == 401)
            }
            #expect(try await attempt(login: "someone-else", from: "203.0.113.7") == 429)
            #expect(try await attempt(login: "ann", from: "203.0.113.7") == 429)
            // Another client behind the same proxy is not locked out.
            #expect(try await attempt(login: "ann", from: "198.51.100.4") == 401)
            // A spoofed hop before the proxy's own entry does not help: the last untrusted one counts.
            #expect(try await attempt(login: "ann", from: "198.51.100.99, 203.0.113.7") == 429)
        }
    }

    @Test func forwardedAddressesAreBelievedOnlyFromTrustedProxies() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, ::1")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1, 203.0.113.7, 10.0.0.9"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "192.0.2.1", forwardedFor: ["203.0.113.7"]) == "192.0.2.1")
        #expect(proxies.clientAddress(peer: "::ffff:10.0.0.1", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["not-an-address"]) == "10.1.2.3")
        #expect(TrustedProxies.none.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "127.0.0.1")
        #expect(throws: ConfigurationError.self) { try TrustedProxies(parsing: "10.0.0.0/33") }
        #expect(throws: ConfigurationError.self) { try TrustedProxies(parsing: "nginx") }
    }

    @Test(arguments: [
        ("/v1/users?limit=abc", "#/limit"), ("/v1/users?limit=5.5", "#/limit"),
        ("/v1/timer/current?source=AAA", "#/source"), ("/v1/appointments?status=bogus", "#/status"),
        ("/v1/time-entries?updated_since=abc", "#/updated_since"), ("/v1/daily-logs?updated_since=", "#/updated_since"),
    ])
    func badQueryParametersAreNamed(path: String, pointer: String) async throws {
        try await TestServer.run { server in
            let response = try await server.send(.GET, path)
            #expect(response.status == 400, "\(response.text)")
            let body = try response.json()
            #expect((body["errors"] as? [[String: Any]])?.first?["pointer"] as? String == pointer, "\(response.text)")
            #expect((body["detail"] as? String)?.hasPrefix(String(pointer.dropFirst(2))) == true, "\(response.text)")
            #expect((body["detail"] as? String)?.contains("JSON") == false)
        }
    }

    @Test func numbersThatDoNotFitTheirFieldAreNamed() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            for (body, pointer) in [
                (#"{"user_id":"alice","date":"2026-01-05","reviews":5.5,"demos":1,"callbacks":1}"#, "#/reviews"),
                (#"{"user_id":"alice","date":"2026-01-05","reviews":5,"demos":1e30,"callbacks":1}"#, "#/demos"),
            ] {
                let response = try await server.send(.POST, "/v1/daily-logs", json: body)
                #expect(response.status == 422, "\(response.text)")
                #expect(((try response.json()["errors"]) as? [[String: Any]])?.first?["pointer"] as? String == pointer)
            }
            let notJSON = try await server.send(.POST, "/v1/daily-logs", json: #"{"user_id":"alice","#)
            #expect(notJSON.status == 400)
            let array = try await server.send(.POST, "/v1/daily-logs", json: "[1]")
            #expect(array.status == 422)
            #expect((try array.json()["detail"] as? String)?.hasPrefix("the body") == true, "\(array.text)")
        }
    }

    /// Of two empty strings, the one in a date-time field is the bad date-time.
    @Test func aBadDateTimeIsBlamedOnItsOwnField() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            let created = try await server.send(
                .POST, "/v1/time-entries", json: #"{"user_id":"alice","description":"x","start":"2026-01-01T10:00:00Z"}"#)
            let id = try #require(try created.json()["id"] as? String)
            let response = try await server.send(.PATCH, "/v1/time-entries/\(id)", json: #"{"category":"","stop":""}"#)
            #expect(response.status == 422)
            #expect(((try response.json()["errors"]) as? [[String: Any]])?.first?["pointer"] as? String == "#/stop")
        }
    }

    /// null only where the schema allows it: elsewhere it was read as "absent" and silently
    /// ignored (a PATCH that changed nothing) or defaulted (a POST's date became today).
    @Test func nullIsRefusedWhereTheSchemaDoesNotAllowIt() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            let refused: [(HTTPMethod, String, String, String)] = [
                (.PATCH, "/v1/users/alice", #"{"name":null}"#, "#/name"),
                (.POST, "/v1/daily-logs", #"{"user_id":"alice","date":null,"reviews":1,"demos":0,"callbacks":0}"#, "#/date"),
                (.POST, "/v1/users", #"{"id":"bob","name":"Bob","role":null}"#, "#/role"),
                (.PUT, "/v1/goals", #"{"users":{"alice":{"weekly_categories":null}}}"#, "#/users/alice/weekly_categories"),
                (.PUT, "/v1/goals", #"{"users":{"alice":null}}"#, "#/users/alice"),
            ]
            for (method, path, body, pointer) in refused {
                let response = try await server.send(method, path, json: body)
                #expect(response.status == 422, "\(path) \(body): \(response.text)")
                #expect(((try response.json()["errors"]) as? [[String: Any]])?.first?["pointer"] as? String == pointer)
            }
            #expect(try await server.store.user(id: "alice")?.name == "Alice")
            #expect(try await server.store.user(id: "bob") == nil)
            // Where null means "no value", it is taken.
            let log = try await server.send(
                .POST, "/v1/daily-logs", json: #"{"user_id":"alice","date":"2026-12-01","reviews":1,"demos":0,"callbacks":0,"notes":null}"#)
            #expect(log.status == 201, "\(log.text)")
            let appointment = try await server.send(
                .POST, "/v1/appointments",
                json: #"{"user_id":"alice","customer_name":"X","appointment_date":"2026-12-10T10:00:00Z","customer_email":null}"#)
            #expect(appointment.status == 201, "\(appointment.text)")
            let id = try #require(try appointment.json()["id"] as? String)
            #expect(try await server.send(.PATCH, "/v1/appointments/\(id)", json: #"{"customer_name":null}"#).status == 422)
            #expect(try await server.send(.PATCH, "/v1/appointments/\(id)", json: #"{"notes":null}"#).status == 200)
        }
    }

    @Test func schemaCheckFindingsAreFixed() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            // A literal route is not also the {id} route beside it.
            let imports = try await server.send(.GET, "/v1/imports/apple-health")
            #expect(imports.status == 405 && imports.header("Allow") == "POST", "\(imports.header("Allow") ?? "")")
            // A bad date in a body is a 422 like every other invalid field of a body.
            let date = try await server.send(
                .POST, "/v1/daily-logs", json: #"{"user_id":"alice","date":"2026-13-09","reviews":1,"demos":0,"callbacks":0}"#)
            #expect(date.status == 422, "\(date.text)")
            // Category rules name the field that is wrong.
            let rules = try await server.send(
                .PUT, "/v1/categories/rules", json: ##"{"rules":[],"workouts":{},"categories":[{"name":"A","color":"#4c78a8"}],"fallback":" "}"##)
            #expect(rules.status == 422, "\(rules.text)")
            #expect(((try rules.json()["errors"]) as? [[String: Any]])?.first?["pointer"] as? String == "#/fallback")
        }
    }

    /// Empty cursors and appointment bounds are "not given"; an empty date-time is still refused.
    @Test func anEmptyCursorOrRangeBoundMeansNotGiven() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: Self.user).status == 201)
            for path in ["/v1/users?cursor=", "/v1/appointments?from=&to=&status=scheduled", "/v1/daily-logs?cursor="] {
                let response = try await server.send(.GET, path)
                #expect(response.status == 200, "\(path): \(response.text)")
            }
        }
    }
}
