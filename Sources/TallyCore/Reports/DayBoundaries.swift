import Foundation

/// Where each report day of a range begins in one time zone, in whole milliseconds since 1970:
/// worked out once per zone with a Calendar, because a Calendar call per span is what makes a
/// report of a million entries slow. Spans are counted in start order, so finding a span's
/// day is a cursor moving forward through these, not even a search.
struct DayBoundaries: Sendable {
    let firstDay: LocalDate
    /// `starts[i]` begins day `firstDay + i`; the last element ends the range, so there is one
    /// more element than days.
    let starts: [Int64]

    init(range: ClosedRange<LocalDate>, timeZone: TimeZone, dayStartsAt dayStart: DayStartTime) {
        let calendar = Self.calendar(in: timeZone)
        let first = range.lowerBound.daysSince1970
        let last = range.upperBound.daysSince1970
        firstDay = range.lowerBound
        starts = (first...last + 1).map { Milliseconds.from(Self.start(ofDay: $0, at: dayStart, calendar: calendar)) }
    }

    var windowStart: Int64 { starts[0] }
    var windowEnd: Int64 { starts[starts.count - 1] }
    var dayCount: Int { starts.count - 1 }

    static func calendar(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The instant day `days` (since 1970-01-01) reaches `dayStart` on the wall clock.
    static func start(ofDay days: Int, at dayStart: DayStartTime, calendar: Calendar) -> Date {
        let (year, month, day) = RFC3339.civilDate(daysSinceEpoch: days)
        let zone = calendar.timeZone
        // The wall-clock time as if it were UTC, to compare with what an instant shows locally.
        let wallClock = Double(days * 86_400 + dayStart.hour * 3600 + dayStart.minute * 60)
        func shown(_ instant: Double) -> Double {
            instant + Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant)))
        }
        let components = DateComponents(year: year, month: month, day: day, hour: dayStart.hour, minute: dayStart.minute)
        guard let candidate = calendar.date(from: components)?.timeIntervalSince1970 else {
            return Date(timeIntervalSince1970: wallClock - Double(zone.secondsFromGMT()))
        }
        // Foundation picks the first of a repeated time, which is what days want; a time that
        // does not exist comes back moved forward by the gap, so the clock shows a later time.
        if shown(candidate) == wallClock { return Date(timeIntervalSince1970: candidate) }
        // In a gap: the day begins when the clock jumps, the first instant showing a time past
        // the wanted one. Gaps are at most a day (Samoa skipped 2011-12-30), and the clock only
        // moves forward within two days of one, so bisect on whole seconds.
        var before = candidate - 2 * 86_400
        var after = candidate
        guard shown(before) < wallClock else { return Date(timeIntervalSince1970: candidate) }
        while after - before > 1 {
            let middle = ((before + after) / 2).rounded(.down)
            if shown(middle) < wallClock { before = middle } else { after = middle }
        }
        return Date(timeIntervalSince1970: after)
    }
}
