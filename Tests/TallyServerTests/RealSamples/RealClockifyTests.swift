import AsyncHTTPClient
import Foundation
import Testing
import TallyIntegrations
import TallyTestSupport

/// Clockify's recorded answers (sjoerdk/clockifyclient's mock responses, partly recorded live in
/// 2019), served by FakeClockify to Tally's timer through the server and to the client.
@Suite(.enabled(if: RealSamples.isPresent, RealSamples.skipped))
struct RealClockifyTests {
    static let responsesFile = "clockify/sjoerdk_clockifyclient_mock_responses.json"
    static let files = [responsesFile]

    /// Responses Tally never asks for, so nothing of theirs can reach it.
    static let notRequested: [String: String] = [
        "GET_WORKSPACES": "Tally takes the workspace from GET /user",
        "GET_TASKS": "Tally reads no tasks (nor their \"billable\":\"true\" string)",
    ]

    struct Recorded {
        var status: Int
        var body: String
    }

    static func responses() throws -> [String: Recorded] {
        let object = try JSONSerialization.jsonObject(with: try RealSamples.data(responsesFile)) as? [String: Any]
        let responses = object?["responses"] as? [String: [String: Any]] ?? [:]
        return responses.compactMapValues { response in
            guard let status = response["http_status"] as? Int, let body = response["body_text_verbatim"] as? String else { return nil }
            return Recorded(status: status, body: body)
        }
    }

    static func serve(_ fake: FakeClockify, _ name: String, _ method: String, _ path: String) throws {
        guard let recorded = try responses()[name] else { throw TestFailure("no recorded response \(name)") }
        fake.serve(.init(method: method, path: path, status: recorded.status, body: Array(recorded.body.utf8)))
    }

    /// Every recorded answer where Tally would ask for it, the two it never asks for included.
    static func serveAll(_ fake: FakeClockify) throws {
        try serve(fake, "GET_USER", "GET", "/user")
        try serve(fake, "GET_WORKSPACES", "GET", "/workspaces")
        try serve(fake, "GET_PROJECTS", "GET", "/workspaces/*/projects")
        try serve(fake, "GET_TASKS", "GET", "/workspaces/*/projects/*/tasks")
        try serve(fake, "POST_TIME_ENTRY", "POST", "/workspaces/*/time-entries")
        try serve(fake, "CURRENTLY_RUNNING_ENTRY_NOT_FOUND", "PATCH", "/workspaces/*/user/*/time-entries")
    }

    static func run(_ fake: FakeClockify, _ body: (TestServer) async throws -> Void) async throws {
        try await TestServer.run(configure: {
            $0.integrations.clockifyAPIKey = fake.apiKey
            $0.integrations.clockifyAPIURL = fake.apiURL
            $0.integrations.minimumRequestInterval = .zero
        }) { server in
            let off = try await server.send(.PUT, "/v1/sync/auto", json: #"{"enabled":false}"#)
            guard off.status == 200 else { throw TestFailure("auto-sync could not be turned off: \(off.text)") }
            try await server.createUser("ann")
            try await body(server)
        }
    }

    @Test func theTimerThroughTallyKeepsWhatClockifyAnswered() async throws {
        try await FakeClockify.run { fake in
            try Self.serveAll(fake)
            try await Self.run(fake) { server in
                // Clockify answered the start with a running entry: `end` and `duration` null.
                let started = try await server.send(.POST, "/v1/timer/start?source=clockify", json: #"{"description":"testing description"}"#)
                #expect(started.status == 201, "\(started.text)")
                #expect(try started.json()["running"] as? Bool == true)
                let listed = try await server.listedEntries("source=clockify")
                #expect(listed.count == 1)
                let running = try #require(listed.first)
                #expect(running["external_id"] as? String == "123456")
                #expect(running["description"] as? String == "testing description")
                #expect(isUTC(running["start"]) && instant(running["start"]) == instant("2019-10-23T17:18:58Z"))
                #expect(running["stop"] == nil || running["stop"] is NSNull, "a running entry has no stop")
                #expect(running["project"] as? String == "Project1", "projectId 123456 is Project1 in GET_PROJECTS")
                #expect(running["timezone"] as? String == "Europe/Amsterdam", "the account's settings.timeZone")

                // Stopping: Clockify's 404 says no timer runs, which is an answer, not a failure.
                let stop = try await server.send(.POST, "/v1/timer/stop?source=clockify")
                #expect(stop.status == 200, "\(stop.text)")
                #expect(try stop.json()["running"] as? Bool == false)
                let kept = try #require(try await server.listedEntries("source=clockify").first)
                #expect(kept["stop"] == nil || kept["stop"] is NSNull, "nothing says the entry stopped: it is kept running")

                // The other recorded start: stopped, an hour, no project (the same anonymised id).
                try Self.serve(fake, "POST_TIME_ENTRY_NO_PROJECT_NO_TASK", "POST", "/workspaces/*/time-entries")
                let stopped = try await server.send(.POST, "/v1/timer/start?source=clockify", json: #"{"description":"testing description"}"#)
                #expect(stopped.status == 201, "\(stopped.text)")
                #expect(try stopped.json()["running"] as? Bool == false)
                let after = try await server.listedEntries("source=clockify")
                #expect(after.count == 1)
                let entry = try #require(after.first)
                #expect(instant(entry["start"]) == instant("2019-10-23T17:18:58Z"))
                #expect(isUTC(entry["stop"]) && instant(entry["stop"]) == instant("2019-10-23T18:18:58Z"))
                #expect(entry["duration"] as? Int == 3600)
                #expect(entry["project"] == nil || entry["project"] is NSNull)

                #expect(fake.requestCount(path: "/tasks") == 0)
                #expect(!fake.requests.contains { $0.path == "/workspaces" })
            }
        }
    }

    @Test func theClientReadsEachRecordedAnswer() async throws {
        try await FakeClockify.run { fake in
            try Self.serveAll(fake)
            let client = ClockifyClient(
                apiBaseURL: fake.apiURL, apiKey: fake.apiKey, http: SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1)))

            let user = try await client.user()
            #expect(user.id == "1234" && user.workspaceID == "123245" && user.timeZone == "Europe/Amsterdam")

            let projects = try await client.projects(workspaceID: "123245")
            #expect(projects == [
                ClockifyProject(id: "123456", name: "Project1", archived: false, clientName: ""),
                ClockifyProject(id: "234567", name: "Project2", archived: false, clientName: ""),
            ])

            let running = try await client.startTimer(
                workspaceID: "123245", start: Date(), description: "testing description", projectID: nil, tagIDs: [])
            #expect(running.isRunning && running.end == nil && running.durationSeconds == nil)
            #expect(running.start == instant("2019-10-23T17:18:58Z") && running.projectID == "123456" && running.tagIDs.isEmpty)

            try Self.serve(fake, "POST_TIME_ENTRY_NO_PROJECT_NO_TASK", "POST", "/workspaces/*/time-entries")
            let stopped = try await client.startTimer(
                workspaceID: "123245", start: Date(), description: "testing description", projectID: nil, tagIDs: [])
            #expect(!stopped.isRunning && stopped.end == instant("2019-10-23T18:18:58Z") && stopped.durationSeconds == 3600)
            #expect(stopped.projectID == nil)

            #expect(try await client.stopTimer(workspaceID: "123245", userID: "1234", end: Date()) == nil, "404: no timer runs")

            try Self.serve(fake, "AUTH_ERROR", "GET", "/user")
            do {
                _ = try await client.user()
                Issue.record("a 401 was read as a success")
            } catch let error as ClockifyError {
                #expect(error.reason == .invalidKey(status: 401))
            }
            #expect(fake.requestCount(path: "/tasks") == 0 && !fake.requests.contains { $0.path == "/workspaces" })
        }
    }

    @Test func everyRecordedResponseIsServedOrSaysWhyNot() throws {
        let served: Set<String> = [
            "AUTH_ERROR", "CURRENTLY_RUNNING_ENTRY_NOT_FOUND", "GET_USER", "GET_PROJECTS", "POST_TIME_ENTRY",
            "POST_TIME_ENTRY_NO_PROJECT_NO_TASK",
        ]
        #expect(Set(try Self.responses().keys) == served.union(Self.notRequested.keys))
    }
}
