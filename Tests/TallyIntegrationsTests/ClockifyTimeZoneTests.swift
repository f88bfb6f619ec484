import AsyncHTTPClient
import Foundation
import TallyCore
import TallyTestSupport
import Testing
@testable import TallyIntegrations

/// Clockify reads `start`/`end` as wall-clock time in the account's zone. These tests put entries
/// half an hour either side of local midnight and check that windows neither lose nor repeat them.
@Suite struct ClockifyTimeZoneTests {
    /// The instant a local wall-clock time stands for in `zone` (the first one when it repeats).
    static func local(_ text: String, _ zone: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? .current
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count == 5,
            let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))
        else { preconditionFailure("bad fixture \(text)") }
        return date
    }

    /// The local day `day` (YYYY-MM-DD) in `zone`, as a UTC window from its first to its last instant.
    static func localDay(_ day: String, _ zone: String) -> DateInterval {
        let timeZone = TimeZone(identifier: zone) ?? .current
        guard let date = LocalDate(day) else { preconditionFailure("bad day \(day)") }
        let next = LocalDate(containing: date.start(in: timeZone).addingTimeInterval(30 * 3600), in: timeZone)
        return DateInterval(start: date.start(in: timeZone), end: next.start(in: timeZone).addingTimeInterval(-0.001))
    }

    func list(_ fake: FakeClockify, _ window: DateInterval, zone: String) async throws -> [ClockifyTimeEntry] {
        try await fake.client().timeEntries(
            workspaceID: fake.workspaceID, userID: fake.userID, start: window.start, end: window.end, accountTimeZone: zone)
    }

    @Test("the fake keeps the trap: a client sending the UTC window as is loses and gains entries near midnight")
    func naiveClientIsWrong() async throws {
        try await FakeClockify.run(timeZone: "Europe/Amsterdam") { fake in
            let zone = "Europe/Amsterdam"
            fake.addEntry("before", start: Self.local("2026-11-09T23:30", zone), end: Self.local("2026-11-09T23:50", zone))
            fake.addEntry("first", start: Self.local("2026-11-10T00:30", zone), end: Self.local("2026-11-10T00:50", zone))
            fake.addEntry("last", start: Self.local("2026-11-10T23:30", zone), end: Self.local("2026-11-10T23:50", zone))
            fake.addEntry("after", start: Self.local("2026-11-11T00:30", zone), end: Self.local("2026-11-11T00:50", zone))
            // Local 2026-11-10 is 2026-11-09T23:00Z to 2026-11-10T23:00Z; sent as such, Clockify
            // reads 23:00 and 23:00 local, an hour early at both ends.
            var request = HTTPClientRequest(
                url: "\(fake.apiURL)/workspaces/\(fake.workspaceID)/user/\(fake.userID)/time-entries?start=2026-11-09T23:00:00Z&end=2026-11-10T23:00:00Z")
            request.headers.add(name: "X-Api-Key", value: fake.apiKey)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            let naive = try JSONDecoder().decode([ClockifyTimeEntry].self, from: Data(buffer: body)).map(\.description)
            #expect(Set(naive) == ["before", "first"])

            let exact = try await list(fake, Self.localDay("2026-11-10", zone), zone: zone).map(\.description)
            #expect(Set(exact) == ["first", "last"])
        }
    }

    @Test(
        "local days in the account's zone hold exactly their entries, DST change days included",
        arguments: [
            ("Europe/Amsterdam", "2026-10-21", 8), ("Europe/Amsterdam", "2026-03-25", 8), ("America/New_York", "2026-10-29", 6),
            ("America/New_York", "2026-03-05", 6), ("Asia/Kolkata", "2026-06-01", 3), ("Pacific/Kiritimati", "2026-06-01", 3),
            ("Pacific/Pago_Pago", "2026-06-01", 3), ("Australia/Lord_Howe", "2026-04-02", 6), ("UTC", "2026-06-01", 3),
        ])
    func consecutiveDays(zone: String, firstDay: String, days: Int) async throws {
        try await FakeClockify.run(timeZone: zone) { fake in
            guard let first = LocalDate(firstDay), let timeZone = TimeZone(identifier: zone) else {
                Issue.record("bad arguments")
                return
            }
            var day = first
            var dayNames: [LocalDate] = []
            var expected: [String: LocalDate] = [:]
            for _ in 0..<days {
                dayNames.append(day)
                for time in ["00:00", "00:30", "12:00", "23:30", "23:59"] {
                    let start = Self.local("\(day)T\(time)", zone)
                    let id = fake.addEntry("\(day) \(time)", start: start, end: start.addingTimeInterval(60))
                    expected[id] = day
                }
                day = LocalDate(containing: day.start(in: timeZone).addingTimeInterval(30 * 3600), in: timeZone)
            }
            var seen: [String: LocalDate] = [:]
            for day in dayNames {
                for entry in try await list(fake, Self.localDay(day.description, zone), zone: zone) {
                    #expect(seen[entry.id] == nil, "\(entry.description) listed on \(day) and on \(String(describing: seen[entry.id]))")
                    seen[entry.id] = day
                }
            }
            #expect(seen == expected)
        }
    }

    @Test("a window edge inside the repeated hour of a DST change keeps both halves of that hour apart")
    func edgeInRepeatedHour() async throws {
        try await FakeClockify.run(timeZone: "Europe/Amsterdam") { fake in
            // On 2026-10-25 Amsterdam goes from 03:00 CEST back to 02:00 CET: 00:30Z and 01:30Z are both 02:30 local.
            let early = fake.addEntry("02:15 CEST", start: ClockifyFixtures.date("2026-10-25T00:15:00Z"), end: ClockifyFixtures.date("2026-10-25T00:20:00Z"))
            let middle = fake.addEntry("02:45 CEST", start: ClockifyFixtures.date("2026-10-25T00:45:00Z"), end: ClockifyFixtures.date("2026-10-25T00:50:00Z"))
            let late = fake.addEntry("02:15 CET", start: ClockifyFixtures.date("2026-10-25T01:15:00Z"), end: ClockifyFixtures.date("2026-10-25T01:20:00Z"))
            let edge = ClockifyFixtures.date("2026-10-25T00:30:00Z")
            let before = DateInterval(start: edge.addingTimeInterval(-86_400), end: edge.addingTimeInterval(-0.001))
            let after = DateInterval(start: edge, end: edge.addingTimeInterval(86_400))
            let listedBefore = try await list(fake, before, zone: "Europe/Amsterdam")
            let listedAfter = try await list(fake, after, zone: "Europe/Amsterdam")
            #expect(listedBefore.map(\.id) == [early])
            #expect(listedAfter.map(\.id) == [late, middle])
        }
    }

    @Test("an account zone this machine does not know still gives exactly the window")
    func unknownZone() async throws {
        try await FakeClockify.run(timeZone: "Asia/Tokyo") { fake in
            let inside = fake.addEntry("inside", start: ClockifyFixtures.date("2026-06-01T00:10:00Z"), end: ClockifyFixtures.date("2026-06-01T00:20:00Z"))
            fake.addEntry("before", start: ClockifyFixtures.date("2026-05-31T23:50:00Z"), end: ClockifyFixtures.date("2026-05-31T23:55:00Z"))
            fake.addEntry("after", start: ClockifyFixtures.date("2026-06-02T00:10:00Z"), end: ClockifyFixtures.date("2026-06-02T00:20:00Z"))
            let window = DateInterval(start: ClockifyFixtures.date("2026-06-01T00:00:00Z"), end: ClockifyFixtures.date("2026-06-02T00:00:00Z"))
            let listed = try await list(fake, window, zone: "Mars/Olympus_Mons")
            #expect(listed.map(\.id) == [inside])
        }
    }

    @Test("the query is the window a day wider on each side, as wall-clock time in the account's zone")
    func queryValues() {
        let window = DateInterval(start: ClockifyFixtures.date("2026-11-09T23:00:00Z"), end: ClockifyFixtures.date("2026-11-10T22:59:59.500Z"))
        let amsterdam = ClockifyQueryWindow(covering: window, accountTimeZone: "Europe/Amsterdam")
        #expect([amsterdam.start, amsterdam.end] == ["2026-11-09T00:00:00Z", "2026-11-12T00:00:00Z"])
        let newYork = ClockifyQueryWindow(covering: window, accountTimeZone: "America/New_York")
        #expect([newYork.start, newYork.end] == ["2026-11-08T18:00:00Z", "2026-11-11T18:00:00Z"])
        let unknown = ClockifyQueryWindow(covering: window, accountTimeZone: nil)
        #expect([unknown.start, unknown.end] == ["2026-11-08T23:00:00Z", "2026-11-11T23:00:00Z"])
    }
}
