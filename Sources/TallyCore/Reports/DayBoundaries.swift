import Foundation

/// Where each report day of a range begins in one time zone, in whole milliseconds since 1970:
/// worked out once per zone with a Calendar, then found per span by binary search, because a
/// Calendar call per span is what makes a report of a million entries slow.
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

    /// The index of the day holding `instant`, which must lie in the window.
    func dayIndex(containing instant: Int64) -> Int {
        // The last start not after `instant`.
        var low = 0
        var high = starts.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if starts[middle] <= instant { low = middle } else { high = middle }
        }
        return low
    }

    static func calendar(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The instant day `days` (since 1970-01-01) reaches `dayStart` on the wall clock.
    static func start(ofDay days: Int, at dayStart: DayStartTime, calendar: Calendar) -> Date {
        let (year, month, day) = CivilDays.date(days)
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

/// Reports count whole milliseconds, so sums are exact and round once, per row.
enum Milliseconds {
    static func from(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        return value.isFinite ? Int64(max(-9e15, min(9e15, value))) : 0
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Whole seconds, halves up.
    static func seconds(_ milliseconds: Int64) -> Int {
        Int((milliseconds + 500).dividedFloor(by: 1000))
    }
}

extension Int64 {
    fileprivate func dividedFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
