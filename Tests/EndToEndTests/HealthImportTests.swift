import AsyncHTTPClient
import Foundation
import NIOCore
import TallyTestSupport
import Testing

/// `tally import-health` as a process, on exports made by the package's gen-health-export.
@Suite(.serialized) struct HealthImportTests {
    struct Manifest: Decodable {
        struct Total: Decodable, Equatable {
            var count: Int
            var seconds: Int64
        }
        var mindful: Total
        var bySeedCategory: [String: Total]
        var workoutCount: Int

        enum CodingKeys: String, CodingKey {
            case mindful
            case bySeedCategory = "by_seed_category"
            case workoutCount = "workout_count"
        }
    }

    /// `gen-health-export`, built beside the test bundle like `tally` (or TALLY_GEN_HEALTH_EXPORT).
    static func generator() throws -> String {
        let generator = BuiltProducts.executable("gen-health-export", overriddenBy: "TALLY_GEN_HEALTH_EXPORT")
        guard FileManager.default.isExecutableFile(atPath: generator.path) else {
            throw E2EFailure("\(generator.path) is missing: run `swift build --build-tests` (or set TALLY_GEN_HEALTH_EXPORT)")
        }
        return generator.path
    }

    static func generate(_ out: URL, arguments: [String]) throws -> Manifest {
        let manifest = out.deletingPathExtension().appendingPathExtension("manifest.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try generator())
        // A folder URL makes the unzipped archive (the generator's OUT/ form).
        let target = out.hasDirectoryPath ? out.path + "/" : out.path
        process.arguments = [target, "--size-mb", "4", "--seed", "7", "--manifest", manifest.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw E2EFailure("gen-health-export failed: \(String(decoding: message, as: UTF8.self))")
        }
        return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifest))
    }

    /// Count and summed seconds of stored entries per category, and the number of events, read
    /// straight from the SQLite file.
    static func stored(_ database: URL) throws -> (categories: [String: Manifest.Total], events: Int) {
        let script = """
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            rows = db.execute("SELECT category, count(*), CAST(round(sum((julianday(stop_at) - julianday(start_at)) * 86400)) AS INTEGER) FROM time_entries GROUP BY category").fetchall()
            events = db.execute("SELECT count(*) FROM events WHERE type = 'time_entry.created'").fetchone()[0]
            print(json.dumps({"categories": {c: {"count": n, "seconds": s} for c, n, s in rows}, "events": events}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, database.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Stored: Decodable {
            var categories: [String: Manifest.Total]
            var events: Int
        }
        let stored = try JSONDecoder().decode(Stored.self, from: data)
        return (stored.categories, stored.events)
    }

    @Test func importsMatchTheManifestAndASecondImportAddsNothing() async throws {
        let directory = try makeTemporaryDirectory()
        let export = directory.appendingPathComponent("export.zip")
        let manifest = try Self.generate(export, arguments: ["--quirks", "all", "--xml-name", "eksport.xml"])
        let database = directory.appendingPathComponent("tally.sqlite")
        let environment = ["TALLY_DATABASE_URL": database.path]
        #expect(try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment).status == 0)

        let first = try await TallyProcess.run(["import-health", export.path], in: directory, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        let total = manifest.workoutCount + manifest.mindful.count
        #expect(first.stdout.contains("Workouts: \(manifest.workoutCount)\n"), "\(first.stdout)")
        #expect(first.stdout.contains("Mindful sessions: \(manifest.mindful.count)\n"))
        #expect(first.stdout.contains("New entries: \(total); already present: 0"))

        var expected: [String: Manifest.Total] = [:]
        for (category, totals) in manifest.bySeedCategory {
            expected[category == "unmapped" ? "Uncategorized" : category] = totals
        }
        let afterFirst = try Self.stored(database)
        #expect(afterFirst.categories == expected)
        #expect(afterFirst.events == total)

        let second = try await TallyProcess.run(["import-health", export.path, "--user", "ann"], in: directory, environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("New entries: 0; already present: \(total)"))
        let afterSecond = try Self.stored(database)
        #expect(afterSecond.categories == expected)
        #expect(afterSecond.events == total)

        // The same export unzipped (the folder form): the same entries, all already present.
        let folder = directory.appendingPathComponent("unzipped", isDirectory: true)
        let folderManifest = try Self.generate(folder, arguments: ["--quirks", "all", "--xml-name", "eksport.xml"])
        #expect(folderManifest.bySeedCategory == manifest.bySeedCategory)
        let third = try await TallyProcess.run(["import-health", folder.path], in: directory, environment: environment)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stdout.contains("New entries: 0; already present: \(total)"), "\(third.stdout)")
        #expect(try Self.stored(database).events == total)
    }

    @Test func damagedOrForeignInputChangesNothing() async throws {
        let directory = try makeTemporaryDirectory()
        let export = directory.appendingPathComponent("export.zip")
        let manifest = try Self.generate(export, arguments: [])
        let database = directory.appendingPathComponent("tally.sqlite")
        let environment = ["TALLY_DATABASE_URL": database.path]
        #expect(try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment).status == 0)
        #expect(try await TallyProcess.run(["import-health", export.path], in: directory, environment: environment).status == 0)
        let before = try Self.stored(database)
        #expect(before.categories.values.map(\.count).reduce(0, +) == manifest.workoutCount + manifest.mindful.count)

        let archive = try Data(contentsOf: export)
        let truncated = directory.appendingPathComponent("truncated.zip")
        try archive.prefix(archive.count * 2 / 3).write(to: truncated)
        let xml = directory.appendingPathComponent("cut.xml")
        _ = try Self.generate(directory.appendingPathComponent("full.xml"), arguments: ["--seed", "8"])
        let fullXML = try Data(contentsOf: directory.appendingPathComponent("full.xml"))
        try fullXML.prefix(fullXML.count / 2).write(to: xml)
        let foreign = directory.appendingPathComponent("notes.txt")
        try Data("just some notes\n".utf8).write(to: foreign)

        for bad in [truncated, xml, foreign, directory.appendingPathComponent("missing.zip")] {
            let result = try await TallyProcess.run(["import-health", bad.path], in: directory, environment: environment)
            #expect(result.status != 0, "\(bad.lastPathComponent) was accepted")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(bad.lastPathComponent): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let after = try Self.stored(database)
        #expect(after.categories == before.categories)
        #expect(after.events == before.events)

        let nobody = try await TallyProcess.run(["import-health", export.path, "--user", "ghost"], in: directory, environment: environment)
        #expect(nobody.status != 0)
        #expect(nobody.stderr.contains("ghost"))
    }

    @Test func theAPIImportsInTheBackgroundAndReportsProgress() async throws {
        let directory = try makeTemporaryDirectory()
        let export = directory.appendingPathComponent("export.zip")
        let manifest = try Self.generate(export, arguments: ["--quirks", "all"])
        let database = directory.appendingPathComponent("tally.sqlite")
        let environment = ["TALLY_DATABASE_URL": database.path]
        #expect(try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment).status == 0)
        let key = try await TallyProcess.run(["keys", "create", "--name", "phone"], in: directory, environment: environment)
        let apiKey = key.stdout.trimmingCharacters(in: .newlines)
        let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
        defer { server.terminate() }
        let url = try await server.waitUntilListening()

        func upload(_ data: Data, type: String = "application/zip") async throws -> (status: Int, body: [String: Any]) {
            var request = HTTPClientRequest(url: url.absoluteString + "/v1/imports/apple-health")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
            request.headers.add(name: "Content-Type", value: type)
            request.body = .bytes(ByteBuffer(bytes: data))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:])
        }
        func status(_ id: String) async throws -> [String: Any] {
            var request = HTTPClientRequest(url: url.absoluteString + "/v1/imports/\(id)")
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (try JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        }
        func finished(_ id: String) async throws -> [String: Any] {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let current = try await status(id)
                if current["state"] as? String != "running" { return current }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw E2EFailure("import \(id) did not finish")
        }

        let archive = try Data(contentsOf: export)
        let accepted = try await upload(archive)
        #expect(accepted.status == 202)
        let id = try #require(accepted.body["id"] as? String)
        let done = try await finished(id)
        #expect(done["state"] as? String == "succeeded", "\(done)")
        #expect(done["workouts"] as? Int == manifest.workoutCount)
        #expect(done["mindful_sessions"] as? Int == manifest.mindful.count)
        #expect(done["added"] as? Int == manifest.workoutCount + manifest.mindful.count)
        // Progress counts the compressed bytes of the export's XML entry.
        let total = try #require(done["total_bytes"] as? Int)
        #expect(done["bytes_read"] as? Int == total)
        #expect(total > archive.count * 9 / 10 && total <= archive.count)

        let again = try await finished(try #require(try await upload(archive).body["id"] as? String))
        #expect(again["added"] as? Int == 0)
        #expect(again["already_present"] as? Int == manifest.workoutCount + manifest.mindful.count)

        let foreign = try await upload(Data("hello".utf8), type: "application/octet-stream")
        #expect(foreign.status == 422)
        #expect(foreign.body["type"] is String)
        let before = try Self.stored(database)
        _ = try Self.generate(directory.appendingPathComponent("full.xml"), arguments: ["--seed", "9"])
        let xml = try Data(contentsOf: directory.appendingPathComponent("full.xml"))
        let cut = try await upload(xml.prefix(xml.count / 2), type: "application/xml")
        #expect(cut.status == 202)
        let failed = try await finished(try #require(cut.body["id"] as? String))
        #expect(failed["state"] as? String == "failed")
        #expect((failed["error"] as? String)?.contains("nothing was imported") == true)
        #expect(try Self.stored(database).categories == before.categories)
    }
}
