import Foundation
import Testing
import TallyTestSupport

/// Whose entries an (source, external id) names, and what a manual entry must be.
@Suite struct TimeEntryIdentityTests {
    /// Two workouts, as the Health app writes them.
    static let export = """
        <?xml version="1.0" encoding="UTF-8"?>
        <HealthData locale="en_NL">
         <ExportDate value="2026-11-30 20:00:00 +0100"/>
         <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" sourceName="Watch" startDate="2026-11-28 08:00:00 +0100" endDate="2026-11-28 08:30:00 +0100">
          <MetadataEntry key="HKTimeZone" value="Europe/Amsterdam"/>
         </Workout>
         <Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="45" durationUnit="min" sourceName="Watch" startDate="2026-11-29 18:00:00 +0100" endDate="2026-11-29 18:45:00 +0100"/>
        </HealthData>
        """

    static func importExport(_ server: TestServer, for user: String) async throws -> [String: Any] {
        let accepted = try await server.send(
            .POST, "/v1/imports/apple-health?user_id=\(user)", body: (Data(export.utf8), "application/xml"))
        #expect(accepted.status == 202, "\(accepted.text)")
        let id = try #require(try accepted.json()["id"] as? String)
        for _ in 0..<200 {
            let state = try await server.send(.GET, "/v1/imports/\(id)").json()
            if state["state"] as? String != "running" { return state }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("import \(id) did not finish")
    }

    static func entries(_ server: TestServer, of user: String) async throws -> [[String: Any]] {
        let listed = try await server.send(.GET, "/v1/time-entries?user_id=\(user)")
        return try #require(try listed.json()["time_entries"] as? [[String: Any]], "\(listed.text)")
    }

    @Test func oneUsersImportDoesNotBlockAnothersAndAReimportAddsNothing() async throws {
        try await TestServer.run { server in
            for user in ["alice", "bob"] {
                #expect(try await server.send(.POST, "/v1/users", json: #"{"id":"\#(user)","name":"\#(user)"}"#).status == 201)
            }
            let alice = try await Self.importExport(server, for: "alice")
            #expect(alice["state"] as? String == "succeeded" && alice["added"] as? Int == 2, "\(alice)")
            let bob = try await Self.importExport(server, for: "bob")
            #expect(bob["state"] as? String == "succeeded" && bob["added"] as? Int == 2 && bob["already_present"] as? Int == 0, "\(bob)")
            let again = try await Self.importExport(server, for: "alice")
            #expect(again["added"] as? Int == 0 && again["already_present"] as? Int == 2, "\(again)")

            let bobs = try await Self.entries(server, of: "bob")
            #expect(bobs.count == 2 && bobs.allSatisfy { $0["user_id"] as? String == "bob" && $0["source"] as? String == "apple_health" })
            #expect(try await Self.entries(server, of: "alice").count == 2)
            // The same workout, one entry each, with the same external id.
            #expect(Set(bobs.compactMap { $0["external_id"] as? String }) == Set(try await Self.entries(server, of: "alice").compactMap { $0["external_id"] as? String }))
        }
    }

    @Test func aManualEntryMustBeManualLastAndNotRunFromTheFuture() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: #"{"id":"alice","name":"Alice"}"#).status == 201)
            let later = RFC3339Text.format(Date().addingTimeInterval(3600))
            let soon = RFC3339Text.format(Date().addingTimeInterval(-5))
            let refused: [(String, String)] = [
                (#"{"user_id":"alice","description":"x","start":"2026-11-30T08:00:00Z","stop":"2026-11-30T09:00:00Z","source":"toggl"}"#, "#/source"),
                (#"{"user_id":"alice","description":"x","start":"2026-11-30T08:00:00Z","stop":"2026-11-30T09:00:00Z","source":"apple_health"}"#, "#/source"),
                (#"{"user_id":"alice","description":"x","start":"2026-11-30T08:00:00Z","stop":"2026-11-30T08:00:00Z"}"#, "#/stop"),
                (#"{"user_id":"alice","description":"x","start":"\#(later)"}"#, "#/start"),
            ]
            for (body, pointer) in refused {
                let response = try await server.send(.POST, "/v1/time-entries", json: body)
                #expect(response.status == 422, "\(body): \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
                let errors = try response.json()["errors"] as? [[String: Any]]
                #expect(errors?.first?["pointer"] as? String == pointer, "\(body): \(response.text)")
            }
            #expect(try await Self.entries(server, of: "alice").isEmpty)

            let manual = try await server.send(
                .POST, "/v1/time-entries",
                json: #"{"user_id":"alice","description":"x","start":"2026-11-30T08:00:00Z","stop":"2026-11-30T09:00:00Z","source":"manual"}"#)
            #expect(manual.status == 201, "\(manual.text)")
            let running = try await server.send(.POST, "/v1/time-entries", json: #"{"user_id":"alice","description":"now","start":"\#(soon)"}"#)
            #expect(running.status == 201, "\(running.text)")
            let planned = try await server.send(
                .POST, "/v1/time-entries", json: #"{"user_id":"alice","description":"planned","start":"\#(later)","stop":"\#(RFC3339Text.format(Date().addingTimeInterval(7200)))"}"#)
            #expect(planned.status == 201, "\(planned.text)")
            // A change that would make an entry last no time is refused the same way.
            let id = try #require(try manual.json()["id"] as? String)
            let emptied = try await server.send(.PATCH, "/v1/time-entries/\(id)", json: #"{"stop":"2026-11-30T08:00:00Z"}"#)
            #expect(emptied.status == 422, "\(emptied.text)")
        }
    }
}

/// RFC 3339 with whole seconds in UTC, as a client writes it.
enum RFC3339Text {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// Disk use of imports: the write-ahead log a large import leaves is folded back and cut to size.
@Suite struct ImportDiskUseTests {
    @Test func aLargeImportLeavesNoLargeWriteAheadLog() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.POST, "/v1/users", json: #"{"id":"alice","name":"Alice"}"#).status == 201)
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HealthData locale=\"en_NL\">\n"
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            for index in 0..<20_000 {
                let from = start.addingTimeInterval(Double(index) * 7200)
                xml += """
                     <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30" durationUnit="min" sourceName="Watch" \
                    startDate="\(formatter.string(from: from)) +0000" endDate="\(formatter.string(from: from.addingTimeInterval(1800))) +0000"/>\n
                    """
            }
            xml += "</HealthData>\n"
            let accepted = try await server.send(
                .POST, "/v1/imports/apple-health?user_id=alice", body: (Data(xml.utf8), "application/xml"))
            #expect(accepted.status == 202, "\(accepted.text)")
            let id = try #require(try accepted.json()["id"] as? String)
            var state: [String: Any] = [:]
            for _ in 0..<600 {
                state = try await server.send(.GET, "/v1/imports/\(id)").json()
                if state["state"] as? String != "running" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state["state"] as? String == "succeeded" && state["added"] as? Int == 20_000, "\(state)")
            // 20,000 rows went through the log; once the import is over it is truncated.
            let wal = server.databasePath + "-wal"
            var size = Int.max
            for _ in 0..<200 {
                size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
                if size < 256 << 10 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(size < 256 << 10, "the write-ahead log is \(size) bytes after the import")
        }
    }
}
