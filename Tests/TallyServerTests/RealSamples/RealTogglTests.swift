import AsyncHTTPClient
import Crypto
import Foundation
import Synchronization
import Testing
import TallyIntegrations
import TallyTestSupport

/// Toggl's real webhook bodies, signed as Toggl signs them, to `POST /webhooks/toggl`; and the
/// go-vcr cassettes recorded against Toggl's API v9, served by FakeToggl to Tally's sync, timer
/// and client.
@Suite(.enabled(if: RealSamples.isPresent, RealSamples.skipped))
struct RealTogglTests {
    static let ping = "toggl/webhook_ping_2023.json"
    static let created = "toggl/webhook_created_time_entry_2023.json"
    static let updated = "toggl/webhook_updated_time_entry_2023.json"
    static let cassette13 = "toggl/go-api-libs_vcr_2024-12-13.yaml"
    static let cassette16 = "toggl/go-api-libs_vcr_2024-12-16.yaml"
    static let files = [ping, created, updated, cassette13, cassette16]

    /// Which recorded interactions (by id) the tests below serve, and why the others are not.
    static let interactionsServed: [String: Set<Int>] = [
        cassette13: [0, 1],
        cassette16: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    ]
    static let interactionsNotServed: [String: [Int: String]] = [
        cassette16: [
            12: "POST /organizations: Tally never creates organisations",
            13: "GET /me/organizations: Tally never lists organisations",
        ],
    ]

    static let webhookSecret = "real-samples-toggl-secret-0123"

    /// What Toggl sends in `X-Webhook-Signature-256`: the hex HMAC-SHA256 of the raw body.
    static func signature(_ body: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(webhookSecret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func cassette(_ file: String) throws -> VCRCassette {
        try VCRCassette(contentsOf: try RealSamples.url(file))
    }

    /// A server whose clock the test sets, with Toggl pointed at `fake` and auto-sync off (so
    /// every sync is one the test asked for).
    static func run(
        _ fake: FakeToggl, at start: Date, _ body: (TestServer, SettableClock) async throws -> Void
    ) async throws {
        let clock = SettableClock(start)
        let now: @Sendable () -> Date = { clock.now }
        try await TestServer.run(configure: {
            $0.integrations.togglAPIToken = fake.apiToken
            $0.integrations.togglAPIURL = fake.apiURL
            $0.integrations.togglWebhooksURL = fake.webhooksURL
            $0.integrations.togglWebhookSecret = webhookSecret
            $0.integrations.minimumRequestInterval = .zero
            $0.now = now
        }) { server in
            let off = try await server.send(.PUT, "/v1/sync/auto", json: #"{"enabled":false}"#)
            guard off.status == 200 else { throw TestFailure("auto-sync could not be turned off: \(off.text)") }
            try await server.createUser("ann")
            try await body(server, clock)
        }
    }

    /// Runs one sync and waits for it to end; Toggl's source status afterwards.
    @discardableResult
    static func sync(_ server: TestServer, _ fake: FakeToggl) async throws -> [String: Any] {
        let before = fake.requests.count
        let run = try await server.send(.POST, "/v1/sync/run")
        guard run.status == 202 else { throw TestFailure("the sync did not start: \(run.status) \(run.text)") }
        return try await eventually { () -> [String: Any]? in
            let status = try await server.send(.GET, "/v1/sync/status").json()
            let toggl = (status["sources"] as? [[String: Any]])?.first { $0["name"] as? String == "toggl" } ?? [:]
            return toggl["state"] as? String == "syncing" || fake.requests.count == before ? nil : toggl
        }
    }

    static func stored(_ server: TestServer) async throws -> [String: [String: Any]] {
        let entries = try await server.listedEntries("source=toggl")
        return Dictionary(entries.map { ($0["external_id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Webhooks

    @Test func webhookBodiesSignedAsTogglSignsThem() async throws {
        let pingBody = try RealSamples.data(Self.ping)
        let createdBody = try RealSamples.data(Self.created)
        let updatedBody = try RealSamples.data(Self.updated)
        // The fake's account is the one these bodies came from: user 9547721, workspace 7435584.
        try await FakeToggl.run { fake in
            #expect(fake.user.id == 9_547_721 && fake.workspaceID == 7_435_584)
            // Each delivery arrives a second after Toggl stamped it.
            try await Self.run(fake, at: try #require(instant("2023-07-17T10:57:41Z"))) { server, clock in
                // The first sync learns whose entries the workspace's events are.
                let synced = try await Self.sync(server, fake)
                #expect(synced["last_success_at"] is String, "\(synced)")

                func post(_ body: Data) async throws -> RawResponse {
                    try await server.upload(
                        "/webhooks/toggl", body, type: "application/json", key: .some(nil),
                        headers: [("X-Webhook-Signature-256", Self.signature(body))])
                }

                let validated = try await post(pingBody)
                #expect(validated.status == 200, "\(validated.text)")
                #expect(try validated.json()["validation_code"] as? String == "89627dd73f2044f2f73815d665bbce33")

                clock.now = instant("2023-07-17T11:43:34Z")!
                let started = try await post(createdBody)
                #expect(started.status == 200, "\(started.text)")
                #expect(try started.json()["created"] as? Int == 1, "\(started.text)")
                // Started in the Track browser extension: running, `stop` null, duration minus the start epoch.
                let running = try #require(try await Self.stored(server)["3050537739"])
                #expect(running["description"] as? String == "test")
                #expect(isUTC(running["start"]) && instant(running["start"]) == instant("2023-07-17T11:43:32Z"))
                #expect(running["stop"] == nil || running["stop"] is NSNull, "a running entry has no stop: \(running)")
                #expect(running["duration"] == nil || running["duration"] is NSNull)
                let retried = try await post(createdBody)
                #expect(try retried.json()["status"] as? String == "duplicate", "\(retried.text)")

                clock.now = instant("2023-08-22T12:43:37Z")!
                let edited = try await post(updatedBody)
                #expect(edited.status == 200, "\(edited.text)")
                let stopped = try #require(try await Self.stored(server)["3095646709"])
                #expect(stopped["description"] as? String == "C2C-2 !!")
                #expect(instant(stopped["start"]) == instant("2023-08-22T11:50:51Z"))
                #expect(isUTC(stopped["stop"]) && instant(stopped["stop"]) == instant("2023-08-22T12:40:52Z"))
                #expect(stopped["duration"] as? Int == 3001)

                let all = try await Self.stored(server)
                #expect(all.count == 2)
                let stillRunning = try #require(all["3050537739"])
                #expect(stillRunning["stop"] == nil || stillRunning["stop"] is NSNull, "the running entry is kept running")
            }
        }
    }

    // MARK: Recorded API answers through sync and timer

    @Test func recordedAnswersThroughSyncAndTimer() async throws {
        let december16 = try Self.cassette(Self.cassette16)
        let december13 = try Self.cassette(Self.cassette13)
        func interaction(_ cassette: VCRCassette, _ id: Int) throws -> VCRCassette.Interaction {
            try #require(cassette.interactions.first { $0.id == id })
        }
        try await FakeToggl.run { fake in
            fake.serve(.init(try interaction(december16, 0), queryNames: []))
            fake.serve(.init(try interaction(december16, 9), queryNames: ["start_date", "end_date"]))
            fake.serve(.init(try interaction(december16, 7)))
            fake.serve(.init(try interaction(december16, 4), endpoint: "/workspaces/*/time_entries"))
            fake.serve(.init(try interaction(december13, 1)))
            // An hour after the last recording of the 16th.
            try await Self.run(fake, at: try #require(instant("2024-12-16T20:10:00Z"))) { server, _ in
                let first = try await Self.sync(server, fake)
                #expect(first["last_success_at"] is String, "\(first)")
                var stored = try await Self.stored(server)
                #expect(stored.count == 3, "\(stored.keys)")
                for (id, start, stop, seconds) in [
                    ("3731531776", "2024-12-16T17:05:25Z", "2024-12-16T18:07:05Z", 3700),
                    ("3731416928", "2024-12-16T16:05:02Z", "2024-12-16T17:04:53Z", 3591),
                    ("3731292842", "2024-12-16T15:00:00Z", "2024-12-16T16:04:58Z", 3898),
                ] {
                    let entry = try #require(stored[id])
                    #expect(isUTC(entry["start"]) && instant(entry["start"]) == instant(start), "\(entry)")
                    #expect(isUTC(entry["stop"]) && instant(entry["stop"]) == instant(stop))
                    #expect(entry["duration"] as? Int == seconds)
                    // The account's zone, from /me.
                    #expect(entry["timezone"] as? String == "Europe/Berlin")
                }

                // A timer started through Tally: Toggl answered a running entry with duration -1.
                let started = try await server.send(.POST, "/v1/timer/start", json: #"{"description":"Hello Toggl"}"#)
                #expect(started.status == 201, "\(started.text)")
                #expect(try started.json()["running"] as? Bool == true)
                let timer = try #require(try started.json()["entry"] as? [String: Any])
                #expect(timer["external_id"] as? String == "3730289470")
                #expect(instant(timer["start"]) == instant("2024-12-16T01:31:14Z"))

                // The 13th's running entry, whose duration -1734049107 is one second off its start.
                let current = try await server.send(.GET, "/v1/timer/current")
                #expect(current.status == 200, "\(current.text)")
                #expect(try current.json()["running"] as? Bool == true)
                let running = try #require(try current.json()["entry"] as? [String: Any])
                #expect(running["external_id"] as? String == "3727977106")
                #expect(instant(running["start"]) == instant("2024-12-13T00:18:26Z"), "the start, not minus the duration")
                #expect(running["stop"] == nil || running["stop"] is NSNull)

                // The 16th's answer: `null`, nothing runs.
                fake.serve(.init(try interaction(december16, 1)))
                let nothing = try await server.send(.GET, "/v1/timer/current")
                #expect(nothing.status == 200, "\(nothing.text)")
                #expect(try nothing.json()["running"] as? Bool == false)

                // Then a `since` answer: four tombstones (one the timer above), one live entry.
                let second = try await Self.sync(server, fake)
                #expect(second["last_error"] == nil || second["last_error"] is NSNull, "\(second)")
                stored = try await Self.stored(server)
                #expect(stored["3730289470"] == nil, "deleted in Toggl, so gone from Tally")
                #expect(Set(stored.keys) == ["3731531776", "3731416928", "3731292842", "3730256173", "3727977106"])
                let live = try #require(stored["3730256173"])
                #expect(instant(live["start"]) == instant("2024-12-16T00:41:29Z"))
                #expect(instant(live["stop"]) == instant("2024-12-16T01:11:29Z"))
                #expect(live["duration"] as? Int == 1800)
                let kept = try #require(stored["3727977106"])
                #expect(kept["stop"] == nil || kept["stop"] is NSNull, "a running entry is kept running")

                // The same answer again changes nothing.
                let third = try await Self.sync(server, fake)
                #expect(third["changed_last_run"] as? Int == 0, "\(third)")
                let after = try await Self.stored(server)
                #expect(Set(after.keys) == Set(stored.keys))
                #expect(after.mapValues { $0["updated_at"] as? String } == stored.mapValues { $0["updated_at"] as? String })
            }
        }
    }

    // MARK: Recorded API answers, one by one, to the client

    @Test func theClientReadsEachRecordedAnswer() async throws {
        let december16 = try Self.cassette(Self.cassette16)
        let december13 = try Self.cassette(Self.cassette13)
        func interaction(_ cassette: VCRCassette, _ id: Int) throws -> VCRCassette.Interaction {
            try #require(cassette.interactions.first { $0.id == id })
        }
        try await FakeToggl.run { fake in
            let client = TogglClient(
                apiBaseURL: fake.apiURL, webhooksBaseURL: fake.webhooksURL, apiToken: fake.apiToken,
                http: SourceHTTP(httpClient: .shared, minimumInterval: .milliseconds(1)))

            for cassette in [december13, december16] {
                fake.serve(.init(try interaction(cassette, 0), queryNames: []))
                let me = try await client.me()
                #expect(me.id == 2_166_261 && me.timezone == "Europe/Berlin" && me.defaultWorkspaceID == 2_230_580)
            }

            fake.serve(.init(try interaction(december16, 1)))
            #expect(try await client.currentTimeEntry() == nil, "`null` means nothing runs")
            fake.serve(.init(try interaction(december13, 1)))
            let current = try #require(try await client.currentTimeEntry())
            #expect(current.isRunning && current.duration == -1_734_049_107)
            let currentRemote = current.remoteEntry(projectNames: [:])
            #expect(currentRemote.start == instant("2024-12-13T00:18:26Z") && currentRemote.stop == nil)

            // POST answers: stopped (a duration was sent), running with duration 0, running with -1.
            let posts: [(id: Int, entry: Int64, start: String, stop: String?)] = [
                (2, 3_730_276_799, "2024-12-16T02:18:20Z", "2024-12-16T03:18:20Z"),
                (3, 3_730_288_662, "2024-12-16T01:29:40Z", nil),
                (4, 3_730_289_470, "2024-12-16T01:31:14Z", nil),
                (5, 3_730_303_299, "2024-12-16T01:55:24Z", nil),
            ]
            for post in posts {
                fake.serve(.init(try interaction(december16, post.id), endpoint: "/workspaces/*/time_entries"))
                let entry = try await client.startTimeEntry(
                    workspaceID: 2_230_580, description: "Hello Toggl", projectID: nil, tags: [], start: Date())
                #expect(entry.id == post.entry)
                #expect(entry.isRunning == (post.stop == nil), "interaction \(post.id)")
                let remote = entry.remoteEntry(projectNames: [:])
                #expect(remote.start == instant(post.start))
                #expect(remote.stop == post.stop.flatMap { instant($0) }, "interaction \(post.id)")
            }

            fake.serve(.init(try interaction(december16, 6), endpoint: "/workspaces/*/time_entries/*/stop"))
            let stopped = try await client.stopTimeEntry(workspaceID: 2_230_580, id: 3_730_303_299)
            #expect(!stopped.isRunning && stopped.duration == 994)
            #expect(stopped.remoteEntry(projectNames: [:]).stop == instant("2024-12-16T02:11:58Z"))

            fake.serve(.init(try interaction(december16, 7)))
            let changes = try await client.timeEntries(since: Date(timeIntervalSince1970: 1_734_304_527))
            #expect(changes.count == 5)
            #expect(Set(changes.filter(\.isDeleted).map(\.id)) == [3_730_276_799, 3_730_303_299, 3_730_289_470, 3_730_288_662])
            let formerlyRunning = try #require(changes.first { $0.id == 3_730_289_470 })
            #expect(formerlyRunning.duration == 2051 && formerlyRunning.stop == instant("2024-12-16T02:05:25Z"))

            // Toggl's 400 body is a bare JSON string.
            fake.serve(.init(try interaction(december16, 8), queryNames: ["since"]))
            do {
                _ = try await client.timeEntries(since: Date(timeIntervalSince1970: 1_734_305_120))
                Issue.record("a 400 was read as a success")
            } catch let error as TogglError {
                #expect(error.reason == .badRequest(status: 400, message: "'since' and 'before' can not be present simultaneously"))
            }

            // With and without `meta=true` and `include_sharing=true`: the same three entries.
            for id in [9, 10, 11] {
                fake.serve(.init(try interaction(december16, id), queryNames: ["start_date", "end_date"]))
                let listed = try await client.timeEntries(
                    startDate: instant("2024-12-16T14:52:53Z")!, endDate: instant("2024-12-16T17:52:53Z")!)
                #expect(listed.map(\.id) == [3_731_531_776, 3_731_416_928, 3_731_292_842], "interaction \(id)")
                #expect(listed.map(\.duration) == [3700, 3591, 3898])
                #expect(listed.map(\.projectID) == [63_334_409, 65_728_232, 65_728_232])
            }
        }
    }

    @Test func everyRecordedInteractionIsServedOrSaysWhyNot() throws {
        for file in [Self.cassette13, Self.cassette16] {
            let cassette = try Self.cassette(file)
            #expect(cassette.version == 2)
            let ids = Set(cassette.interactions.map(\.id))
            let accounted = (Self.interactionsServed[file] ?? []).union((Self.interactionsNotServed[file] ?? [:]).keys)
            #expect(ids == accounted, "\(file): interactions neither served nor explained: \(ids.subtracting(accounted).sorted())")
        }
    }
}

/// The server's clock, set by the test.
final class SettableClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) {
        current = Mutex(start)
    }

    var now: Date {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
