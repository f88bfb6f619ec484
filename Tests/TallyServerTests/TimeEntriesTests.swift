import Foundation
import Testing
import TallyCore
import TallyServer
import TallyStore

@Suite struct TimeEntriesTests {
    func create(_ server: TestServer, _ json: String) async throws -> [String: Any] {
        let response = try await server.send(.POST, "/v1/time-entries", json: json)
        guard response.status == 201 else { throw TestFailure("creating a time entry failed: \(response.status) \(response.text)") }
        return try response.json()
    }

    @Test func manualEntriesAreCategorisedByTheRulesUnlessACategoryIsGiven() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            let byRules = try await create(
                server, #"{"user_id":"ann","description":"Reading a book","start":"2026-11-20T08:00:00Z","stop":"2026-11-20T09:30:00Z"}"#)
            #expect(byRules["source"] as? String == "manual")
            #expect(byRules["category"] as? String == "Read")
            #expect(byRules["category_manual"] as? Bool == false)
            #expect(byRules["duration"] as? Int == 5400)
            let chosen = try await create(
                server,
                #"{"user_id":"ann","description":"Reading a book","category":"Work","start":"2026-11-20T10:00:00Z"}"#)
            #expect(chosen["category"] as? String == "Work")
            #expect(chosen["category_manual"] as? Bool == true)
            #expect(chosen["stop"] == nil || chosen["stop"] is NSNull)
            #expect(chosen["duration"] == nil || chosen["duration"] is NSNull)
        }
    }

    @Test func badEntriesAreRefusedWithProblems() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            let backwards = try await server.send(
                .POST, "/v1/time-entries",
                json: #"{"user_id":"ann","description":"x","start":"2026-11-20T10:00:00Z","stop":"2026-11-20T09:00:00Z"}"#)
            #expect(backwards.status == 422)
            #expect(backwards.header("Content-Type") == "application/problem+json")
            let nobody = try await server.send(
                .POST, "/v1/time-entries", json: #"{"user_id":"nobody","description":"x","start":"2026-11-20T10:00:00Z"}"#)
            #expect(nobody.status == 404 || nobody.status == 422)
            let badDate = try await server.send(.POST, "/v1/time-entries", json: #"{"user_id":"ann","description":"x","start":"yesterday"}"#)
            #expect(badDate.status == 400 || badDate.status == 422)
            let list = try await server.send(.GET, "/v1/time-entries")
            #expect((try list.json()["time_entries"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aCategoryChosenByHandStaysUntilHandedBack() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            let entry = try await create(
                server, #"{"user_id":"ann","description":"gym","start":"2026-11-20T08:00:00Z","stop":"2026-11-20T09:00:00Z"}"#)
            let id = try #require(entry["id"] as? String)
            #expect(entry["category"] as? String == "Sport")
            let changed = try await server.send(.PATCH, "/v1/time-entries/\(id)", json: #"{"category":"Yoga"}"#)
            #expect(try changed.json()["category"] as? String == "Yoga")
            let apply = try await server.send(.POST, "/v1/categories/apply")
            #expect(try apply.json()["changed"] as? Int == 0)
            #expect(try await server.send(.GET, "/v1/time-entries/\(id)").json()["category"] as? String == "Yoga")
            let handedBack = try await server.send(.PATCH, "/v1/time-entries/\(id)", json: #"{"category":null}"#)
            #expect(try handedBack.json()["category"] as? String == "Sport")
            #expect(try handedBack.json()["category_manual"] as? Bool == false)
        }
    }

    @Test func listsFilterByRangeSourceAndCategoryAndPage() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            for hour in 0..<5 {
                _ = try await create(
                    server,
                    #"{"user_id":"ann","description":"\#(hour % 2 == 0 ? "coding" : "meeting")","start":"2026-11-20T0\#(hour):00:00Z","stop":"2026-11-20T0\#(hour):45:00Z"}"#)
            }
            let coding = try await server.send(.GET, "/v1/time-entries?category=coding")
            #expect((try coding.json()["time_entries"] as? [Any])?.count == 3)
            let range = try await server.send(.GET, "/v1/time-entries?from=2026-11-20T01:50:00Z&to=2026-11-20T03:00:00Z")
            let inRange = try #require(try range.json()["time_entries"] as? [[String: Any]])
            #expect(inRange.compactMap { $0["start"] as? String } == ["2026-11-20T02:00:00.000Z"])
            #expect((try await server.send(.GET, "/v1/time-entries?source=toggl").json()["time_entries"] as? [Any])?.isEmpty == true)
            #expect(try await server.send(.GET, "/v1/time-entries?source=nonsense").status == 400)
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await server.send(.GET, "/v1/time-entries?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")).json()
                seen += (page["time_entries"] as? [[String: Any]] ?? []).compactMap { $0["start"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 5 && seen == seen.sorted())
        }
    }

    @Test func deletingRemovesAndRecordsAnEvent() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            let entry = try await create(server, #"{"user_id":"ann","description":"x","start":"2026-11-20T08:00:00Z"}"#)
            let id = try #require(entry["id"] as? String)
            #expect(try await server.send(.DELETE, "/v1/time-entries/\(id)").status == 204)
            #expect(try await server.send(.GET, "/v1/time-entries/\(id)").status == 404)
            #expect(try await server.send(.DELETE, "/v1/time-entries/\(id)").status == 404)
        }
    }

    @Test func theRulesCanBeReplacedOverTheAPIAndApplied() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            let entry = try await create(
                server, #"{"user_id":"ann","description":"Deep focus block","start":"2026-11-20T08:00:00Z","stop":"2026-11-20T09:00:00Z"}"#)
            #expect(entry["category"] as? String == "Uncategorized")
            let before = try await server.send(.GET, "/v1/categories/rules").json()
            #expect(before["origin"] as? String == "default")
            let put = try await server.send(
                .PUT, "/v1/categories/rules",
                json: ##"{"rules":[{"category":"Focus","keywords":["deep focus"]}],"categories":[{"name":"Focus","color":"#123456"}]}"##)
            #expect(put.status == 200)
            #expect(try put.json()["origin"] as? String == "api")
            let categories = try await server.send(.GET, "/v1/categories").json()["categories"] as? [[String: Any]]
            #expect(categories?.first?["name"] as? String == "Focus" && categories?.first?["color"] as? String == "#123456")
            #expect(try await server.send(.POST, "/v1/categories/apply").json()["changed"] as? Int == 1)
            let id = try #require(entry["id"] as? String)
            #expect(try await server.send(.GET, "/v1/time-entries/\(id)").json()["category"] as? String == "Focus")
            let bad = try await server.send(.PUT, "/v1/categories/rules", json: #"{"rules":[{"category":"X","keywords":[]}]}"#)
            #expect(bad.status == 422)
            #expect(try await server.send(.GET, "/v1/categories/rules").json()["origin"] as? String == "api")
            let reset = try await server.send(.DELETE, "/v1/categories/rules")
            #expect(try reset.json()["origin"] as? String == "default")
        }
    }

    @Test func changingRulesNeedsTheAdminScope() async throws {
        try await TestServer.run { server in
            let writer = try await server.makeKey([.read, .write])
            let response = try await server.send(.PUT, "/v1/categories/rules", key: writer, json: #"{"rules":[]}"#)
            #expect(response.status == 403)
        }
    }

    @Test func theTimerNeedsAConfiguredSource() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            let response = try await server.send(.POST, "/v1/timer/start", json: #"{"description":"Deep work sessie"}"#)
            #expect(response.status == 409)
            #expect(response.text.contains("TOGGL_API_TOKEN"))
        }
    }
}
