import AsyncHTTPClient
import Foundation
import TallyCore
import TallyTestSupport
import Testing
@testable import TallyIntegrations

extension ClockifyRetryPolicy {
    /// The standard shape in milliseconds, so that retries do not slow the tests down.
    static let fast = ClockifyRetryPolicy(
        rateLimitBackoff: [.milliseconds(5), .milliseconds(10), .milliseconds(20)], rateLimitCooldown: .seconds(600),
        serverErrorDelay: .milliseconds(1) ... .milliseconds(5))
}

extension FakeClockify {
    func client(apiKey: String? = nil, pageSize: Int = ClockifyClient.defaultPageSize) -> ClockifyClient {
        ClockifyClient(
            apiBaseURL: apiURL, apiKey: apiKey ?? self.apiKey,
            http: SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1)), pageSize: pageSize, retryPolicy: .fast)
    }

    func sync(pageSize: Int = ClockifyClient.defaultPageSize) -> ClockifySync {
        ClockifySync(client: client(pageSize: pageSize))
    }
}

enum ClockifyFixtures {
    /// `2026-10-25T00:30:00Z`, or a local time with an offset.
    static func date(_ text: String) -> Date {
        guard let date = RFC3339.parse(text) else { preconditionFailure("bad fixture time \(text)") }
        return date
    }

    /// The error `body` throws, recorded as an issue when it throws none or another type.
    static func clockifyError(_ body: () async throws -> Void) async -> ClockifyError? {
        do {
            try await body()
            Issue.record("expected a ClockifyError, nothing was thrown")
        } catch let error as ClockifyError {
            return error
        } catch {
            Issue.record("expected a ClockifyError, got \(error)")
        }
        return nil
    }
}

@Suite struct ClockifyClientTests {
    @Test("GET /user gives the id, the workspaces and the account's zone, with the key in X-Api-Key")
    func user() async throws {
        try await FakeClockify.run(timeZone: "Europe/Amsterdam") { fake in
            let user = try await fake.client().user()
            #expect(user.id == fake.userID)
            #expect(user.workspaceID == fake.workspaceID)
            #expect(user.defaultWorkspace == fake.workspaceID)
            #expect(user.timeZone == "Europe/Amsterdam")
            #expect(user.email == "fake@example.com")
            #expect(fake.requests.map(\.status) == [200])
        }
    }

    @Test("120 entries in pages of 50 take three requests and come back once each, newest first")
    func paging() async throws {
        try await FakeClockify.run { fake in
            let base = ClockifyFixtures.date("2026-11-02T08:00:00Z")
            for index in 0..<120 {
                fake.addEntry("entry \(index)", start: base.addingTimeInterval(Double(index) * 600), end: base.addingTimeInterval(Double(index) * 600 + 300))
            }
            let entries = try await fake.client(pageSize: 50).timeEntries(
                workspaceID: fake.workspaceID, userID: fake.userID, start: base, end: base.addingTimeInterval(86_400),
                accountTimeZone: "Europe/Amsterdam")
            #expect(entries.count == 120)
            #expect(Set(entries.map(\.id)).count == 120)
            #expect(entries.first?.description == "entry 119")
            #expect(entries.last?.description == "entry 0")
            let pages = fake.requests.filter { $0.path.hasSuffix("/time-entries") }
            #expect(pages.map { $0.query["page"] } == ["1", "2", "3"])
            #expect(pages.allSatisfy { $0.query["page-size"] == "50" })
        }
    }

    @Test("a last page that is full ends on Last-Page: true, without asking for an empty page")
    func lastPageHeader() async throws {
        try await FakeClockify.run { fake in
            let base = ClockifyFixtures.date("2026-11-02T08:00:00Z")
            for index in 0..<100 { fake.addEntry(start: base.addingTimeInterval(Double(index) * 60), end: nil) }
            let entries = try await fake.client(pageSize: 50).timeEntries(
                workspaceID: fake.workspaceID, userID: fake.userID, start: base, end: base.addingTimeInterval(86_400),
                accountTimeZone: "UTC")
            #expect(entries.count == 100)
            #expect(fake.requestCount("GET", path: "/time-entries") == 2)
        }
    }

    @Test("the default page size reads 120 entries in one request")
    func defaultPageSize() async throws {
        try await FakeClockify.run { fake in
            let base = ClockifyFixtures.date("2026-11-02T08:00:00Z")
            for index in 0..<120 { fake.addEntry(start: base.addingTimeInterval(Double(index) * 60), end: base.addingTimeInterval(Double(index) * 60 + 30)) }
            let entries = try await fake.client().timeEntries(
                workspaceID: fake.workspaceID, userID: fake.userID, start: base, end: base.addingTimeInterval(86_400),
                accountTimeZone: "Europe/Amsterdam")
            #expect(entries.count == 120)
            #expect(fake.requestCount(path: "/time-entries") == 1)
            #expect(fake.requests.first?.query["page-size"] == "1000")
        }
    }

    @Test("projects and tags are paged too, archived ones included")
    func projectsAndTags() async throws {
        try await FakeClockify.run { fake in
            for index in 0..<7 { fake.addProject("Project \(index)", archived: index == 3) }
            for index in 0..<5 { fake.addTag("tag \(index)") }
            let client = fake.client(pageSize: 3)
            let projects = try await client.projects(workspaceID: fake.workspaceID)
            let tags = try await client.tags(workspaceID: fake.workspaceID)
            #expect(projects.map(\.name) == (0..<7).map { "Project \($0)" })
            #expect(projects.filter(\.archived).map(\.name) == ["Project 3"])
            #expect(tags.count == 5)
            #expect(fake.requestCount(path: "/projects") == 3)
            #expect(fake.requestCount(path: "/tags") == 2)
        }
    }

    @Test("the running entry: none, then one with no end and no duration")
    func inProgress() async throws {
        try await FakeClockify.run { fake in
            let client = fake.client()
            #expect(try await client.inProgressEntry(workspaceID: fake.workspaceID, userID: fake.userID) == nil)
            fake.addEntry("done", start: Date().addingTimeInterval(-7200), end: Date().addingTimeInterval(-3600))
            let id = fake.addEntry("running", start: Date().addingTimeInterval(-600), end: nil)
            let running = try #require(try await client.inProgressEntry(workspaceID: fake.workspaceID, userID: fake.userID))
            #expect(running.id == id)
            #expect(running.isRunning)
            #expect(running.duration == nil)
            #expect(fake.requests.last?.query["in-progress"] == "true")
        }
    }

    @Test("start answers 201 with a running entry; stop ends it; stopping again is nil (404)")
    func startAndStop() async throws {
        try await FakeClockify.run { fake in
            let client = fake.client()
            let project = fake.addProject("Tally")
            let tag = fake.addTag("deep work")
            let start = ClockifyFixtures.date("2026-11-23T09:00:00Z")
            let started = try await client.startTimer(
                workspaceID: fake.workspaceID, start: start, description: "Sync engine", projectID: project, tagIDs: [tag])
            #expect(fake.requests.last?.status == 201)
            #expect(started.isRunning)
            #expect(started.start == start)
            #expect(started.projectID == project)
            #expect(started.tagIDs == [tag])
            #expect(started.id.count == 24 && started.id.allSatisfy(\.isHexDigit))
            let stopped = try #require(try await client.stopTimer(workspaceID: fake.workspaceID, userID: fake.userID, end: start.addingTimeInterval(5400)))
            #expect(stopped.id == started.id)
            #expect(stopped.end == start.addingTimeInterval(5400))
            #expect(stopped.duration == "PT1H30M")
            #expect(stopped.durationSeconds == 5400)
            #expect(fake.entry(started.id)?.end == start.addingTimeInterval(5400))
            #expect(try await client.stopTimer(workspaceID: fake.workspaceID, userID: fake.userID, end: Date()) == nil)
            #expect(fake.requests.last?.status == 404)
        }
    }

    @Test("a wrong key is invalidKey (401), and no message carries the key")
    func invalidKey() async throws {
        try await FakeClockify.run { fake in
            let secret = "wrong-key-9f8e7d6c5b4a"
            let error = await ClockifyFixtures.clockifyError { _ = try await fake.client(apiKey: secret).user() }
            #expect(error?.reason == .invalidKey(status: 401))
            #expect(error?.waitUntil == nil)
            let text = error?.description ?? ""
            #expect(!text.contains(secret) && !text.contains("\n") && text.contains("401"))
            #expect(fake.requests.count == 1)
        }
    }

    @Test("429 is retried with backoff and succeeds when Clockify lets up")
    func rateLimitRecovers() async throws {
        try await FakeClockify.run { fake in
            fake.failNext(3, status: 429)
            let user = try await fake.client().user()
            #expect(user.id == fake.userID)
            #expect(fake.requests.map(\.status) == [429, 429, 429, 200])
        }
    }

    @Test("429 after three retries is rateLimited, with waitUntil the cooldown ahead")
    func rateLimitGivesUp() async throws {
        try await FakeClockify.run { fake in
            fake.failNext(10, status: 429)
            let before = Date()
            let error = await ClockifyFixtures.clockifyError { _ = try await fake.client().user() }
            #expect(error?.reason == .rateLimited)
            #expect(fake.requests.count == 4)
            let waitUntil = try #require(error?.waitUntil)
            #expect(waitUntil >= before.addingTimeInterval(600) && waitUntil <= Date().addingTimeInterval(601))
            #expect(error?.description.contains("429") == true)
            #expect(error?.description.contains("\n") == false)
        }
    }

    @Test("the hourly request limit of Free workspaces ends in rateLimited once used up")
    func hourlyLimit() async throws {
        try await FakeClockify.run(hourlyRequestLimit: 3) { fake in
            let client = fake.client()
            for _ in 0..<3 { _ = try await client.user() }
            let error = await ClockifyFixtures.clockifyError { _ = try await client.user() }
            #expect(error?.reason == .rateLimited)
            #expect(fake.requests.suffix(4).allSatisfy { $0.status == 429 })
            fake.resetRateLimit()
            #expect(try await client.user().id == fake.userID)
        }
    }

    @Test("a 5xx is retried once; two in a row are server(status)")
    func serverErrors() async throws {
        try await FakeClockify.run { fake in
            let client = fake.client()
            fake.failNext(1, status: 503)
            let user = try await client.user()
            #expect(user.id == fake.userID)
            #expect(fake.requests.map(\.status) == [503, 200])
            fake.clearRequests()
            fake.failNext(2, status: 500)
            let error = await ClockifyFixtures.clockifyError { _ = try await client.user() }
            #expect(error?.reason == .server(status: 500))
            #expect(fake.requests.count == 2)
        }
    }

    @Test("a POST that failed with a 5xx is not repeated: it may have created the entry")
    func postNotRetried() async throws {
        try await FakeClockify.run { fake in
            fake.failNext(1, status: 502, path: "/time-entries")
            let error = await ClockifyFixtures.clockifyError {
                _ = try await fake.client().startTimer(workspaceID: fake.workspaceID, start: Date(), description: "x", projectID: nil, tagIDs: [])
            }
            #expect(error?.reason == .server(status: 502))
            #expect(fake.requests.count == 1)
        }
    }

    @Test("another 4xx is badRequest with Clockify's message")
    func badRequest() async throws {
        try await FakeClockify.run { fake in
            fake.maximumPageSize = 20
            let error = await ClockifyFixtures.clockifyError { _ = try await fake.client(pageSize: 50).tags(workspaceID: fake.workspaceID) }
            #expect(error?.reason == .badRequest(status: 400, message: "page-size must be between 1 and 20"))
            let unknownProject = await ClockifyFixtures.clockifyError {
                _ = try await fake.client().startTimer(
                    workspaceID: fake.workspaceID, start: Date(), description: "x", projectID: "0123456789abcdef01234567", tagIDs: [])
            }
            #expect(unknownProject?.reason == .badRequest(status: 400, message: "Project doesn't belong to Workspace"))
        }
    }

    @Test("no server at the address is a transport error, in one line without the key")
    func transport() async throws {
        let secret = "transport-key-1a2b3c4d5e"
        let client = ClockifyClient(
            apiBaseURL: "http://127.0.0.1:9/api/v1", apiKey: secret,
            http: SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1), timeout: .seconds(1)), retryPolicy: .fast)
        let error = await ClockifyFixtures.clockifyError { _ = try await client.user() }
        guard case .transport = error?.reason else {
            Issue.record("expected transport, got \(String(describing: error))")
            return
        }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("Cannot reach Clockify: 127.0.0.1"), "\(text)")
        #expect(!text.contains(secret) && !text.contains("\n"))
    }

    @Test("a 2xx body that is not the documented JSON is unexpectedResponse")
    func unexpectedBody() async throws {
        try await WebhookReceiver.run(answer: { _, _ in .init(body: "{\"id\": 42}") }) { receiver in
            let client = ClockifyClient(
                apiBaseURL: receiver.url("/api/v1"), apiKey: "k", http: SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1)))
            let error = await ClockifyFixtures.clockifyError {
                _ = try await client.startTimer(workspaceID: "w", start: Date(), description: "", projectID: nil, tagIDs: [])
            }
            guard case .unexpectedResponse(let reason) = error?.reason else {
                Issue.record("expected unexpectedResponse, got \(String(describing: error))")
                return
            }
            #expect(reason.hasPrefix("the started timer: id"))
        }
    }

    @Test("every description is one line and never holds the key")
    func descriptions() {
        let secret = "sk-secret-key-value"
        let reasons: [ClockifyError.Reason] = [
            .invalidKey(status: 403), .rateLimited, .server(status: 502),
            .badRequest(status: 400, message: ClockifyError.oneLine("bad\nkey \(secret) echoed", hiding: secret)),
            .notFound("GET /workspaces/x/projects"), .transport(ClockifyError.oneLine("refused\r\nagain", hiding: secret)),
            .unexpectedResponse("user: id"), .unknownProject("Tally"),
        ]
        for reason in reasons {
            let text = ClockifyError(reason, waitUntil: Date(timeIntervalSince1970: 1_800_000_000)).description
            #expect(!text.isEmpty && !text.contains("\n") && !text.contains("\r") && !text.contains(secret), "\(text)")
        }
        #expect(ClockifyError(.rateLimited, waitUntil: Date(timeIntervalSince1970: 1_800_000_000)).description.hasSuffix("next try after 2027-01-15T08:00:00Z."))
    }

    @Test("the base URL is configurable for regional hosts, a trailing slash allowed; the key is not printed")
    func baseURL() {
        let client = ClockifyClient(
            apiBaseURL: "https://euc1.clockify.me/api/v1/", apiKey: "secret-key",
            http: SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1)))
        #expect(client.url(["workspaces", "w1", "tags"], query: [("page", "2")]) == "https://euc1.clockify.me/api/v1/workspaces/w1/tags?page=2")
        #expect(client.url(["user"], query: [("start", "2026-10-25T00:30:00Z")]) == "https://euc1.clockify.me/api/v1/user?start=2026-10-25T00:30:00Z")
        #expect(ClockifyClient(apiKey: "k", http: SourceHTTP(httpClient: .shared, minimumInterval: .zero)).apiBaseURL == "https://api.clockify.me/api/v1")
        var dumped = ""
        dump(client, to: &dumped)
        #expect(!"\(client)".contains("secret-key") && !dumped.contains("secret-key"))
    }
}
