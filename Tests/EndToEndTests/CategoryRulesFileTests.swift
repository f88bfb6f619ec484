import Foundation
import Testing

/// `TALLY_CATEGORY_RULES` files (YAML and JSON) through the binary: shown, applied to stored
/// entries with hand-chosen categories kept, and refused with one line when malformed.
@Suite(.serialized) struct CategoryRulesFileTests {
    @Test func aYAMLRulesFileRecategorisesStoredEntriesButNotHandChosenOnes() async throws {
        let directory = try makeTemporaryDirectory()
        let database = directory.appendingPathComponent("tally.sqlite")
        var environment = ["TALLY_DATABASE_URL": database.path]
        #expect(try await TallyProcess.run(["users", "create", "--id", "ann", "--name", "Ann"], in: directory, environment: environment).status == 0)
        let key = try await TallyProcess.run(["keys", "create", "--name", "cli"], in: directory, environment: environment)
        let apiKey = key.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try TallyProcess(["serve", "--port", "0"], in: directory, environment: environment)
        let url = try await server.waitUntilListening()
        for (description, category) in [("Deep focus block", nil), ("Deep focus, by hand", "Work"), ("Lifting at the gym", nil)] {
            let categoryField = category.map { #","category":"\#($0)""# } ?? ""
            let status = try await Self.post(
                url.absoluteString + "/v1/time-entries", key: apiKey,
                json: #"{"user_id":"ann","description":"\#(description)","start":"2026-11-20T08:00:00Z","stop":"2026-11-20T09:00:00Z"\#(categoryField)}"#)
            #expect(status == 201)
        }
        server.terminate()
        _ = try await server.waitForExit(timeout: .seconds(20))

        let rules = directory.appendingPathComponent("rules.yaml")
        try """
            # Focus time first, then the seed's defaults for everything else.
            rules:
              - category: Focus
                keywords: ["deep focus"]
                fields: [description]
              - category: Sport
                keywords: [gym]
            categories:
              - name: Focus
                color: "#123456"
            """.write(to: rules, atomically: true, encoding: .utf8)
        environment["TALLY_CATEGORY_RULES"] = rules.path
        let shown = try await TallyProcess.run(["categories", "show"], in: directory, environment: environment)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stderr.contains("Rules in force: file"))
        #expect(shown.stdout.contains("\"Focus\""))
        let applied = try await TallyProcess.run(["categories", "apply"], in: directory, environment: environment)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("Re-categorised 1 entry."), "\(applied.stdout)")
        let rows = try SQLiteRows.fetch(database, "SELECT description, category, category_manual FROM time_entries ORDER BY description")
        #expect(rows == [["Deep focus block", "Focus", "0"], ["Deep focus, by hand", "Work", "1"], ["Lifting at the gym", "Sport", "0"]])

        let json = directory.appendingPathComponent("rules.json")
        try #"{"rules": [{"category": "Focus", "keywords": []}]}"#.write(to: json, atomically: true, encoding: .utf8)
        environment["TALLY_CATEGORY_RULES"] = json.path
        let refused = try await TallyProcess.run(["categories", "apply"], in: directory, environment: environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("rules.json") && refused.stderr.contains("keywords"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let unchanged = try SQLiteRows.fetch(database, "SELECT category FROM time_entries ORDER BY description")
        #expect(unchanged == [["Focus"], ["Work"], ["Sport"]])
        let serve = try await TallyProcess.run(["serve", "--port", "0"], in: directory, environment: environment)
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("rules.json"), "\(serve.stderr)")
    }

    static func post(_ url: String, key: String, json: String) async throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sys, urllib.request; r = urllib.request.Request(sys.argv[1], data=sys.argv[3].encode(), headers={'Authorization': 'Bearer ' + sys.argv[2], 'Content-Type': 'application/json'}); print(urllib.request.urlopen(r).status)",
            url, key, json,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
