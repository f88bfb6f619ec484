import Foundation
import Testing
import TallyCore
import TallyServer

@Suite struct ReportsTests {
    /// An entry straight into the store, as a sync or an import would write it.
    static func entry(
        _ id: String, user: String = "ann", source: TimeEntrySource, category: String, start: String, stop: String
    ) -> TimeEntry {
        TimeEntry(
            id: id, userID: user, source: source, externalID: id, description: "\(category) \(id)", category: category,
            start: RFC3339.parse(start)!, stop: RFC3339.parse(stop)!, createdAt: Date(), updatedAt: Date())
    }

    static func createUser(_ server: TestServer, _ id: String, zone: String) async throws {
        let response = try await server.send(.POST, "/v1/users", json: #"{"id":"\#(id)","name":"\#(id)","timezone":"\#(zone)"}"#)
        guard response.status == 201 else { throw TestFailure(response.text) }
    }

    static func rows(_ response: RawResponse) throws -> [(key: String, category: String, seconds: Int, raw: Int)] {
        let rows = try response.json()["rows"] as? [[String: Any]] ?? []
        return rows.map { ($0["key"] as! String, $0["category"] as! String, $0["seconds"] as! Int, $0["raw_seconds"] as! Int) }
    }

    @Test func theSameHourInTwoSourcesCountsOnceWithTheWinnerChosenByPriority() async throws {
        try await TestServer.run { server in
            try await Self.createUser(server, "ann", zone: "Europe/Amsterdam")
            _ = try await server.store.upsertTimeEntries([
                Self.entry("t1", source: .toggl, category: "Sport", start: "2026-11-18T17:00:00Z", stop: "2026-11-18T18:00:00Z"),
                Self.entry("w1", source: .appleHealth, category: "Walking", start: "2026-11-18T17:10:00Z", stop: "2026-11-18T17:55:00Z"),
            ])
            let byDefault = try await server.send(.GET, "/v1/reports/time?from=2026-11-16&to=2026-11-22&group_by=day&user_id=ann")
            #expect(byDefault.status == 200, "\(byDefault.text)")
            #expect(try Self.rows(byDefault).map { "\($0.key) \($0.category) \($0.seconds) \($0.raw)" } == [
                "2026-11-18 Sport 3600 3600", "2026-11-18 Walking 0 2700",
            ])
            let body = try byDefault.json()
            #expect(body["total_seconds"] as? Int == 3600 && body["raw_total_seconds"] as? Int == 6300)

            let watchFirst = try await server.send(
                .GET, "/v1/reports/time?from=2026-11-16&to=2026-11-22&group_by=category&source_priority=apple_health,toggl")
            #expect(try Self.rows(watchFirst).map { "\($0.key) \($0.seconds)" } == ["Sport 900", "Walking 2700"])
            let bySource = try await server.send(.GET, "/v1/reports/time?from=2026-11-16&to=2026-11-22&group_by=source")
            #expect(try Self.rows(bySource).map { "\($0.key) \($0.seconds) \($0.raw)" } == ["apple_health 0 2700", "toggl 3600 3600"])
        }
    }

    @Test func daysAreLocalAndDaylightSavingDaysAre23Or25Hours() async throws {
        try await TestServer.run { server in
            try await Self.createUser(server, "ann", zone: "Europe/Amsterdam")
            // Local midnight to 04:00 on both change days: 3 real hours in March, 5 in October.
            _ = try await server.store.upsertTimeEntries([
                Self.entry("m", source: .toggl, category: "Read", start: "2026-03-28T23:00:00Z", stop: "2026-03-29T02:00:00Z"),
                Self.entry("o", source: .toggl, category: "Read", start: "2026-10-24T22:00:00Z", stop: "2026-10-25T03:00:00Z"),
                // 01:30–02:30 local on Saturday 21 November: Friday's, for a night owl.
                Self.entry("n", source: .toggl, category: "Coding", start: "2026-11-21T00:30:00Z", stop: "2026-11-21T01:30:00Z"),
            ])
            let march = try await server.send(.GET, "/v1/reports/time?from=2026-03-29&to=2026-03-29&group_by=day")
            #expect(try Self.rows(march).map { "\($0.key) \($0.seconds)" } == ["2026-03-29 10800"])
            let october = try await server.send(.GET, "/v1/reports/time?from=2026-10-25&to=2026-10-25&group_by=day")
            #expect(try Self.rows(october).map { "\($0.key) \($0.seconds)" } == ["2026-10-25 18000"])
            let weeks = try await server.send(.GET, "/v1/reports/time?from=2026-01-01&to=2026-12-31&group_by=month")
            #expect(try Self.rows(weeks).map(\.key) == ["2026-03", "2026-10", "2026-11"])

            let midnight = try await server.send(.GET, "/v1/reports/time?from=2026-11-20&to=2026-11-21&group_by=day")
            #expect(try Self.rows(midnight).map(\.key) == ["2026-11-21"])
            let nightOwl = try await server.send(.GET, "/v1/reports/time?from=2026-11-20&to=2026-11-21&group_by=day&day_starts_at=04:00")
            #expect(try Self.rows(nightOwl).map { "\($0.key) \($0.seconds)" } == ["2026-11-20 3600"])
            #expect(try nightOwl.json()["day_starts_at"] as? String == "04:00")
        }
    }

    @Test func badQueriesAreProblemsNamingTheParameter() async throws {
        try await TestServer.run { server in
            let reversed = try await server.send(.GET, "/v1/reports/time?from=2026-11-22&to=2026-11-16")
            #expect(reversed.status == 422 && reversed.text.contains("#/to"), "\(reversed.text)")
            let badDay = try await server.send(.GET, "/v1/reports/time?from=2026-02-30&to=2026-03-01")
            #expect(badDay.status == 400 && badDay.header("Content-Type") == "application/problem+json")
            let badStart = try await server.send(.GET, "/v1/reports/time?from=2026-11-16&to=2026-11-22&day_starts_at=25:00")
            #expect(badStart.status == 422 && badStart.text.contains("day_starts_at"))
            let badSource = try await server.send(.GET, "/v1/reports/time?from=2026-11-16&to=2026-11-22&source_priority=toggl,strava")
            #expect(badSource.status == 422 && badSource.text.contains("strava"), "\(badSource.text)")
            let badGrouping = try await server.send(.GET, "/v1/reports/time?from=2026-11-16&to=2026-11-22&group_by=year")
            #expect(badGrouping.status == 400)
            let nobody = try await server.send(.GET, "/v1/reports/time?from=2026-11-16&to=2026-11-22&user_id=nobody")
            #expect(nobody.status == 404)
            #expect(try await server.send(.GET, "/v1/reports/time?from=2026-11-16&to=2026-11-22", key: .some(nil)).status == 401)
        }
    }
}
