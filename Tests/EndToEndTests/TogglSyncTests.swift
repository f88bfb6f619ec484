import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import TallyTestSupport

/// The real `tally` binary against FakeToggl over real HTTP: `tally sync`, `tally timer`,
/// `tally toggl subscribe` and Toggl's webhook deliveries to `tally serve`.
@Suite(.serialized) struct TogglSyncTests {
    struct Setup {
        let directory: URL
        let database: URL
        let environment: [String: String]

        init(_ fake: FakeToggl, extra: [String: String] = [:]) async throws {
            directory = try makeTemporaryDirectory()
            database = directory.appendingPathComponent("tally.sqlite")
            environment = [
                "TALLY_DATABASE_URL": database.path, "TOGGL_API_TOKEN": fake.apiToken, "TALLY_TOGGL_API_URL": fake.apiURL,
                "TALLY_TOGGL_WEBHOOKS_URL": fake.webhooksURL, "TALLY_SOURCE_REQUEST_INTERVAL_MS": "0",
            ].merging(extra) { $1 }
            let user = try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment)
            guard user.status == 0 else { throw E2EFailure("creating a user failed: \(user.stderr)") }
        }

        func tally(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await TallyProcess.run(arguments, in: directory, environment: environment)
        }

        func rows(_ sql: String) throws -> [[String]] { try SQLiteRows.fetch(database, sql) }
    }

    /// "toggl: fetched 30, created 30, ..." as numbers.
    static func counts(_ line: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for part in line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
            let words = part.split(separator: " ")
            if let value = words.last.flatMap({ Int($0) }), words.count >= 2 { counts[String(words[words.count - 2])] = value }
        }
        return counts
    }

    @Test func backfillResyncEditsDeletionsAndARunningTimer() async throws {
        try await FakeToggl.run { fake in
            let old = Date().addingTimeInterval(-30 * 86_400)
            let project = fake.addProject("App Development")
            let day = 86_400.0
            let base = Calendar(identifier: .gregorian).startOfDay(for: Date()).addingTimeInterval(-3 * day)
            var ids: [Int64] = []
            for index in 0..<30 {
                let start = base.addingTimeInterval(Double(index / 10) * day + Double(index % 10) * 1800)
                let entry = fake.addEntry(
                    index % 3 == 0 ? "Sprint meeting" : "Refactoring", start: start, stop: start.addingTimeInterval(1500),
                    projectID: index % 3 == 1 ? project.id : nil, tags: index % 3 == 2 ? ["gym"] : [], at: old)
                ids.append(entry.id)
            }
            let setup = try await Setup(fake)

            let first = try await setup.tally(["sync", "--days", "7"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(Self.counts(first.stdout)["created"] == 30, "\(first.stdout)")
            let categories = try setup.rows("SELECT category, count(*) FROM time_entries GROUP BY category ORDER BY category")
            #expect(categories == [["Coding", "10"], ["Sport", "10"], ["Work", "10"]])

            fake.clearRequests()
            let again = try await setup.tally(["sync", "--days", "7"])
            #expect(again.status == 0)
            let quiet = Self.counts(again.stdout)
            #expect(quiet["created"] == 0 && quiet["updated"] == 0 && quiet["deleted"] == 0, "\(again.stdout)")
            #expect(fake.requests.count == 1, "a steady-state cycle costs one request: \(fake.requests.map(\.path))")
            #expect(quiet["requests"] == 1)

            fake.editEntry(ids[0]) { $0.description = "Netflix" }
            fake.deleteEntry(ids[1])
            let running = fake.startTimer("Deep work sessie", tags: ["coding"])
            let changes = try await setup.tally(["sync"])
            let changed = Self.counts(changes.stdout)
            #expect(changed["updated"] == 1 && changed["deleted"] == 1 && changed["created"] == 1, "\(changes.stdout)")
            #expect(try setup.rows("SELECT category FROM time_entries WHERE external_id = '\(ids[0])'") == [["Entertainment"]])
            #expect(try setup.rows("SELECT count(*) FROM time_entries WHERE external_id = '\(ids[1])'") == [["0"]])
            #expect(try setup.rows("SELECT stop_at IS NULL, category FROM time_entries WHERE external_id = '\(running.id)'") == [["1", "Coding"]])

            fake.stopTimer()
            let stopped = try await setup.tally(["sync"])
            #expect(Self.counts(stopped.stdout)["updated"] == 1, "\(stopped.stdout)")
            #expect(try setup.rows("SELECT stop_at IS NULL FROM time_entries WHERE external_id = '\(running.id)'") == [["0"]])

            let events = try setup.rows("SELECT type, count(*) FROM events WHERE type LIKE 'sync.%' GROUP BY type")
            #expect(events == [["sync.completed", "4"]])
        }
    }

    @Test func anExhaustedQuotaWaitsForItsResetWithoutSpendingRequests() async throws {
        try await FakeToggl.run { fake in
            fake.addEntry("coding", start: Date().addingTimeInterval(-7200), stop: Date().addingTimeInterval(-3600))
            let setup = try await Setup(fake)
            #expect(try await setup.tally(["sync"]).status == 0)
            fake.quotaWindow = 4
            fake.hourlyQuota = 0
            fake.clearRequests()
            let refused = try await setup.tally(["sync"])
            #expect(refused.status == 75, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stdout.contains("toggl: waiting until"), "\(refused.stdout)")
            #expect(fake.requests.count == 1)
            let meanwhile = try await setup.tally(["sync"])
            #expect(meanwhile.status == 75)
            #expect(fake.requests.count == 1, "a waiting source makes no request")
            #expect(try setup.rows("SELECT count(*) FROM time_entries") == [["1"]])
            #expect(try setup.rows("SELECT wait_until IS NOT NULL, quota_remaining FROM sync_state") == [["1", "0"]])

            fake.hourlyQuota = 100
            try await Task.sleep(for: .seconds(5))
            let recovered = try await setup.tally(["sync"])
            #expect(recovered.status == 0, "\(recovered.stdout) \(recovered.stderr)")
            #expect(try setup.rows("SELECT wait_until IS NULL, last_error IS NULL FROM sync_state") == [["1", "1"]])
        }
    }

    @Test func aTerminalSeesTheBackfillsProgress() async throws {
        try await FakeToggl.run { fake in
            fake.addEntry("coding", start: Date().addingTimeInterval(-7200), stop: Date().addingTimeInterval(-3600))
            let setup = try await Setup(fake)
            // `script` gives the command a terminal, as a person running it has.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", "\(TallyProcess.binary.path) sync --days 3", "/dev/null"]
            process.currentDirectoryURL = setup.directory
            process.environment = ProcessInfo.processInfo.environment.merging(setup.environment) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(text)")
            #expect(text.contains("toggl: request 1 · GET /api/v9/me"), "\(text)")
            #expect(text.contains("toggl: storing 1 changes"), "\(text)")
            #expect(text.contains("toggl: fetched 1, created 1"), "\(text)")
            #expect(!text.contains(fake.apiToken))
        }
    }

    @Test func badTokensAndServerErrorsAreOneLineFailures() async throws {
        try await FakeToggl.run { fake in
            let setup = try await Setup(fake, extra: ["TOGGL_API_TOKEN": "wrong-token"])
            let denied = try await setup.tally(["sync"])
            #expect(denied.status == 1)
            #expect(denied.stdout.contains("toggl: failed:"), "\(denied.stdout)")
            #expect(!denied.stdout.contains("wrong-token") && !denied.stderr.contains("wrong-token"))

            let unconfigured = try await TallyProcess.run(
                ["sync"], in: setup.directory, environment: ["TALLY_DATABASE_URL": setup.database.path])
            #expect(unconfigured.status != 0)
            #expect(unconfigured.stderr.contains("TOGGL_API_TOKEN"))
        }
    }

    @Test func timerStartStopAndCurrent() async throws {
        try await FakeToggl.run { fake in
            fake.addProject("App Development")
            let setup = try await Setup(fake)
            let started = try await setup.tally(["timer", "start", "Deep work sessie", "--category", "Coding"])
            #expect(started.status == 0, "\(started.stderr)")
            #expect(started.stdout.contains("Deep work sessie") && started.stdout.contains("Coding"), "\(started.stdout)")
            let running = try #require(fake.entries.first { $0.stop == nil })
            #expect(running.projectID == fake.projects.first?.id, "Coding maps to the project the rules map to Coding")
            #expect(try setup.rows("SELECT stop_at IS NULL, category FROM time_entries") == [["1", "Coding"]])

            let current = try await setup.tally(["timer", "current"])
            #expect(current.stdout.contains("Running: \"Deep work sessie\""), "\(current.stdout)")
            let stopped = try await setup.tally(["timer", "stop"])
            #expect(stopped.status == 0 && stopped.stdout.contains("Stopped"), "\(stopped.stdout) \(stopped.stderr)")
            #expect(try setup.rows("SELECT stop_at IS NULL FROM time_entries") == [["0"]])
            for shape in FakeToggl.NoCurrentEntry.allCases {
                fake.noCurrentEntry = shape
                let nothing = try await setup.tally(["timer", "current"])
                #expect(nothing.status == 0 && nothing.stdout.contains("No timer is running"), "\(shape): \(nothing.stdout) \(nothing.stderr)")
            }
            let again = try await setup.tally(["timer", "stop"])
            #expect(again.status == 0 && again.stdout.contains("No timer was running"))
        }
    }

    @Test func subscribingValidatesAndDeliveriesReachTheServer() async throws {
        try await FakeToggl.run { fake in
            let secret = "toggl-webhook-secret-42"
            let setup = try await Setup(fake, extra: ["TOGGL_WEBHOOK_SECRET": secret])
            // The first sync learns whose entries the webhooks may apply.
            #expect(try await setup.tally(["sync"]).status == 0)
            let server = try TallyProcess(["serve", "--port", "0"], in: setup.directory, environment: setup.environment)
            defer { server.terminate() }
            let url = try await server.waitUntilListening()
            let hook = url.absoluteString + "/webhooks/toggl"
            let subscribed = try await setup.tally(["toggl", "subscribe", "--url", hook])
            #expect(subscribed.status == 0, "\(subscribed.stdout) \(subscribed.stderr)")
            #expect(subscribed.stdout.contains("Validated"), "\(subscribed.stdout)")

            let entry = fake.addEntry("yoga", start: Date().addingTimeInterval(-3600), stop: Date())
            let delivered = await fake.deliver(.created, entry: entry)
            let allSucceeded = delivered.allSatisfy { $0.succeeded }
            #expect(allSucceeded, "\(delivered.map(\.responseBody))")
            #expect(try setup.rows("SELECT category FROM time_entries WHERE external_id = '\(entry.id)'") == [["Yoga"]])
            let eventID = try #require(delivered.first?.eventID)
            let replay = await fake.redeliver(eventID: eventID)
            #expect(replay.first?.responseBody.contains("duplicate") == true)
            let forged = await fake.deliver(.deleted, entry: entry, signature: .wrongSecret)
            #expect(forged.first?.status == 401)
            let stale = await fake.deliver(.deleted, entry: entry, timestamp: Date().addingTimeInterval(-3600))
            #expect(stale.first?.status == 401)
            #expect(try setup.rows("SELECT count(*) FROM time_entries") == [["1"]])
            let deleted = await fake.deliver(.deleted, entry: entry)
            #expect(deleted.first?.succeeded == true)
            #expect(try setup.rows("SELECT count(*) FROM time_entries") == [["0"]])
            #expect(!server.stderr.contains(secret))
        }
    }
}

/// Rows of a query on a SQLite file, read with Python's sqlite3 (no Swift code of Tally's
/// involved), every value as text.
enum SQLiteRows {
    static func fetch(_ database: URL, _ sql: String) throws -> [[String]] {
        let script = """
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            print(json.dumps([[("" if v is None else str(v)) for v in row] for row in db.execute(sys.argv[2]).fetchall()]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, database.path, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw E2EFailure("the query failed: \(sql)") }
        return try JSONDecoder().decode([[String]].self, from: data)
    }
}
