import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `tally report` and `tally users passwd`, run as processes against a database a real server filled.
@Suite struct ReportCommandTests {
    static func post(_ base: URL, _ path: String, key: String, json: String, method: HTTPMethod = .POST) async throws {
        var request = HTTPClientRequest(url: base.absoluteString + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard (200..<300).contains(Int(response.status.code)) else { throw E2EFailure("\(path): \(response.status) \(body)") }
    }

    @Test func reportsPrintTablesCSVAndJSONAndRefuseBadOptionsInOneLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["TALLY_DATABASE_URL": directory.appendingPathComponent("tally.sqlite").path, "TALLY_BCRYPT_COST": "4"]
        for (id, zone) in [("ann", "Europe/Amsterdam"), ("bo", "America/New_York")] {
            let created = try await TallyProcess.run(
                ["users", "create", "--id", id, "--name", id.capitalized, "--timezone", zone], in: directory, environment: environment)
            #expect(created.status == 0, "\(created.stderr)")
        }
        let key = try await TallyProcess.run(["keys", "create", "--name", "e2e", "--scopes", "admin"], in: directory, environment: environment)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
        defer { server.terminate(signal: SIGKILL) }
        let base = try await server.waitUntilListening()
        // Ann: 90 minutes of coding on Wednesday, an hour of sport on Thursday that her watch also
        // recorded for 30 minutes (counted once, merged), both in Amsterdam's days.
        for (description, category, start, stop) in [
            ("Refactoring", "Coding", "2026-11-18T08:00:00Z", "2026-11-18T09:30:00Z"),
            ("Gym", "Sport", "2026-11-19T17:00:00Z", "2026-11-19T18:00:00Z"),
        ] {
            try await Self.post(
                base, "/v1/time-entries", key: key,
                json: #"{"user_id":"ann","description":"\#(description)","category":"\#(category)","start":"\#(start)","stop":"\#(stop)"}"#)
        }
        try await Self.post(base, "/v1/goals", key: key, json: #"{"daily":{"reviews":5}}"#, method: .PUT)
        for (user, reviews) in [("ann", 6), ("bo", 2)] {
            try await Self.post(
                base, "/v1/daily-logs", key: key,
                json: #"{"user_id":"\#(user)","date":"2026-11-18","reviews":\#(reviews),"demos":1,"callbacks":1}"#)
        }
        server.terminate(signal: SIGKILL)

        let week = ["--from", "2026-11-16", "--to", "2026-11-22"]
        let csv = try await TallyProcess.run(["report", "time", "--group-by", "day", "--format", "csv"] + week, in: directory, environment: environment)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout == "day,category,seconds,raw_seconds\r\n2026-11-18,Coding,5400,5400\r\n2026-11-19,Sport,3600,3600\r\n", "\(csv.stdout)")

        let json = try await TallyProcess.run(["report", "--format", "json", "--user", "ann"] + week, in: directory, environment: environment)
        #expect(json.status == 0, "\(json.stderr)")
        let body = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(body?["total_seconds"] as? Int == 9000 && body?["group_by"] as? String == "week")
        #expect((body?["rows"] as? [[String: Any]])?.first?["key"] as? String == "2026-W47")
        #expect(try Self.shape(json.stdout) == Self.shape(Self.documentedJSON(after: "tally report time --from")))

        let table = try await TallyProcess.run(["report", "--group-by", "category"] + week, in: directory, environment: environment)
        #expect(table.stdout.hasPrefix("category") && table.stdout.contains("Coding") && table.stdout.contains("1.50"), "\(table.stdout)")

        let goals = try await TallyProcess.run(["report", "goals", "--format", "csv"] + week, in: directory, environment: environment)
        #expect(goals.status == 0, "\(goals.stderr)")
        #expect(goals.stdout.contains("1,ann,Ann,1,8,") && goals.stdout.contains("2,bo,Bo,0,4,"), "\(goals.stdout)")
        let goalsJSON = try await TallyProcess.run(["report", "goals", "--format", "json"] + week, in: directory, environment: environment)
        #expect(goalsJSON.status == 0, "\(goalsJSON.stderr)")
        #expect(try Self.shape(goalsJSON.stdout) == Self.shape(Self.documentedJSON(after: "`--format json` is a list")))

        for bad in [["--group-by", "year"], ["--from", "2026-02-30"], ["--user", "nobody"], ["--source-priority", "strava"],
                    ["--day-starts-at", "4am"], ["--from", "2026-11-22", "--to", "2026-11-16"]] {
            let refused = try await TallyProcess.run(["report"] + bad, in: directory, environment: environment)
            #expect(refused.status != 0, "\(bad)")
            #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stdout.isEmpty, "\(bad): \(refused.stderr)")
        }
    }

    /// The first ```json block after `marker` in docs/reports.md.
    static func documentedJSON(after marker: String) throws -> String {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/reports.md"), encoding: .utf8)
        guard let start = text.range(of: marker),
            let open = text.range(of: "```json\n", range: start.upperBound..<text.endIndex),
            let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex)
        else { throw E2EFailure("docs/reports.md has no JSON example after '\(marker)'") }
        return String(text[open.upperBound..<close.lowerBound])
    }

    /// Keys and value kinds, recursively (the first element stands for an array's elements), so
    /// that the documented example and the real output can be compared whatever their figures.
    static func shape(_ json: String) throws -> String {
        func describe(_ value: Any) -> String {
            switch value {
            case let object as [String: Any]:
                "{" + object.keys.sorted().map { "\($0):\(describe(object[$0]!))" }.joined(separator: ",") + "}"
            case let array as [Any]: "[" + (array.first.map(describe) ?? "") + "]"
            case is String: "string"
            case is NSNumber: "number"
            default: "null"
            }
        }
        return describe(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    }

    @Test func passwdSetsAHashedPasswordFromStandardInput() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-passwd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("tally.sqlite")
        let environment = ["TALLY_DATABASE_URL": database.path, "TALLY_BCRYPT_COST": "4"]
        _ = try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment)

        let short = try await TallyProcess.run(["users", "passwd", "ann"], in: directory, environment: environment, input: "short\n")
        #expect(short.status != 0 && short.stderr.contains("at least 8 characters"))
        let nobody = try await TallyProcess.run(["users", "passwd", "eve"], in: directory, environment: environment, input: "long enough\n")
        #expect(nobody.status != 0 && nobody.stderr.contains("eve"))
        let set = try await TallyProcess.run(["users", "passwd", "ann"], in: directory, environment: environment, input: "long enough\n")
        #expect(set.status == 0, "\(set.stderr)")
        let stored = try SQLiteRows.fetch(database, "SELECT password_hash FROM users WHERE id = 'ann'")
        #expect(stored.first?.first?.hasPrefix("$2b$04$") == true)
        #expect(stored.first?.first?.contains("long enough") == false)
    }
}
