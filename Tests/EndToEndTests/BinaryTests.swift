import AsyncHTTPClient
import Foundation
import Testing
import TallyClient

@Suite(.serialized) struct BinaryTests {
    @Test func servesOnTheSQLiteDefaultAndStopsCleanlyOnSIGTERM() async throws {
        let directory = try makeTemporaryDirectory()
        let server = try TallyProcess(["serve", "--port", "0"], in: directory)
        let url = try await server.waitUntilListening()
        let response = try await HTTPClient.shared.get(url: url.absoluteString + "/health").get()
        #expect(response.status.code == 200)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("tally.sqlite").path))
        server.terminate(signal: SIGTERM)
        #expect(try await server.waitForExit(timeout: .seconds(15)) == 0)
        // Every log line is one JSON object, and the request was logged with its id.
        let lines = server.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
        }
        #expect(server.stderr.contains(#""msg":"request""#))
        #expect(server.stderr.contains(#""request_id":"req_"#))
    }

    @Test func stopsCleanlyOnSIGINT() async throws {
        let directory = try makeTemporaryDirectory()
        let server = try TallyProcess(["serve", "--port", "0", "--database", "sqlite://int.sqlite"], in: directory)
        _ = try await server.waitUntilListening()
        server.terminate(signal: SIGINT)
        #expect(try await server.waitForExit(timeout: .seconds(15)) == 0)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("int.sqlite").path))
    }

    @Test func administersUsersAndKeysBesideARunningServer() async throws {
        let directory = try makeTemporaryDirectory()
        let environment = ["TALLY_DATABASE_URL": directory.appendingPathComponent("team.sqlite").path]
        let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
        defer { server.terminate() }
        let url = try await server.waitUntilListening()

        let created = try await TallyProcess.run(
            ["users", "create", "--id", "user123", "--name", "Ann de Vries", "--email", "ann@example.com", "--role", "admin",
             "--timezone", "Europe/Amsterdam"],
            in: directory, environment: environment)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "user123\n")

        let listed = try await TallyProcess.run(["users", "list"], in: directory, environment: environment)
        #expect(listed.stdout.contains("user123") && listed.stdout.contains("Europe/Amsterdam"))

        let key = try await TallyProcess.run(
            ["keys", "create", "--name", "CRM", "--user", "user123", "--scopes", "read,write"], in: directory,
            environment: environment)
        #expect(key.status == 0, "\(key.stderr)")
        let secret = key.stdout.trimmingCharacters(in: .newlines)
        #expect(key.stdout.split(separator: "\n").count == 1)
        #expect(secret.hasPrefix("tly_") && secret.count == 48)
        #expect(key.stderr.contains("not shown again"))

        var request = HTTPClientRequest(url: url.absoluteString + "/v1/users")
        request.headers.add(name: "Authorization", value: "Bearer \(secret)")
        #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code == 200)

        let keys = try await TallyProcess.run(["keys", "list", "--format", "json"], in: directory, environment: environment)
        #expect(!keys.stdout.contains(secret))
        let listedKeys = try JSONSerialization.jsonObject(with: Data(keys.stdout.utf8)) as? [[String: Any]]
        let keyID = try #require(listedKeys?.first?["id"] as? String)
        #expect(listedKeys?.first?["last_used_at"] is String)

        // The Swift client library against the binary, with the key the CLI made.
        let client = TallyClient(baseURL: url, apiKey: secret)
        let log = try await client.createDailyLog(userID: "user123", reviews: 5, demos: 3, callbacks: 2, date: "2026-11-20")
        #expect(try await client.dailyLogs(date: "2026-11-20").map(\.id) == [log.id])
        let visit = try await client.createAppointment(
            userID: "user123", customerName: "Familie Jansen", appointmentDate: "2026-11-23T14:00:00+01:00",
            extra: ["windows": 7])
        #expect(visit.metadata.additionalProperties.value["windows"] as? Int == 7)
        await #expect(throws: TallyClientError.self) { _ = try await client.apiKeys() }

        let revoked = try await TallyProcess.run(["keys", "revoke", keyID], in: directory, environment: environment)
        #expect(revoked.status == 0)
        #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code == 401)
        await #expect {
            _ = try await client.users()
        } throws: { error in
            if case TallyClientError.unauthorized = error { return true }
            return false
        }
        #expect(!server.stderr.contains(secret), "the key appeared in the server log")
    }

    @Test func badInputGivesOneLineAndANonZeroExit() async throws {
        let directory = try makeTemporaryDirectory()
        let cases: [[String]] = [
            ["users", "create", "--name", "Ann", "--timezone", "Mars/Base"],
            ["users", "create", "--name", "Ann", "--role", "boss"],
            ["keys", "create", "--name", "k", "--scopes", "read,owner"],
            ["keys", "create", "--name", "k", "--user", "ghost"],
            ["keys", "revoke", "key_missing"],
            ["serve", "--database", "postgres://tally@localhost/tally"],
            ["serve", "--database", "/nonexistent-folder/tally.sqlite"],
        ]
        for arguments in cases {
            let result = try await TallyProcess.run(arguments, in: directory)
            #expect(result.status != 0, "\(arguments) succeeded")
            let lines = result.stderr.split(separator: "\n").filter {
                !$0.hasPrefix("Help:") && !$0.hasPrefix("Usage:") && !$0.hasPrefix("  ")
            }
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
        }
        let postgres = try await TallyProcess.run(["serve", "--database", "postgres://tally@localhost/tally"], in: directory)
        #expect(postgres.stderr.contains("PostgreSQL is not supported yet"))
        // Nothing was stored by the failed commands.
        let users = try await TallyProcess.run(["users", "list", "--format", "json"], in: directory)
        #expect(users.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || users.stdout.contains("[]"))
    }

    @Test func theSeedsPythonClientWorksAgainstTally() async throws {
        let directory = try makeTemporaryDirectory()
        let environment = ["TALLY_DATABASE_URL": directory.appendingPathComponent("seed.sqlite").path]
        for arguments in [
            ["users", "create", "--id", "user123", "--name", "Ann", "--timezone", "Europe/Amsterdam"],
            ["users", "create", "--id", "user456", "--name", "Bob"],
        ] {
            #expect(try await TallyProcess.run(arguments, in: directory, environment: environment).status == 0)
        }
        let key = try await TallyProcess.run(
            ["keys", "create", "--name", "seed client"], in: directory, environment: environment)
        let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
        defer { server.terminate() }
        let url = try await server.waitUntilListening()

        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", packageRoot.appendingPathComponent("Tests/python/seed_client.py").path]
        python.environment = ProcessInfo.processInfo.environment.merging(
            ["TALLY_BASE_URL": url.absoluteString, "TALLY_API_KEY": key.stdout.trimmingCharacters(in: .newlines)]
        ) { $1 }
        let output = Pipe()
        python.standardOutput = output
        python.standardError = output
        try python.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "\(text)")
        #expect(text.contains("seed client: all checks passed"))
    }
}
