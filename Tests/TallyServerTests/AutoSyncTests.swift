import Foundation
import Testing
import TallyCore
import TallyServer
import TallyTestSupport

/// The auto-sync scheduler inside the server, against FakeToggl over real HTTP.
@Suite struct AutoSyncTests {
    static func run(_ body: @escaping (TestServer, FakeToggl) async throws -> Void) async throws {
        try await FakeToggl.run { fake in
            try await TestServer.run(configure: {
                $0.integrations.togglAPIToken = fake.apiToken
                $0.integrations.togglAPIURL = fake.apiURL
                $0.integrations.togglWebhooksURL = fake.webhooksURL
                $0.integrations.minimumRequestInterval = .zero
                $0.syncInterval = .seconds(1)
            }) { server in
                try await server.createUser("ann")
                try await body(server, fake)
            }
        }
    }

    func status(_ server: TestServer) async throws -> [String: Any] {
        try await server.send(.GET, "/v1/sync/status").json()
    }

    func toggl(_ status: [String: Any]) -> [String: Any] {
        (status["sources"] as? [[String: Any]])?.first { $0["name"] as? String == "toggl" } ?? [:]
    }

    @Test func sourcesSyncOnTheirOwnAndTheStatusSaysSo() async throws {
        try await Self.run { server, fake in
            fake.addEntry("coding", start: Date().addingTimeInterval(-7200), stop: Date().addingTimeInterval(-3600))
            let synced = try await eventually { () -> [String: Any]? in
                let status = try await status(server)
                return toggl(status)["last_success_at"] is String ? status : nil
            }
            #expect(synced["auto_sync"] as? Bool == true)
            #expect(synced["interval_seconds"] as? Int == 1)
            #expect(synced["last_sync_at"] is String)
            let source = toggl(synced)
            #expect(source["configured"] as? Bool == true)
            #expect((source["requests_last_hour"] as? Int ?? 0) >= 1)
            let clockify = (synced["sources"] as? [[String: Any]])?.first { $0["name"] as? String == "clockify" }
            #expect(clockify?["state"] as? String == "unconfigured")
            #expect(try await server.store.timeEntries(userID: "ann", source: .toggl).count == 1)

            let metrics = try await server.send(.GET, "/metrics", key: .some(nil)).text
            #expect(metrics.contains(#"tally_sync_runs_total{source="toggl",outcome="synced"}"#), "\(metrics)")
            #expect(metrics.contains("tally_sync_requests_total"))

            // Later cycles pick up changes by themselves, one request each.
            fake.addEntry("yoga", start: Date().addingTimeInterval(-600), stop: Date())
            try await eventually { try await server.store.timeEntries(userID: "ann", source: .toggl).count == 2 ? true : nil }
        }
    }

    @Test func autoSyncOffStopsCyclesIsKeptAndARunStillWorks() async throws {
        try await Self.run { server, fake in
            let off = try await server.send(.PUT, "/v1/sync/auto", json: #"{"enabled":false}"#)
            #expect(off.status == 200)
            #expect(try off.json()["auto_sync"] as? Bool == false)
            #expect(try off.json()["next_sync_at"] == nil || off.json()["next_sync_at"] is NSNull)
            #expect(try await server.store.setting("auto_sync") == "off")
            // A cycle that began before the switch may still be finishing ("syncing").
            try await eventually { try await status(server)["state"] as? String == "disabled" ? true : nil }
            fake.clearRequests()
            try await Task.sleep(for: .seconds(4))
            #expect(fake.requests.isEmpty, "no cycle while auto-sync is off")

            fake.addEntry("reading", start: Date().addingTimeInterval(-600), stop: Date())
            let run = try await server.send(.POST, "/v1/sync/run")
            #expect(run.status == 202)
            try await eventually { try await server.store.timeEntries(userID: "ann", source: .toggl).count == 1 ? true : nil }
            #expect(try await status(server)["state"] as? String == "disabled")

            let on = try await server.send(.PUT, "/v1/sync/auto", json: #"{"enabled":true}"#)
            #expect(try on.json()["auto_sync"] as? Bool == true)
            #expect(try await server.send(.PUT, "/v1/sync/auto", json: #"{"enabled":"yes"}"#).status == 422)
        }
    }

    @Test func aSourceOverQuotaWaitsAndTheStatusShowsWhy() async throws {
        try await Self.run { server, fake in
            fake.hourlyQuota = 0
            let waiting = try await eventually { () -> [String: Any]? in
                let status = try await status(server)
                return toggl(status)["state"] as? String == "waiting" ? status : nil
            }
            #expect(waiting["state"] as? String == "error")
            let source = toggl(waiting)
            #expect(source["quota_remaining"] as? Int == 0)
            #expect(source["quota_resets_at"] is String && source["wait_until"] is String)
            #expect((source["last_error"] as? String)?.contains("quota") == true)
            let requests = fake.requests.count
            try await Task.sleep(for: .seconds(3))
            #expect(fake.requests.count == requests, "no request while the source waits for its quota")
        }
    }

    @Test func withoutSourcesTheStatusIsUnconfigured() async throws {
        try await TestServer.run { server in
            let status = try await server.send(.GET, "/v1/sync/status").json()
            #expect(status["state"] as? String == "unconfigured")
            #expect(try await server.send(.POST, "/v1/sync/run").status == 409)
        }
    }
}
