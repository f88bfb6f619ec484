import Foundation
import Testing
import TallyTestSupport

/// The real `tally` binary against FakeClockify over real HTTP: the account-timezone windows,
/// paging, deletions by absence, running timers, the rate limit, and webhook deliveries.
@Suite(.serialized) struct ClockifySyncTests {
    struct Setup {
        let directory: URL
        let database: URL
        let environment: [String: String]

        init(_ fake: FakeClockify, extra: [String: String] = [:]) async throws {
            directory = try makeTemporaryDirectory()
            database = directory.appendingPathComponent("tally.sqlite")
            environment = [
                "TALLY_DATABASE_URL": database.path, "CLOCKIFY_API_KEY": fake.apiKey, "TALLY_CLOCKIFY_API_URL": fake.apiURL,
                "TALLY_SOURCE_REQUEST_INTERVAL_MS": "0",
            ].merging(extra) { $1 }
            let user = try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment)
            guard user.status == 0 else { throw E2EFailure("creating a user failed: \(user.stderr)") }
        }

        func tally(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await TallyProcess.run(arguments, in: directory, environment: environment)
        }

        func rows(_ sql: String) throws -> [[String]] { try SQLiteRows.fetch(database, sql) }
    }

    @Test func syncsAroundMidnightInTheAccountsZoneAndFollowsEditsDeletionsAndTimers() async throws {
        try await FakeClockify.run(timeZone: "Pacific/Auckland") { fake in
            let gym = fake.addProject("Gym")
            let now = Date()
            // 130 entries over the last five days, some right before and after midnight in Auckland.
            var ids: [String] = []
            for index in 0..<130 {
                let start = now.addingTimeInterval(-Double(index) * 3300 - 600)
                ids.append(
                    fake.addEntry(index % 2 == 0 ? "Sprint meeting" : "Lifting", start: start, end: start.addingTimeInterval(1200),
                        projectID: index % 2 == 0 ? nil : gym))
            }
            let outside = fake.addEntry("Too old", start: now.addingTimeInterval(-9 * 86_400), end: now.addingTimeInterval(-9 * 86_400 + 600))
            let setup = try await Setup(fake)

            let first = try await setup.tally(["sync", "--days", "7", "--source", "clockify"])
            #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
            #expect(TogglSyncTests.counts(first.stdout)["created"] == 130, "\(first.stdout)")
            #expect(try setup.rows("SELECT count(*) FROM time_entries WHERE external_id = '\(outside)'") == [["0"]])
            #expect(try setup.rows("SELECT category, count(*) FROM time_entries GROUP BY category ORDER BY category") == [["Sport", "65"], ["Work", "65"]])
            #expect(try setup.rows("SELECT DISTINCT timezone FROM time_entries") == [["Pacific/Auckland"]])

            let again = try await setup.tally(["sync", "--days", "7"])
            let quiet = TogglSyncTests.counts(again.stdout)
            #expect(quiet["created"] == 0 && quiet["updated"] == 0 && quiet["deleted"] == 0 && quiet["unchanged"] == 130, "\(again.stdout)")

            fake.editEntry(ids[3]) { $0.description = "Netflix" }
            fake.deleteEntry(ids[4])
            let timer = fake.addEntry("yoga", start: now.addingTimeInterval(-300), end: nil)
            let changes = try await setup.tally(["sync", "--days", "7"])
            let changed = TogglSyncTests.counts(changes.stdout)
            #expect(changed["updated"] == 1 && changed["deleted"] == 1 && changed["created"] == 1, "\(changes.stdout)")
            #expect(try setup.rows("SELECT stop_at IS NULL, category FROM time_entries WHERE external_id = '\(timer)'") == [["1", "Yoga"]])
            fake.stopRunningEntry()
            _ = try await setup.tally(["sync", "--days", "7"])
            #expect(try setup.rows("SELECT stop_at IS NULL FROM time_entries WHERE external_id = '\(timer)'") == [["0"]])

            // Moved to three weeks ago: missing from the window, but Clockify still has it.
            fake.editEntry(ids[6]) {
                $0.start = now.addingTimeInterval(-21 * 86_400)
                $0.end = now.addingTimeInterval(-21 * 86_400 + 1200)
            }
            let moved = try await setup.tally(["sync", "--days", "7"])
            let movedCounts = TogglSyncTests.counts(moved.stdout)
            #expect(movedCounts["updated"] == 1 && movedCounts["deleted"] == 0, "\(moved.stdout)")
            #expect(try setup.rows("SELECT count(*) FROM time_entries WHERE external_id = '\(ids[6])'") == [["1"]])
        }
    }

    @Test func theRateLimitIsAOneLineWaitAndNothingIsLost() async throws {
        try await FakeClockify.run { fake in
            fake.addEntry("coding", start: Date().addingTimeInterval(-7200), end: Date().addingTimeInterval(-3600))
            let setup = try await Setup(fake)
            #expect(try await setup.tally(["sync"]).status == 0)
            fake.failNext(20, status: 429)
            let limited = try await setup.tally(["sync"])
            #expect(limited.status == 75, "\(limited.stdout) \(limited.stderr)")
            #expect(limited.stdout.contains("clockify: waiting until"), "\(limited.stdout)")
            #expect(!limited.stdout.contains(fake.apiKey) && !limited.stderr.contains(fake.apiKey))
            #expect(try setup.rows("SELECT count(*) FROM time_entries") == [["1"]])
        }
    }

    @Test func webhookDeliveriesReachTheServer() async throws {
        try await FakeClockify.run { fake in
            let token = "clockify-webhook-token-0001"
            let setup = try await Setup(fake, extra: ["CLOCKIFY_WEBHOOK_TOKEN": "other-webhook-token,\(token)"])
            _ = try await setup.tally(["sync"])
            let server = try TallyProcess(["serve", "--port", "0"], in: setup.directory, environment: setup.environment)
            defer { server.terminate() }
            let url = try await server.waitUntilListening().absoluteString + "/webhooks/clockify"
            let id = fake.addEntry("reading", start: Date().addingTimeInterval(-600), end: nil)
            let entry = try #require(fake.entry(id))
            #expect(try await fake.deliver(event: .newTimerStarted, entry: entry, to: url, token: token) == 200)
            #expect(try setup.rows("SELECT stop_at IS NULL, category FROM time_entries WHERE external_id = '\(id)'") == [["1", "Read"]])
            #expect(try await fake.deliver(event: .newTimerStarted, entry: entry, to: url, token: "forged") == 401)
            #expect(try await fake.deliver(event: .timeEntryDeleted, entry: entry, to: url, token: token) == 200)
            #expect(try setup.rows("SELECT count(*) FROM time_entries WHERE external_id = '\(id)'") == [["0"]])
            #expect(!server.stderr.contains(token))
        }
    }
}
