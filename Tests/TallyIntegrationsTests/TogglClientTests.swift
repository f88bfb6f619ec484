import AsyncHTTPClient
import Foundation
import Testing
import TallyTestSupport
@testable import TallyIntegrations

/// Runs a FakeToggl and a TogglClient pointed at it over real HTTP on loopback.
func withToggl(
    _ configuration: FakeToggl.Configuration = .init(), minimumInterval: Duration = .milliseconds(1),
    _ body: (FakeToggl, TogglClient) async throws -> Void
) async throws {
    try await FakeToggl.run(configuration) { fake in
        let http = SourceHTTP(httpClient: .shared, minimumInterval: minimumInterval)
        let client = TogglClient(
            apiBaseURL: fake.apiURL, webhooksBaseURL: fake.webhooksURL, apiToken: fake.apiToken, http: http, retry: .quick)
        try await body(fake, client)
    }
}

extension TogglRetryPolicy {
    /// The standard shape with millisecond pauses, so retry tests stay fast.
    static let quick = TogglRetryPolicy(
        rateLimitBackoff: [.milliseconds(10), .milliseconds(20), .milliseconds(40)], rateLimitedWait: .seconds(8),
        serverRetryDelay: 0.005...0.02)
}

/// The error a call threw, or nil (recorded as an issue) when it threw something else or nothing.
func togglError(_ call: () async throws -> Void) async -> TogglError? {
    do {
        try await call()
        Issue.record("expected a TogglError, got success")
    } catch let error as TogglError {
        return error
    } catch {
        Issue.record("expected a TogglError, got \(error)")
    }
    return nil
}

@Suite struct TogglClientTests {
    @Test("/me over Basic auth with the token and the literal password api_token")
    func me() async throws {
        try await withToggl { fake, client in
            let user = try await client.me()
            #expect(user.id == fake.user.id)
            #expect(user.email == fake.user.email)
            #expect(user.fullname == fake.user.fullname)
            #expect(user.timezone == "Europe/Amsterdam")
            #expect(user.defaultWorkspaceID == fake.workspaceID)
        }
    }

    @Test("a wrong token is a 403 and an invalidToken error whose text never holds the token")
    func invalidToken() async throws {
        try await FakeToggl.run { fake in
            let token = "wrong-token-9f8e7d6c5b4a"
            let client = TogglClient(
                apiBaseURL: fake.apiURL, apiToken: token,
                http: SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1)), retry: .quick)
            let error = await togglError { _ = try await client.me() }
            #expect(error?.reason == .invalidToken)
            #expect(error?.requestsMade == 1)
            #expect(error?.waitUntil == nil)
            #expect(error?.description.contains(token) == false)
            #expect(fake.requests.map(\.status) == [403])
        }
    }

    @Test("no running entry reads as nil whether Toggl says 404, null or {}", arguments: FakeToggl.NoCurrentEntry.allCases)
    func noCurrentEntry(shape: FakeToggl.NoCurrentEntry) async throws {
        try await withToggl(.init(noCurrentEntry: shape)) { fake, client in
            #expect(try await client.currentTimeEntry() == nil)
            let running = fake.startTimer("Writing", tags: ["docs"])
            let current = try #require(try await client.currentTimeEntry())
            #expect(current.id == running.id)
            #expect(current.isRunning)
            #expect(current.tags == ["docs"])
            fake.stopTimer()
            #expect(try await client.currentTimeEntry() == nil)
        }
    }

    @Test("the fake writes what the client must cope with: +00:00 times and null for no tags or project")
    func fakeWireShape() async throws {
        try await withToggl { fake, client in
            fake.addEntry("plain", start: Date(timeIntervalSince1970: 1_692_705_051), stop: Date(timeIntervalSince1970: 1_692_708_052))
            let http = SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1))
            let response = try await http.send(
                .GET, fake.apiURL + "/me/time_entries?start_date=2023-08-22&end_date=2023-08-23",
                headers: [("Authorization", client.authorization)])
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(text.contains(#""start":"2023-08-22T11:50:51+00:00""#))
            #expect(text.contains(#""tags":null"#))
            #expect(text.contains(#""project_id":null"#))
            #expect(try await client.timeEntries(startDate: Date(timeIntervalSince1970: 1_692_662_400), endDate: Date(timeIntervalSince1970: 1_692_748_800)).count == 1)
        }
    }

    @Test("start_date/end_date select by start, end exclusive, sent as whole-second Z times")
    func entriesByDate() async throws {
        try await withToggl { fake, client in
            let day = Date(timeIntervalSince1970: 1_710_201_600)  // 2024-03-12T00:00:00Z
            let before = fake.addEntry("before", start: day - 60, stop: day + 600)
            let inside = fake.addEntry("inside", start: day + 3600, stop: day + 7200)
            _ = fake.addEntry("at the end", start: day + 86_400, stop: day + 90_000)
            let listed = try await client.timeEntries(startDate: day, endDate: day + 86_400)
            #expect(listed.map(\.id) == [inside.id])
            let both = try await client.timeEntries(startDate: day - 3600, endDate: day + 86_400)
            #expect(both.map(\.id) == [inside.id, before.id], "newest first")
            let query = try #require(fake.requests(to: "/me/time_entries").first?.query)
            #expect(query == ["start_date": "2024-03-12T00:00:00Z", "end_date": "2024-03-13T00:00:00Z"])
        }
    }

    @Test("the fake refuses since with dates, and since older than three months, as Toggl does")
    func fakeSinceQuirks() async throws {
        try await withToggl { fake, client in
            let http = SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1))
            let auth = [("Authorization", client.authorization)]
            let now = Int(Date().timeIntervalSince1970)
            let combined = try await http.send(
                .GET, fake.apiURL + "/me/time_entries?since=\(now - 60)&start_date=2024-01-01&end_date=2024-01-02",
                headers: auth)
            #expect(combined.status == 400)
            let old = try await http.send(.GET, fake.apiURL + "/me/time_entries?since=\(now - 100 * 86_400)", headers: auth)
            #expect(old.status == 400)
            let error = await togglError { _ = try await client.timeEntries(since: Date() - 100 * 86_400) }
            guard case .badRequest(400, let message) = error?.reason else {
                Issue.record("expected a 400, got \(String(describing: error))")
                return
            }
            #expect(message.contains("3 months"))
        }
    }

    @Test("start creates a running entry with created_with Tally, stopping the one that ran; stop twice is alreadyStopped")
    func startAndStop() async throws {
        try await withToggl { fake, client in
            let project = fake.addProject("Tally")
            let earlier = fake.startTimer("Email")
            let start = Date() - 5
            let started = try await client.startTimeEntry(
                workspaceID: fake.workspaceID, description: "Coding", projectID: project.id, tags: ["swift", "new-tag"],
                start: start)
            #expect(started.isRunning)
            #expect(started.duration == -1)
            #expect(started.projectID == project.id)
            #expect(started.tags == ["swift", "new-tag"])
            #expect(fake.entry(earlier.id)?.isRunning == false, "starting one stops the running one")
            #expect(Set(fake.tags.map(\.name)) == ["swift", "new-tag"], "tags given by name are created")
            let body = try #require(fake.requests(to: "/workspaces/\(fake.workspaceID)/time_entries").first)
            #expect(body.method == "POST")
            let stopped = try await client.stopTimeEntry(workspaceID: fake.workspaceID, id: started.id)
            #expect(!stopped.isRunning)
            #expect(stopped.stop != nil)
            let again = await togglError { _ = try await client.stopTimeEntry(workspaceID: fake.workspaceID, id: started.id) }
            #expect(again?.reason == .alreadyStopped)
            let unknown = await togglError { _ = try await client.stopTimeEntry(workspaceID: fake.workspaceID, id: 42) }
            #expect(unknown?.reason == .notFound)
            let badProject = await togglError {
                _ = try await client.startTimeEntry(
                    workspaceID: fake.workspaceID, description: "x", projectID: 999, tags: [], start: Date())
            }
            #expect(badProject?.reason == .badRequest(status: 400, message: "Invalid project_id"))
        }
    }

    @Test("projects (null when none), tags and quota")
    func lists() async throws {
        try await withToggl(.init(hourlyQuota: 30)) { fake, client in
            #expect(try await client.projects().isEmpty)
            let active = fake.addProject("Tally")
            let archived = fake.addProject("Old", active: false)
            #expect(try await client.projects().map(\.id) == [active.id, archived.id], "archived ones too, for old entries")
            fake.startTimer("x", tags: ["a", "b"])
            #expect(try await client.tags().map(\.name) == ["a", "b"])
            let quota = try #require(try await client.quota().first)
            #expect(quota.total == 30)
            #expect(quota.remaining == 26)
            #expect(quota.organizationID == fake.user.organizationID)
        }
    }

    @Test("quota headers on every answer are kept as lastQuota")
    func quotaHeaders() async throws {
        try await withToggl(.init(hourlyQuota: 30)) { _, client in
            #expect(client.lastQuota == nil)
            let before = Date()
            _ = try await client.me()
            _ = try await client.me()
            let quota = try #require(client.lastQuota)
            #expect(quota.remaining == 28)
            let resetsAt = try #require(quota.resetsAt)
            #expect(resetsAt >= before.addingTimeInterval(3600 - 2) && resetsAt <= Date().addingTimeInterval(3600 + 2))
        }
    }

    @Test("402 over quota is quotaExceeded, waiting until the reset Toggl announces")
    func quotaExceeded() async throws {
        try await withToggl(.init(hourlyQuota: 3)) { fake, client in
            let before = Date()
            for _ in 0..<3 { _ = try await client.me() }
            let error = await togglError { _ = try await client.me() }
            guard case .quotaExceeded(let remaining, let resetsAt) = error?.reason else {
                Issue.record("expected quotaExceeded, got \(String(describing: error))")
                return
            }
            #expect(remaining == 0)
            #expect(error?.waitUntil == resetsAt)
            #expect(
                resetsAt >= before.addingTimeInterval(3600 - 2) && resetsAt <= Date().addingTimeInterval(3600 + 2),
                "the oldest of the three leaves the hour an hour after it was made")
            #expect(error?.requestsMade == 1, "a 402 is not retried")
            #expect(fake.requests.map(\.status) == [200, 200, 200, 402])
            #expect(error?.description.contains("quota") == true)
        }
    }

    @Test("429 is retried with backoff by the client itself")
    func rateLimitRetried() async throws {
        try await withToggl { fake, client in
            fake.failNext(3, status: 429)
            let user = try await client.me()
            #expect(user.id == fake.user.id)
            #expect(fake.requests.map(\.status) == [429, 429, 429, 200])
        }
    }

    @Test("429 that persists ends as rateLimited with a time to come back")
    func rateLimitGivesUp() async throws {
        try await withToggl { fake, client in
            fake.failNext(10, status: 429)
            let before = Date()
            let error = await togglError { _ = try await client.me() }
            guard case .rateLimited(let retryAt) = error?.reason else {
                Issue.record("expected rateLimited, got \(String(describing: error))")
                return
            }
            #expect(retryAt > before + 7)
            #expect(error?.waitUntil == retryAt)
            #expect(error?.requestsMade == 4)
            #expect(fake.requests.count == 4)
        }
    }

    @Test("a 5xx gets one retry, then is a server error; a POST is not retried")
    func serverErrors() async throws {
        try await withToggl { fake, client in
            fake.failNext(1, status: 503)
            _ = try await client.me()
            #expect(fake.requests.map(\.status) == [503, 200])
            fake.clearRequests()
            fake.failNext(2, status: 500)
            let error = await togglError { _ = try await client.me() }
            #expect(error?.reason == .server(status: 500))
            #expect(error?.requestsMade == 2)
            fake.clearRequests()
            fake.failNext(1, status: 502)
            let post = await togglError {
                _ = try await client.startTimeEntry(
                    workspaceID: fake.workspaceID, description: "x", projectID: nil, tags: [], start: Date())
            }
            #expect(post?.reason == .server(status: 502))
            #expect(fake.requests.count == 1)
        }
    }

    @Test("an unreachable Toggl is a transport error")
    func transport() async throws {
        let client = TogglClient(
            apiBaseURL: "http://127.0.0.1:9/api/v9", apiToken: "secret-token-123",
            http: SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1), timeout: .seconds(1)), retry: .quick)
        let error = await togglError { _ = try await client.me() }
        guard case .transport = error?.reason else {
            Issue.record("expected transport, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("secret-token-123") == false)
        #expect(error?.description.contains("\n") == false)
    }

    @Test("every error reads as one line without the token")
    func descriptions() {
        let token = "tok-abcdef123456"
        let reasons: [TogglError.Reason] = [
            .invalidToken, .quotaExceeded(remaining: 0, resetsAt: Date()), .rateLimited(retryAt: Date()),
            .server(status: 503), .badRequest(status: 400, message: TogglError.oneLine("bad \(token)\nsecond line", hiding: token)),
            .notFound, .alreadyStopped, .unknownProject("X"), .noWorkspace, .unexpectedResponse("x"),
            .transport(TogglError.oneLine("connect failed for \(token)", hiding: token)),
        ]
        for reason in reasons {
            let text = TogglError(reason).description
            #expect(!text.isEmpty)
            #expect(!text.contains("\n"), "\(text)")
            #expect(!text.contains(token), "\(text)")
        }
        let long = TogglError.oneLine(String(repeating: "x", count: 1000), hiding: token)
        #expect(long.count <= 201)
    }

    @Test("a body that does not match the API is unexpectedResponse naming the endpoint")
    func unexpectedBody() async throws {
        try await withToggl { fake, client in
            _ = fake
            let response = SourceHTTP.Response(status: 200, headers: [:], body: Array(#"{"id": "nope"}"#.utf8))
            #expect(throws: TogglError.self) {
                try client.decode(TogglUser.self, response, from: client.api("/me"))
            }
            do {
                _ = try client.decode(TogglUser.self, response, from: client.api("/me"))
            } catch let error as TogglError {
                #expect(error.description.contains("/me"))
            }
        }
    }

    @Test("pacing spaces requests at least minimumInterval apart")
    func pacing() async throws {
        try await withToggl(minimumInterval: .milliseconds(150)) { _, client in
            let clock = ContinuousClock()
            let started = clock.now
            for _ in 0..<4 { _ = try await client.me() }
            #expect(clock.now - started >= .milliseconds(450))
        }
    }
}
