import Foundation
import Testing
@testable import TallyCore

/// Local days, DST, the start-of-day offset and ISO weeks, as reports see them.
@Suite struct ReportCalendarTests {
    let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!
    let newYork = TimeZone(identifier: "America/New_York")!

    func time(_ text: String) -> Date { RFC3339.parse(text)! }
    func date(_ text: String) -> LocalDate { LocalDate(text)! }

    func report(
        _ spans: [ReportSpan], _ first: String, _ last: String, zone: TimeZone, grouping: ReportGrouping = .day,
        dayStartsAt: DayStartTime = .midnight
    ) -> TimeReport {
        TimeReport(
            spans: spans,
            options: ReportOptions(
                grouping: grouping, range: date(first)...date(last), defaultTimeZone: zone, dayStartsAt: dayStartsAt,
                now: time("2030-01-01T00:00:00Z")))
    }

    func span(_ start: String, _ stop: String, id: String = "e1") -> ReportSpan {
        ReportSpan(
            id: id, userID: "u1", source: .toggl, category: "Work", description: "", start: time(start), stop: time(stop))
    }

    func seconds(_ report: TimeReport, _ key: String) -> Int {
        report.rows.filter { $0.key == key }.reduce(0) { $0 + $1.seconds }
    }

    // MARK: DST

    @Test func springForwardNightIsShorterInAmsterdam() {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST, so 00:00–04:00 on the wall holds 3 hours.
        let night = report([span("2026-03-29T00:00:00+01:00", "2026-03-29T04:00:00+02:00")], "2026-03-29", "2026-03-29", zone: amsterdam)
        #expect(night.rows == [TimeReport.Row(key: "2026-03-29", category: "Work", seconds: 3 * 3600, rawSeconds: 3 * 3600)])
        let wholeDays = report([span("2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z")], "2026-03-28", "2026-03-30", zone: amsterdam)
        #expect(seconds(wholeDays, "2026-03-28") == 24 * 3600)
        #expect(seconds(wholeDays, "2026-03-29") == 23 * 3600)
        #expect(seconds(wholeDays, "2026-03-30") == 24 * 3600)
        #expect(wholeDays.totalSeconds == 71 * 3600)
    }

    @Test func fallBackNightIsLongerInAmsterdam() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET, so 00:00–04:00 on the wall holds 5 hours.
        let night = report([span("2026-10-25T00:00:00+02:00", "2026-10-25T04:00:00+01:00")], "2026-10-25", "2026-10-25", zone: amsterdam)
        #expect(night.totalSeconds == 5 * 3600)
        let wholeDays = report([span("2026-10-23T12:00:00Z", "2026-10-27T12:00:00Z")], "2026-10-24", "2026-10-26", zone: amsterdam)
        #expect(seconds(wholeDays, "2026-10-24") == 24 * 3600)
        #expect(seconds(wholeDays, "2026-10-25") == 25 * 3600)
        #expect(seconds(wholeDays, "2026-10-26") == 24 * 3600)
    }

    @Test func newYorkChangesOnOtherDays() {
        let spring = report([span("2026-03-07T12:00:00Z", "2026-03-10T12:00:00Z")], "2026-03-08", "2026-03-08", zone: newYork)
        #expect(spring.totalSeconds == 23 * 3600)
        let springNight = report([span("2026-03-08T00:00:00-05:00", "2026-03-08T04:00:00-04:00")], "2026-03-08", "2026-03-08", zone: newYork)
        #expect(springNight.totalSeconds == 3 * 3600)
        let autumn = report([span("2026-10-31T12:00:00Z", "2026-11-03T12:00:00Z")], "2026-11-01", "2026-11-01", zone: newYork)
        #expect(autumn.totalSeconds == 25 * 3600)
        // Amsterdam's change a week earlier is an ordinary day in New York.
        let amsterdamsDay = report([span("2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z")], "2026-03-29", "2026-03-29", zone: newYork)
        #expect(amsterdamsDay.totalSeconds == 24 * 3600)
    }

    // MARK: Start of day

    @Test func nightOwlHoursCountForTheDayBefore() throws {
        let four = try #require(DayStartTime("04:00"))
        // Saturday 2026-03-14 01:30 in Amsterdam still belongs to Friday.
        let late = report([span("2026-03-14T01:30:00+01:00", "2026-03-14T02:00:00+01:00")], "2026-03-13", "2026-03-14", zone: amsterdam, dayStartsAt: four)
        #expect(late.rows.map(\.key) == ["2026-03-13"])
        #expect(LocalDate(containing: time("2026-03-14T01:30:00+01:00"), in: amsterdam, dayStartsAt: four) == date("2026-03-13"))
        #expect(LocalDate(containing: time("2026-03-14T04:00:00+01:00"), in: amsterdam, dayStartsAt: four) == date("2026-03-14"))
        // 03:00–05:00 straddles the 04:00 boundary: an hour on each side.
        let straddling = report([span("2026-03-14T03:00:00+01:00", "2026-03-14T05:00:00+01:00")], "2026-03-13", "2026-03-14", zone: amsterdam, dayStartsAt: four)
        #expect(straddling.rows.map(\.key) == ["2026-03-13", "2026-03-14"])
        #expect(straddling.rows.map(\.seconds) == [3600, 3600])
        // Without the offset, all of it is Saturday.
        let midnight = report([span("2026-03-14T03:00:00+01:00", "2026-03-14T05:00:00+01:00")], "2026-03-13", "2026-03-14", zone: amsterdam)
        #expect(midnight.rows.map(\.key) == ["2026-03-14"])
    }

    @Test func offsetOnDSTNights() throws {
        let four = try #require(DayStartTime(hour: 4, minute: 0))
        // Saturday 04:00 CET to Sunday 04:00 CEST is 23 hours.
        let days = report([span("2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z")], "2026-03-28", "2026-03-29", zone: amsterdam, dayStartsAt: four)
        #expect(seconds(days, "2026-03-28") == 23 * 3600)
        #expect(seconds(days, "2026-03-29") == 24 * 3600)
        // 02:30 does not exist on 2026-03-29: that day begins when the clock jumps to 03:00.
        let gap = try #require(DayStartTime("02:30"))
        #expect(date("2026-03-29").start(in: amsterdam, dayStartsAt: gap) == time("2026-03-29T03:00:00+02:00"))
        #expect(date("2026-03-28").start(in: amsterdam, dayStartsAt: gap) == time("2026-03-28T02:30:00+01:00"))
        // 02:30 happens twice on 2026-10-25: the day begins at the first.
        #expect(date("2026-10-25").start(in: amsterdam, dayStartsAt: gap) == time("2026-10-25T02:30:00+02:00"))
        // New York skips 02:00–03:00.
        let two = try #require(DayStartTime("02:00"))
        #expect(date("2026-03-08").start(in: newYork, dayStartsAt: two) == time("2026-03-08T03:00:00-04:00"))
        // The days around the gap are 24 − 0.5 and 24 h long.
        let around = report([span("2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z")], "2026-03-28", "2026-03-29", zone: amsterdam, dayStartsAt: gap)
        #expect(seconds(around, "2026-03-28") == 23 * 3600 + 1800)
        #expect(seconds(around, "2026-03-29") == 24 * 3600 - 1800)
    }

    @Test func midnightStartAgreesWithLocalDateStart() {
        for zone in [amsterdam, newYork, TimeZone(identifier: "America/Santiago")!, TimeZone(identifier: "Asia/Tehran")!] {
            for day in stride(from: date("2026-01-01"), through: date("2026-12-31"), by: 1) {
                #expect(day.start(in: zone, dayStartsAt: .midnight) == day.start(in: zone), "\(day) in \(zone.identifier)")
            }
        }
    }

    @Test func skippedDayBeginsAfterTheGap() {
        // Samoa skipped 2011-12-30: the day "begins" where the 31st does.
        let apia = TimeZone(identifier: "Pacific/Apia")!
        #expect(date("2011-12-30").start(in: apia, dayStartsAt: .midnight) == time("2011-12-31T00:00:00+14:00"))
        #expect(date("2011-12-31").start(in: apia, dayStartsAt: .midnight) == time("2011-12-31T00:00:00+14:00"))
    }

    @Test func parsesDayStartTimes() {
        #expect(DayStartTime("04:00") == DayStartTime(hour: 4, minute: 0))
        #expect(DayStartTime("4:30")?.description == "04:30")
        #expect(DayStartTime("23:59")?.description == "23:59")
        for bad in ["24:00", "12:60", "1200", "12:0", "-1:00", "", "ab:cd", "12:00:00"] {
            #expect(DayStartTime(bad) == nil, "\(bad)")
        }
        #expect(DayStartTime(hour: 24, minute: 0) == nil)
    }

    // MARK: Weeks and months

    @Test(arguments: [
        ("2026-12-31", "2026-W53"), ("2027-01-01", "2026-W53"), ("2027-01-03", "2026-W53"), ("2027-01-04", "2027-W01"),
        ("2020-12-31", "2020-W53"), ("2021-01-03", "2020-W53"), ("2021-01-04", "2021-W01"),
        ("2025-12-29", "2026-W01"), ("2024-12-30", "2025-W01"), ("2026-03-23", "2026-W13"), ("2026-03-29", "2026-W13"),
        ("2026-03-30", "2026-W14"), ("0001-01-01", "0001-W01"),
    ])
    func weekKeys(_ day: String, _ key: String) throws {
        #expect(ISOWeek.key(of: date(day)) == key)
        let monday = try #require(ISOWeek.monday(ofKey: key))
        #expect(monday.isoWeekday == 1)
        #expect(ISOWeek.monday(of: date(day)) == monday)
    }

    @Test func weekKeysAgreeWithFoundationsISOCalendar() {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for day in stride(from: date("1999-12-01"), through: date("2031-02-01"), by: 3) {
            let noon = Date(timeIntervalSince1970: Double(day.daysSince1970) * 86_400 + 43_200)
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear, .weekday], from: noon)
            #expect(ISOWeek.key(of: day) == ISOWeek.key(year: parts.yearForWeekOfYear!, week: parts.weekOfYear!))
            // Foundation counts Sunday as 1.
            #expect(day.isoWeekday == (parts.weekday! + 5) % 7 + 1)
        }
    }

    @Test func rejectsWeeksThatDoNotExist() {
        #expect(ISOWeek.monday(ofKey: "2020-W53") == date("2020-12-28"))
        #expect(ISOWeek.monday(ofKey: "2021-W53") == nil)
        #expect(ISOWeek.monday(ofKey: "2026-W00") == nil)
        #expect(ISOWeek.monday(ofKey: "2026-W1") == nil)
        #expect(ISOWeek.monday(ofKey: "2026-13") == nil)
        #expect(ISOWeek.weeks(in: 2026) == 53)
        #expect(ISOWeek.weeks(in: 2027) == 52)
    }

    @Test func weekAndMonthGroupingsSplitAtTheirEdges() {
        // Sunday 2026-03-29 22:00 to Monday 02:00 in Amsterdam: two hours in W13, two in W14.
        let spans = [span("2026-03-29T22:00:00+02:00", "2026-03-30T02:00:00+02:00")]
        let weeks = report(spans, "2026-03-23", "2026-04-05", zone: amsterdam, grouping: .week)
        #expect(weeks.rows.map(\.key) == ["2026-W13", "2026-W14"])
        #expect(weeks.rows.map(\.seconds) == [7200, 7200])
        // 2026-03-31 23:00 to 2026-04-01 01:00: an hour in each month.
        let months = report([span("2026-03-31T23:00:00+02:00", "2026-04-01T01:00:00+02:00")], "2026-03-01", "2026-04-30", zone: amsterdam, grouping: .month)
        #expect(months.rows.map(\.key) == ["2026-03", "2026-04"])
        #expect(months.rows.map(\.seconds) == [3600, 3600])
        // The year's last days are in week 53 of the year before.
        let newYear = report([span("2027-01-01T10:00:00+01:00", "2027-01-01T11:00:00+01:00")], "2027-01-01", "2027-01-07", zone: amsterdam, grouping: .week)
        #expect(newYear.rows.map(\.key) == ["2026-W53"])
    }

    // MARK: Day arithmetic

    @Test func localDateArithmetic() throws {
        #expect(date("2024-02-28").adding(days: 1) == date("2024-02-29"))
        #expect(date("2024-02-28").adding(days: 2) == date("2024-03-01"))
        #expect(date("2026-01-01").adding(days: -1) == date("2025-12-31"))
        #expect(date("2026-03-01").distance(to: date("2026-04-01")) == 31)
        #expect(date("1970-01-01").daysSince1970 == 0)
        #expect(date("1969-12-31").daysSince1970 == -1)
        #expect(date("2026-03-29").isoWeekday == 7)
        #expect(date("2026-03-28").isWeekend && !date("2026-03-27").isWeekend)
        #expect(date("2026-03-09").monthKey == "2026-03")
        #expect(Array(date("2026-02-27")...date("2026-03-02")).map(\.description) == ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"])
        #expect(LocalDate(daysSince1970: LocalDate("9999-12-31")!.daysSince1970 + 1) == nil)
        #expect(LocalDate(daysSince1970: LocalDate("0001-01-01")!.daysSince1970) == date("0001-01-01"))
        // Days from 1600 to 2400 round-trip and agree with Foundation's count.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: -135_000, through: 157_000, by: 5) {
            let day = try #require(LocalDate(daysSince1970: days))
            #expect(day.daysSince1970 == days)
            #expect(day.adding(days: 1).daysSince1970 == days + 1)
            if days % 995 == 0 {
                let instant = Date(timeIntervalSince1970: Double(days) * 86_400)
                #expect(day == LocalDate(containing: instant, in: calendar.timeZone))
            }
        }
    }
}
