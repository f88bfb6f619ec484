import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Imports must not hold the database or the disk: other writes go on during a long import,
/// uploads are spooled beside the database within a cap, and a killed server's spool is cleared.
@Suite(.serialized) struct ImportHardeningTests {
    struct Server {
        let process: TallyProcess
        let url: URL
        let key: String
        let directory: URL
        let environment: [String: String]

        static func start(_ directory: URL, extra: [String: String] = [:]) async throws -> Server {
            let environment = ["TALLY_DATABASE_URL": directory.appendingPathComponent("tally.sqlite").path].merging(extra) { $1 }
            if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("tally.sqlite").path) {
                _ = try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment)
            }
            let key = try await TallyProcess.run(["keys", "create", "--name", "phone"], in: directory, environment: environment)
            let process = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
            let url = try await process.waitUntilListening()
            return Server(
                process: process, url: url, key: key.stdout.trimmingCharacters(in: .newlines), directory: directory,
                environment: environment)
        }

        func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, type: String = "application/json") async throws
            -> (status: Int, json: [String: Any])
        {
            var request = HTTPClientRequest(url: url.absoluteString + path)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            if let body {
                request.headers.add(name: "Content-Type", value: type)
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let data = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(buffer: data))) as? [String: Any] ?? [:])
        }
    }

    @Test func otherWritesGoOnWhileALargeExportIsRead() async throws {
        let directory = try makeTemporaryDirectory()
        let export = directory.appendingPathComponent("export.zip")
        let manifest = try HealthImportTests.generate(export, arguments: ["--size-mb", "150", "--seed", "21"])
        let server = try await Server.start(directory)
        defer { server.process.terminate() }

        let accepted = try await server.send(.POST, "/v1/imports/apple-health", body: try Data(contentsOf: export), type: "application/zip")
        #expect(accepted.status == 202)
        let id = try #require(accepted.json["id"] as? String)
        // At once, while the export is being read: a daily log through the API; then a key from
        // the CLI. Before, both waited for the whole import (the CLI gave up: database is locked).
        let log = try await server.send(
            .POST, "/v1/daily-logs", body: Data(#"{"user_id":"ann","date":"2026-11-01","reviews":1,"demos":0,"callbacks":0}"#.utf8))
        #expect(log.status == 201, "\(log.json)")
        let after = try await server.send(.GET, "/v1/imports/\(id)").json
        // The log was written before the import ended (on a loaded machine the reading may be
        // over by then, and the import's one short write still to come).
        let wroteDuringRead = after["state"] as? String == "running"
        let key = try await TallyProcess.run(["keys", "create", "--name", "during"], in: directory, environment: server.environment)
        #expect(key.status == 0, "\(key.stderr)")
        #expect(wroteDuringRead, "the import ended before any write could be tried during it: \(after)")
        let deadline = ContinuousClock.now + .seconds(300)
        var done: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            done = try await server.send(.GET, "/v1/imports/\(id)").json
            if done["state"] as? String != "running" { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(done["state"] as? String == "succeeded", "\(done)")
        #expect(done["added"] as? Int == manifest.workoutCount + manifest.mindful.count)
    }

    @Test func uploadsAreSpooledBesideTheDatabaseWithinACapAndLeftoversAreCleared() async throws {
        let directory = try makeTemporaryDirectory()
        let spool = directory.appendingPathComponent("tally-spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        let leftover = spool.appendingPathComponent("tally-imp_killed.upload")
        try Data(repeating: 7, count: 1 << 20).write(to: leftover)

        let export = directory.appendingPathComponent("export.zip")
        _ = try HealthImportTests.generate(export, arguments: [])
        let archive = try Data(contentsOf: export)
        let server = try await Server.start(directory, extra: ["TALLY_IMPORT_SPOOL_BYTES": String(archive.count / 2)])
        defer { server.process.terminate() }
        #expect(!FileManager.default.fileExists(atPath: leftover.path), "a killed server's spool file is removed at start")

        let refused = try await server.send(.POST, "/v1/imports/apple-health", body: archive, type: "application/zip")
        #expect(refused.status == 503, "\(refused.json)")
        #expect((refused.json["detail"] as? String)?.contains("TALLY_IMPORT_SPOOL_BYTES") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
        // Nothing of the refused upload sits in /tmp either.
        let temporary = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
        #expect(!temporary.contains { $0.hasPrefix("tally-imp_") && $0.hasSuffix(".upload") })
    }
}
