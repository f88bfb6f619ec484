import Foundation
import Testing
import TallyCore
import TallyServer

@Suite struct HealthAutoExportTests {
    static let token = "hae-test-token-0123456789"

    static func workout(id: String?, name: String, start: String, end: String) -> String {
        let idField = id.map { #""id":"\#($0)","# } ?? ""
        return #"{\#(idField)"name":"\#(name)","start":"\#(start)","end":"\#(end)","duration":2700,"distance":{"qty":8.2,"units":"km"},"activeEnergyBurned":{"qty":610,"units":"kcal"}}"#
    }

    static func run(_ body: (TestServer) async throws -> Void) async throws {
        try await TestServer.run(configure: { $0.healthWebhookToken = token }) { server in
            try await server.createUser("ann")
            try await body(server)
        }
    }

    func post(_ server: TestServer, _ json: String, headers: [(String, String)] = [("Authorization", "Bearer \(token)")])
        async throws -> RawResponse
    {
        try await server.send(.POST, "/webhooks/health", key: .some(nil), headers: headers, json: json)
    }

    @Test func theRouteIsOffWithoutAToken() async throws {
        try await TestServer.run { server in
            let response = try await server.send(.POST, "/webhooks/health", key: .some(nil), json: #"{"data":{}}"#)
            #expect(response.status == 503)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.text.contains("TALLY_HEALTH_WEBHOOK_TOKEN"))
        }
    }

    @Test func onlyTheTokenGetsIn() async throws {
        try await Self.run { (server: TestServer) async throws in
            #expect(try await post(server, #"{"data":{}}"#, headers: []).status == 401)
            #expect(try await post(server, #"{"data":{}}"#, headers: [("Authorization", "Bearer nope")]).status == 401)
            #expect(try await post(server, #"{"data":{}}"#, headers: [("Authorization", "Bearer \(server.adminKey)")]).status == 401)
            #expect(try await post(server, #"{"data":{}}"#, headers: [("api-key", Self.token)]).status == 200)
            #expect(try await post(server, #"{"data":{}}"#).status == 200)
        }
    }

    @Test func v2WorkoutsUpsertOnTheirID() async throws {
        try await Self.run { (server: TestServer) async throws in
            let run = Self.workout(id: "6A0B-1", name: "Outdoor Run", start: "2026-11-20 07:00:00 +0100", end: "2026-11-20 07:45:00 +0100")
            let yoga = Self.workout(id: "6A0B-2", name: "Yoga", start: "2026-11-20 18:00:00 +0100", end: "2026-11-20 18:30:00 +0100")
            let first = try await post(server, #"{"data":{"workouts":[\#(run),\#(yoga)]}}"#)
            #expect(first.status == 200, "\(first.text)")
            #expect(try first.json()["added"] as? Int == 2)
            let again = try await post(server, #"{"data":{"workouts":[\#(run),\#(yoga)]}}"#)
            #expect(try again.json()["unchanged"] as? Int == 2)
            #expect(try again.json()["added"] as? Int == 0)

            let longer = Self.workout(id: "6A0B-1", name: "Outdoor Run", start: "2026-11-20 07:00:00 +0100", end: "2026-11-20 07:50:00 +0100")
            let changed = try await post(server, #"{"data":{"workouts":[\#(longer)]}}"#)
            #expect(try changed.json()["updated"] as? Int == 1)

            let entries = try await server.store.timeEntries(userID: "ann", source: .healthAutoExport)
            #expect(entries.count == 2)
            let stored = try #require(entries.first { $0.description == "Outdoor Run" })
            #expect(stored.category == "Sport")
            #expect(stored.durationSeconds == 50 * 60)
            #expect(stored.start == RFC3339.parse("2026-11-20T06:00:00Z"))
            #expect(stored.details["distance"] == .object(["value": .number(8.2), "unit": .string("km")]))
            #expect(entries.first { $0.description == "Yoga" }?.category == "Yoga")
        }
    }

    @Test func v1WorkoutsUpsertOnNameStartAndEnd() async throws {
        try await Self.run { (server: TestServer) async throws in
            let walk = Self.workout(id: nil, name: "Outdoor Walk", start: "2026-11-20 12:00:00 +0100", end: "2026-11-20 12:40:00 +0100")
            #expect(try await post(server, #"{"data":{"workouts":[\#(walk)]}}"#).json()["added"] as? Int == 1)
            #expect(try await post(server, #"{"data":{"workouts":[\#(walk)]}}"#).json()["unchanged"] as? Int == 1)
            let entries = try await server.store.timeEntries(userID: "ann", source: .healthAutoExport)
            #expect(entries.map(\.category) == ["Walking"])
        }
    }

    @Test func mindfulMinutesBecomeYogaAndOtherMetricsAreIgnored() async throws {
        try await Self.run { (server: TestServer) async throws in
            let body = #"""
                {"data":{"metrics":[
                  {"name":"mindful_minutes","units":"min","data":[
                    {"qty":10,"date":"2026-11-20 21:30:00 +0100","source":"Apple Watch"},
                    {"qty":5,"date":"2026-11-21 07:00:00 +0100","source":"Headspace"}]},
                  {"name":"step_count","units":"count","data":[{"qty":8000,"date":"2026-11-20 00:00:00 +0100","source":"iPhone"}]}
                ]}}
                """#
            let response = try await post(server, body)
            #expect(response.status == 200)
            let object = try response.json()
            #expect(object["mindful_minutes"] as? Int == 2)
            #expect(object["ignored_metrics"] as? [String] == ["step_count"])
            #expect(try await post(server, body).json()["unchanged"] as? Int == 2)
            let entries = try await server.store.timeEntries(userID: "ann", source: .healthAutoExport)
            #expect(entries.map(\.category) == ["Yoga", "Yoga"])
            #expect(entries.map(\.durationSeconds) == [600, 300])
        }
    }

    @Test func batchedPostsEachCount() async throws {
        try await Self.run { (server: TestServer) async throws in
            for index in 0..<3 {
                let workout = Self.workout(
                    id: "batch-\(index)", name: "Cycling", start: "2026-11-1\(index) 07:00:00 +0000", end: "2026-11-1\(index) 08:00:00 +0000")
                #expect(try await post(server, #"{"data":{"workouts":[\#(workout)]}}"#).status == 200)
            }
            #expect(try await server.store.timeEntries(userID: "ann", source: .healthAutoExport).count == 3)
        }
    }

    @Test func badBodiesAreProblemsAndStoreNothing() async throws {
        try await Self.run { (server: TestServer) async throws in
            let good = Self.workout(id: "ok", name: "Yoga", start: "2026-11-20 18:00:00 +0100", end: "2026-11-20 18:30:00 +0100")
            let badDate = Self.workout(id: "bad", name: "Yoga", start: "yesterday", end: "2026-11-20 18:30:00 +0100")
            let hugeMindful = #"{"data":{"metrics":[{"name":"mindful_minutes","data":[{"qty":1e300,"date":"2026-11-20 06:30:00 +0100"}]}]}}"#
            for body in [
                #"{"data":{"workouts":[\#(good)"#, "not json", #"{"workouts":[]}"#,
                #"{"data":{"workouts":[\#(good),\#(badDate)]}}"#, hugeMindful,
            ] {
                let response = try await post(server, body)
                #expect(response.status == 400, "\(body)")
                #expect(response.header("Content-Type") == "application/problem+json")
            }
            #expect(try await server.store.timeEntries(userID: nil, source: nil).isEmpty)
        }
    }

    @Test func largeBodiesAreStreamedPastTheAPILimit() async throws {
        try await Self.run { (server: TestServer) async throws in
            let heartRate = (0..<100_000).map { #"{"qty":\#(120 + $0 % 40),"date":"2026-11-20 07:00:00 +0100"}"# }.joined(separator: ",")
            let body = #"{"data":{"workouts":[{"id":"big","name":"Running","start":"2026-11-20 07:00:00 +0100","end":"2026-11-20 08:00:00 +0100","heartRateData":[\#(heartRate)]}]}}"#
            #expect(body.utf8.count > 3 << 20)
            let response = try await post(server, body)
            #expect(response.status == 200, "\(response.text)")
            #expect(try response.json()["added"] as? Int == 1)
        }
        try await TestServer.run(configure: {
            $0.healthWebhookToken = Self.token
            $0.healthWebhookMaxBytes = 1000
        }) { server in
            let response = try await post(server, #"{"data":{"workouts":[]},"padding":"\#(String(repeating: "x", count: 2000))"}"#)
            #expect(response.status == 413)
        }
    }
}
