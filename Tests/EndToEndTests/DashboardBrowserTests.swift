import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import TallyTestSupport

/// The dashboard in a real browser (issue 6): Debian's headless Chromium, driven from Python with
/// selenium and chromium-driver (Tests/browser/dashboard_browser.py), against the real `tally serve`
/// — fresh and unconfigured, synced from FakeToggl, and failing on a wrong Toggl token.
/// Screenshots are saved in .build/artefacts/dashboard/. scripts/test installs what it needs.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DashboardBrowserTests {
    static let login = "ada"
    static let password = "correct-horse-battery"

    /// Where the screenshots go, emptied once per run.
    static let artefacts: URL = {
        let directory = packageRoot.appendingPathComponent(".build/artefacts/dashboard")
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }()

    static let script = packageRoot.appendingPathComponent("Tests/browser/dashboard_browser.py")

    // MARK: The three servers

    @Test func setUpOnAFreshDatabaseAndTheUnconfiguredCloud() async throws {
        let browser = try Browser.find()
        let directory = try makeTemporaryDirectory()
        let environment = Self.serverEnvironment(directory, extra: ["TOGGL_API_TOKEN": "", "CLOCKIFY_API_KEY": ""])
        let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
        defer { server.terminate(signal: SIGKILL) }
        let url = try await server.waitUntilListening()

        let run = try await browser.run("unconfigured", url, ["--login", Self.login, "--password", Self.password])
        #expect(run.status == 0, "the browser scenario failed:\n\(run.output)\n--- server log ---\n\(server.stderr.suffix(4000))")
        let users = try SQLiteRows.fetch(
            directory.appendingPathComponent("tally.sqlite"), "SELECT id, role, password_hash IS NOT NULL FROM users")
        #expect(users == [[Self.login, "admin", "1"]])
    }

    @Test func syncStatesACategoryChangeAnUploadAndSigningIn() async throws {
        let browser = try Browser.find()
        try await FakeToggl.run { fake in
            let now = Date()
            let hour = 3600.0
            for (description, hoursAgo, length, tags) in [
                ("Deep work", 26.0, 2.0, ["coding"]), ("Gym", 22.0, 1.0, []), ("Reading", 20.0, 0.5, []),
                ("Deep work", 4.0, 2.0, ["coding"]), ("Gym", 1.5, 0.75, []), ("Reading", 0.6, 0.4, []),
            ] {
                let start = now.addingTimeInterval(-hoursAgo * hour)
                fake.addEntry(description, start: start, stop: start.addingTimeInterval(length * hour), tags: tags)
            }
            let directory = try makeTemporaryDirectory()
            let database = directory.appendingPathComponent("tally.sqlite")
            // Requests 2.5 s apart: a sync with two requests spins the cloud long enough to see.
            let environment = Self.serverEnvironment(
                directory,
                extra: [
                    "TOGGL_API_TOKEN": fake.apiToken, "TALLY_TOGGL_API_URL": fake.apiURL, "CLOCKIFY_API_KEY": "",
                    "TALLY_SOURCE_REQUEST_INTERVAL_MS": "2500", "TALLY_SYNC_INTERVAL": "3600",
                ])
            // The admin exists before the server starts, so the start-up sync (2 s in) has a user.
            try await Self.createAdmin(in: directory, environment: environment)
            let key = try await Self.apiKey(in: directory, environment: environment)
            let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
            defer { server.terminate(signal: SIGKILL) }
            let url = try await server.waitUntilListening()
            let api = API(base: url, key: key)
            let synced = try await api.waitForSync { $0["last_sync_at"] is String && $0["state"] as? String == "idle" }
            #expect(synced["auto_sync"] as? Bool == true)
            #expect(try SQLiteRows.fetch(database, "SELECT count(*) FROM time_entries") == [["6"]])

            // Made in Toggl after the start-up sync: "Sync now" lists it and, for its new
            // project, fetches the projects too — two requests, one 2.5 s wait.
            let project = fake.addProject("Client work")
            fake.addEntry("Quarterly report", start: now.addingTimeInterval(-0.3 * hour), stop: now, projectID: project.id)

            let directoryForExport = try makeTemporaryDirectory()
            let export = directoryForExport.appendingPathComponent("export.zip")
            let manifest = try HealthImportTests.generate(export, arguments: ["--size-mb", "1"])

            let run = try await browser.run(
                "configured", url,
                ["--login", Self.login, "--password", Self.password, "--health-export", export.path,
                 "--workouts", String(manifest.workoutCount)],
                timeout: .seconds(120))
            #expect(run.status == 0, "the browser scenario failed:\n\(run.output)\n--- server log ---\n\(server.stderr.suffix(4000))")

            // What the browser did, as the API and the database see it.
            let quarterly = try SQLiteRows.fetch(database, "SELECT project FROM time_entries WHERE description = 'Quarterly report'")
            #expect(quarterly == [["Client work"]], "Sync now stored the entry made in Toggl, with its new project")
            if let change = run.results["category_change"] as? [String: Any], let id = change["entry"] as? String {
                let entry = try await api.get("/v1/time-entries/\(id)")
                #expect(entry["category"] as? String == change["after"] as? String, "\(entry)")
                #expect(entry["category_manual"] as? Bool == true, "\(entry)")
            } else {
                Issue.record("the browser reported no category change: \(run.output)")
            }
            let imported = try SQLiteRows.fetch(database, "SELECT count(*) FROM time_entries WHERE source = 'apple_health'")
            #expect(imported == [[String(manifest.workoutCount + manifest.mindful.count)]], "the uploaded export was imported")
            let status = try await api.get("/v1/sync/status")
            #expect(status["auto_sync"] as? Bool == true, "the browser left auto-sync on: \(status)")
        }
    }

    @Test func aFailedSyncShowsItsReason() async throws {
        let browser = try Browser.find()
        try await FakeToggl.run { fake in
            let directory = try makeTemporaryDirectory()
            let environment = Self.serverEnvironment(
                directory,
                extra: [
                    "TOGGL_API_TOKEN": "wrong-token", "TALLY_TOGGL_API_URL": fake.apiURL, "CLOCKIFY_API_KEY": "",
                    "TALLY_SOURCE_REQUEST_INTERVAL_MS": "0", "TALLY_SYNC_INTERVAL": "3600",
                ])
            try await Self.createAdmin(in: directory, environment: environment)
            let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
            defer { server.terminate(signal: SIGKILL) }
            let url = try await server.waitUntilListening()

            let run = try await browser.run(
                "error", url,
                ["--login", Self.login, "--password", Self.password, "--expect-error", "Toggl rejected the API token"])
            #expect(run.status == 0, "the browser scenario failed:\n\(run.output)\n--- server log ---\n\(server.stderr.suffix(4000))")
            #expect(!run.output.contains("wrong-token"), "the token leaked into the page")
        }
    }

    // MARK: Servers, users and the API

    static func serverEnvironment(_ directory: URL, extra: [String: String]) -> [String: String] {
        [
            "TALLY_DATABASE_URL": directory.appendingPathComponent("tally.sqlite").path, "TALLY_BCRYPT_COST": "4",
            "TALLY_DEFAULT_TIMEZONE": "UTC",
        ].merging(extra) { $1 }
    }

    /// `tally users create` and `tally users passwd` (the password on standard input), as an
    /// operator sets up a server whose first sync should already have someone to belong to.
    static func createAdmin(in directory: URL, environment: [String: String]) async throws {
        let created = try await TallyProcess.run(
            ["users", "create", "--id", login, "--name", "Ada Admin", "--email", "ada@example.com", "--role", "admin",
             "--timezone", "UTC"],
            in: directory, environment: environment)
        guard created.status == 0 else { throw E2EFailure("tally users create failed: \(created.stderr)") }

        let process = Process()
        process.executableURL = TallyProcess.binary
        process.arguments = ["users", "passwd", login]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TALLY_") }
            .merging(environment) { $1 }
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data("\(password)\n".utf8))
        try input.fileHandleForWriting.close()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw E2EFailure("tally users passwd failed: \(message)") }
    }

    static func apiKey(in directory: URL, environment: [String: String]) async throws -> String {
        let key = try await TallyProcess.run(
            ["keys", "create", "--name", "browser test", "--scopes", "read,write,admin"], in: directory,
            environment: environment)
        guard key.status == 0 else { throw E2EFailure("tally keys create failed: \(key.stderr)") }
        return key.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct API {
        let base: URL
        let key: String

        func get(_ path: String) async throws -> [String: Any] {
            var request = HTTPClientRequest(url: base.absoluteString + path)
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code == 200 else {
                throw E2EFailure("GET \(path): \(response.status.code) \(String(buffer: body))")
            }
            return (try JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        }

        /// Polls `GET /v1/sync/status` until `done` holds.
        func waitForSync(timeout: Duration = .seconds(30), _ done: ([String: Any]) -> Bool) async throws -> [String: Any] {
            let deadline = ContinuousClock.now + timeout
            var last: [String: Any] = [:]
            while ContinuousClock.now < deadline {
                last = try await get("/v1/sync/status")
                if done(last) { return last }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw E2EFailure("the sync status never settled: \(last)")
        }
    }

    // MARK: The browser

    /// Chromium, its driver and Python's selenium. Missing ones fail the test (not skip it):
    /// scripts/test installs them on a fresh Debian machine.
    struct Browser {
        let chromium: String
        let chromedriver: String

        static func find() throws -> Browser {
            let environment = ProcessInfo.processInfo.environment
            func locate(_ override: String, _ paths: [String], _ names: [String]) -> String? {
                if let path = environment[override], !path.isEmpty {
                    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
                }
                let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
                let candidates = paths + names.flatMap { name in directories.map { "\($0)/\(name)" } }
                return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
            }
            guard let chromium = locate("TALLY_CHROMIUM", ["/usr/bin/chromium"], ["chromium", "chromium-browser"]) else {
                throw E2EFailure(
                    "chromium was not found (nor $TALLY_CHROMIUM): the dashboard's browser test needs Debian's chromium; "
                        + "run scripts/test, which installs it (apt-get install -y chromium chromium-driver)")
            }
            guard let chromedriver = locate("TALLY_CHROMEDRIVER", ["/usr/bin/chromedriver"], ["chromedriver"]) else {
                throw E2EFailure(
                    "chromedriver was not found (nor $TALLY_CHROMEDRIVER): the dashboard's browser test needs Debian's "
                        + "chromium-driver; run scripts/test, which installs it (apt-get install -y chromium chromium-driver)")
            }
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            probe.arguments = ["python3", "-c", "import selenium"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            try probe.run()
            probe.waitUntilExit()
            guard probe.terminationStatus == 0 else {
                throw E2EFailure(
                    "python3 cannot import selenium: run scripts/test, which installs it (python3 -m pip install selenium)")
            }
            return Browser(chromium: chromium, chromedriver: chromedriver)
        }

        struct Run {
            var status: Int32
            var output: String
            /// The `RESULT {json}` lines the script printed, merged.
            var results: [String: Any] {
                var merged: [String: Any] = [:]
                for line in output.split(separator: "\n") where line.hasPrefix("RESULT ") {
                    let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst("RESULT ".count).utf8))
                    for (key, value) in object as? [String: Any] ?? [:] { merged[key] = value }
                }
                return merged
            }
        }

        /// Runs one scenario of the script against `url`, its output in a file (read when it ends).
        /// A script that overruns gets SIGINT (so it still quits Chromium), then SIGKILL.
        func run(_ scenario: String, _ url: URL, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Run {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("tally-browser-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: log) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments =
                ["python3", "-u", DashboardBrowserTests.script.path, scenario, "--base-url", url.absoluteString,
                 "--artefacts", DashboardBrowserTests.artefacts.path] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["TALLY_CHROMIUM": chromium, "TALLY_CHROMEDRIVER": chromedriver, "SE_OFFLINE": "true"]) { $1 }
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let deadline = ContinuousClock.now + timeout
            var timedOut = false
            while process.isRunning {
                if ContinuousClock.now >= deadline, !timedOut {
                    timedOut = true
                    kill(process.processIdentifier, SIGINT)
                    let grace = ContinuousClock.now + .seconds(10)
                    while process.isRunning, ContinuousClock.now < grace { try await Task.sleep(for: .milliseconds(50)) }
                    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            try? handle.close()
            var output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if timedOut { output += "\n(the browser script overran \(timeout) and was stopped)" }
            let saved = DashboardBrowserTests.artefacts.appendingPathComponent("\(scenario).log")
            try? Data(output.utf8).write(to: saved)
            print("dashboard browser \(scenario): log: \(saved.path)")
            for line in output.split(separator: "\n") where line.hasPrefix("screenshot: ") || line.contains("FAILED") || line.hasSuffix("s") && line.contains(" passed in ") {
                print("dashboard browser \(scenario): \(line)")
            }
            return Run(status: timedOut ? -1 : process.terminationStatus, output: output)
        }
    }
}
