import Foundation
import Testing
@testable import TallyCore

@Suite struct LocalDateTests {
    @Test(arguments: ["2026-11-21", "2024-02-29", "0001-01-01", "9999-12-31"])
    func parsesValidDates(_ text: String) throws {
        let date = try #require(LocalDate(text))
        #expect(date.description == text)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-11-21", "2026/11/21", "", "2026-11-21T00:00:00Z", "２０２６-11-21"])
    func rejectsInvalidDates(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func ordersChronologically() throws {
        let dates = ["2026-11-21", "2025-12-31", "2026-01-02"].compactMap { LocalDate($0) }
        #expect(dates.sorted().map(\.description) == ["2025-12-31", "2026-01-02", "2026-11-21"])
    }

    @Test func todayDependsOnTheTimezone() throws {
        // 2026-11-21T23:30:00Z is already the 22nd in Amsterdam and still the 21st in New York.
        let instant = try #require(RFC3339.parse("2026-11-21T23:30:00Z"))
        #expect(LocalDate(containing: instant, in: TimeZone(identifier: "Europe/Amsterdam")!).description == "2026-11-22")
        #expect(LocalDate(containing: instant, in: TimeZone(identifier: "America/New_York")!).description == "2026-11-21")
    }

    @Test func dayStartFollowsTheZone() throws {
        let day = try #require(LocalDate("2026-03-29"))
        let start = day.start(in: TimeZone(identifier: "Europe/Amsterdam")!)
        #expect(start == RFC3339.parse("2026-03-28T23:00:00Z"))
    }
}

@Suite struct RFC3339Tests {
    @Test func parsesUTCAndOffsets() throws {
        let utc = try #require(RFC3339.parse("2026-11-23T14:00:00Z"))
        let offset = try #require(RFC3339.parse("2026-11-23T15:00:00+01:00"))
        let negative = try #require(RFC3339.parse("2026-11-23T09:00:00-05:00"))
        #expect(utc == offset)
        #expect(utc == negative)
        #expect(utc.timeIntervalSince1970 == 1_795_442_400)
    }

    @Test func keepsFractionalSeconds() throws {
        let date = try #require(RFC3339.parse("2026-11-23T14:00:00.250Z"))
        #expect(abs(date.timeIntervalSince1970 - 1_795_442_400.25) < 0.0001)
    }

    @Test(arguments: ["2026-11-23", "2026-11-23T14:00:00", "2026-11-23T25:00:00Z", "2026-11-23T14:00:00+1:00", "2026-11-23T14:00:00Zjunk", "2026-02-30T14:00:00Z", "2026-11-23T14:00:00.Z"])
    func rejectsMalformedTimes(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func agreesWithFoundationOverManyDays() throws {
        let formatter = ISO8601DateFormatter()
        for days in stride(from: -40_000, through: 40_000, by: 997) {
            let date = Date(timeIntervalSince1970: Double(days) * 86_400 + 12_345)
            #expect(RFC3339.parse(formatter.string(from: date)) == date)
        }
    }
}

@Suite struct RFC3339FormatTests {
    @Test func formatsUTCWithMilliseconds() throws {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_442_400.25)) == "2026-11-23T14:00:00.250Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }

    @Test func formatThenParseRoundTripsToTheMillisecond() throws {
        for step in stride(from: -3_000_000_000.0, through: 3_000_000_000.0, by: 7_777_777.123) {
            let date = Date(timeIntervalSince1970: (step * 1000).rounded() / 1000)
            let parsed = try #require(RFC3339.parse(RFC3339.format(date)))
            #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.0005)
        }
    }
}

@Suite struct ZonelessTimeTests {
    @Test func readsSQLiteTimesAsUTC() {
        #expect(RFC3339.parseAssumingUTC("2026-11-23 14:00:00.250") == Date(timeIntervalSince1970: 1_795_442_400.25))
        #expect(RFC3339.parseAssumingUTC("2026-11-23 14:00:00") == Date(timeIntervalSince1970: 1_795_442_400))
        #expect(RFC3339.parse("2026-11-23 14:00:00.250") == nil)
        #expect(RFC3339.parseAssumingUTC("2026-11-23 14:00") == nil)
    }
}
