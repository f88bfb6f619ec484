import Foundation
import Testing
import TallyCore
import TallyServer

@Suite struct GoalsTests {
    static let goals = #"{"daily":{"reviews":5,"demos":2},"weekly_categories":[{"category":"Sport","hours":1.5}],"users":{"bo":{"daily":{"reviews":8}}}}"#

    @Test func goalsAreReadAndReplacedByAdminsAndValidated() async throws {
        try await TestServer.run { server in
            let empty = try await server.send(.GET, "/v1/goals")
            #expect(empty.status == 200, "\(empty.text)")
            let put = try await server.send(.PUT, "/v1/goals", json: Self.goals)
            #expect(put.status == 200, "\(put.text)")
            let read = try await server.send(.GET, "/v1/goals").json()
            #expect((read["daily"] as? [String: Any])?["reviews"] as? Int == 5)
            #expect(((read["weekly_categories"] as? [[String: Any]])?.first?["hours"] as? Double) == 1.5)
            #expect((((read["users"] as? [String: Any])?["bo"] as? [String: Any])?["daily"] as? [String: Any])?["reviews"] as? Int == 8)

            let writer = try await server.makeKey([.write])
            #expect(try await server.send(.PUT, "/v1/goals", key: .some(writer), json: Self.goals).status == 403)
            let negative = try await server.send(.PUT, "/v1/goals", json: #"{"daily":{"reviews":-1}}"#)
            #expect(negative.status == 422, "\(negative.text)")
            let tooLong = try await server.send(.PUT, "/v1/goals", json: #"{"weekly_categories":[{"category":"Sport","hours":200}]}"#)
            #expect(tooLong.status == 422 && tooLong.text.contains("weekly_categories/0/hours"), "\(tooLong.text)")
            // A refused change leaves the goals as they were.
            #expect((try await server.send(.GET, "/v1/goals").json()["daily"] as? [String: Any])?["reviews"] as? Int == 5)
        }
    }

    @Test func goalAchievedIsSentOnceWhenATargetIsFirstMetInItsPeriod() async throws {
        try await TestServer.run(configure: { $0.webhookDeliveryEnabled = false }) { server in
            try await server.createUser("ann")
            let hook = try await server.send(
                .POST, "/v1/webhooks", json: #"{"url":"http://127.0.0.1:9/hook","events":["goal.achieved"]}"#)
            #expect(hook.status == 201, "\(hook.text)")
            let endpointID = try hook.json()["id"] as! String
            #expect(try await server.send(.PUT, "/v1/goals", json: #"{"daily":{"reviews":5},"weekly_categories":[{"category":"Sport","hours":1}]}"#).status == 200)

            let low = try await server.send(
                .POST, "/v1/daily-logs", json: #"{"user_id":"ann","date":"2026-11-20","reviews":3,"demos":0,"callbacks":0}"#)
            let logID = try low.json()["id"] as! String
            var events = try await server.store.deliveries(endpointID: endpointID, after: nil, limit: 100)
            #expect(events.isEmpty)

            _ = try await server.send(.PATCH, "/v1/daily-logs/\(logID)", json: #"{"reviews":5}"#)
            events = try await server.store.deliveries(endpointID: endpointID, after: nil, limit: 100)
            #expect(events.count == 2)  // reviews, and every daily target
            // Down and up again, and more: the day's goal was already announced.
            _ = try await server.send(.PATCH, "/v1/daily-logs/\(logID)", json: #"{"reviews":1}"#)
            _ = try await server.send(.PATCH, "/v1/daily-logs/\(logID)", json: #"{"reviews":9}"#)
            #expect(try await server.store.deliveries(endpointID: endpointID, after: nil, limit: 100).count == 2)

            // Weekly category time: 45 minutes is not an hour; another 30 minutes is.
            let monday = ISOWeek.monday(of: LocalDate(containing: Date(), in: .gmt))
            for (start, stop) in [("10:00", "10:45"), ("11:00", "11:30")] {
                let start = "\(monday)T\(start):00Z", stop = "\(monday)T\(stop):00Z"
                let created = try await server.send(
                    .POST, "/v1/time-entries",
                    json: #"{"user_id":"ann","description":"gym","category":"Sport","start":"\#(start)","stop":"\#(stop)"}"#)
                #expect(created.status == 201, "\(created.text)")
                let expected = start.hasSuffix("10:00:00Z") ? 2 : 3
                #expect(try await server.store.deliveries(endpointID: endpointID, after: nil, limit: 100).count == expected)
            }
            let types = try await server.store.deliveries(endpointID: endpointID, after: nil, limit: 100).map(\.eventType)
            #expect(Set(types) == ["goal.achieved"])
        }
    }

    @Test func theGoalReportHasStreaksAndALeaderboard() async throws {
        try await TestServer.run { server in
            try await server.createUser("ann")
            try await server.createUser("bo")
            #expect(try await server.send(.PUT, "/v1/goals", json: #"{"daily":{"reviews":5}}"#).status == 200)
            // Ann meets it Mon–Fri 16–20 Nov (the weekend has no logs); Bo only on Friday.
            for day in 16...20 {
                _ = try await server.send(
                    .POST, "/v1/daily-logs", json: #"{"user_id":"ann","date":"2026-11-\#(day)","reviews":6,"demos":1,"callbacks":1}"#)
            }
            _ = try await server.send(
                .POST, "/v1/daily-logs", json: #"{"user_id":"bo","date":"2026-11-20","reviews":20,"demos":0,"callbacks":0}"#)
            let response = try await server.send(.GET, "/v1/reports/goals?from=2026-11-16&to=2026-11-22")
            #expect(response.status == 200, "\(response.text)")
            let body = try response.json()
            let leaderboard = body["leaderboard"] as? [[String: Any]] ?? []
            #expect(leaderboard.map { $0["user_id"] as? String } == ["ann", "bo"])
            #expect(leaderboard.map { $0["rank"] as? Int } == [1, 2])
            #expect(leaderboard.first?["days_achieved"] as? Int == 5 && leaderboard.first?["total"] as? Int == 40)
            let ann = (body["users"] as? [[String: Any]])?.first { $0["user_id"] as? String == "ann" }
            #expect(ann?["current_streak"] as? Int == 5, "\(String(describing: ann))")
            #expect(ann?["longest_streak"] as? Int == 5)
            #expect((ann?["days"] as? [[String: Any]])?.count == 7)
            let missing = try await server.send(.GET, "/v1/reports/goals?from=2026-11-16")
            #expect((400...422).contains(missing.status) && missing.text.contains("to"), "\(missing.text)")
            #expect(missing.header("Content-Type") == "application/problem+json")
        }
    }
}
