import Foundation
import Testing
import TallyCore
import TallyServer
import TallyTestSupport

/// /v1/timer/* against FakeToggl over real HTTP.
@Suite struct TimerTests {
    static func run(_ body: @escaping (TestServer, FakeToggl) async throws -> Void) async throws {
        try await FakeToggl.run { fake in
            try await TestServer.run(configure: {
                $0.integrations.togglAPIToken = fake.apiToken
                $0.integrations.togglAPIURL = fake.apiURL
                $0.integrations.togglWebhooksURL = fake.webhooksURL
                $0.integrations.minimumRequestInterval = .zero
            }) { server in
                try await server.createUser("ann")
                try await body(server, fake)
            }
        }
    }

    @Test func startShowAndStopATimer() async throws {
        try await Self.run { server, fake in
            fake.addProject("Client work")
            let started = try await server.send(
                .POST, "/v1/timer/start", json: #"{"description":"Deep work sessie","category":"Work"}"#)
            #expect(started.status == 201, "\(started.text)")
            let body = try started.json()
            #expect(body["running"] as? Bool == true)
            let entry = try #require(body["entry"] as? [String: Any])
            #expect(entry["category"] as? String == "Work" && entry["project"] as? String == "Client work")
            #expect(fake.entries.first?.stop == nil)

            let current = try await server.send(.GET, "/v1/timer/current").json()
            #expect((current["entry"] as? [String: Any])?["description"] as? String == "Deep work sessie")

            let stopped = try await server.send(.POST, "/v1/timer/stop")
            #expect(stopped.status == 200)
            let stoppedEntry = try #require(try stopped.json()["entry"] as? [String: Any])
            #expect(stoppedEntry["stop"] is String)
            let listed = try await server.send(.GET, "/v1/time-entries?source=toggl").json()["time_entries"] as? [[String: Any]]
            #expect(listed?.count == 1 && listed?.first?["stop"] is String)

            let nothing = try await server.send(.GET, "/v1/timer/current").json()
            #expect(nothing["running"] as? Bool == false && nothing["entry"] == nil)
        }
    }

    @Test func aCategoryNoRuleMapsBackIsKeptByHand() async throws {
        try await Self.run { server, fake in
            let started = try await server.send(.POST, "/v1/timer/start", json: #"{"description":"Tuinieren","category":"Garden"}"#)
            let entry = try #require(try started.json()["entry"] as? [String: Any])
            #expect(entry["category"] as? String == "Garden" && entry["category_manual"] as? Bool == true)
            #expect(fake.entries.first?.tags == ["Garden"])
        }
    }

    @Test func sourceFailuresBecomeProblems() async throws {
        try await Self.run { server, fake in
            fake.hourlyQuota = 0
            let waiting = try await server.send(.POST, "/v1/timer/start", json: #"{"description":"x"}"#)
            #expect(waiting.status == 503)
            #expect(waiting.header("Retry-After") != nil)
            #expect(waiting.header("Content-Type") == "application/problem+json")
            fake.hourlyQuota = nil
            // Only the timer's own request fails: the server's auto-sync, which may run at any
            // moment on a loaded machine, must not take the injected failures first.
            fake.failNext(3, status: 500, endpoint: "/me/time_entries/current")
            let failed = try await server.send(.GET, "/v1/timer/current")
            #expect(failed.status == 502, "\(failed.text)")
            #expect(!failed.text.contains(fake.apiToken))
            let empty = try await server.send(.POST, "/v1/timer/start", json: #"{"description":"  "}"#)
            #expect(empty.status == 422)
        }
    }
}
