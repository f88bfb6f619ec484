import Foundation

/// The wall-clock time a report day begins. Night owls set it to 04:00 so the hour after
/// midnight still counts for the evening before: local day D then runs from D at 04:00 to
/// D + 1 at 04:00, by the clock on the wall, so a day is 23, 24 or 25 hours long around DST.
///
/// When that time does not exist on a day (the clock springs forward over it) the day begins at
/// the first instant after the gap; when it happens twice (the clock falls back) the day begins
/// at the first of the two.
public struct DayStartTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public static let midnight = DayStartTime(validHour: 0, minute: 0)

    /// nil unless 00:00 ≤ hour:minute ≤ 23:59.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.init(validHour: hour, minute: minute)
    }

    /// Parses `HH:MM` (`4:00` too); nil for anything else.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    private init(validHour hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    public var description: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    public static func < (lhs: DayStartTime, rhs: DayStartTime) -> Bool {
        (lhs.hour, lhs.minute) < (rhs.hour, rhs.minute)
    }
}

extension LocalDate {
    /// The instant this report day begins in `timeZone` when days start at `dayStart`.
    public func start(in timeZone: TimeZone, dayStartsAt dayStart: DayStartTime) -> Date {
        DayBoundaries.start(ofDay: daysSince1970, at: dayStart, calendar: DayBoundaries.calendar(in: timeZone))
    }

    /// The report day `instant` counts for in `timeZone` when days start at `dayStart`: with
    /// 04:00, Saturday 01:30 is still Friday.
    public init(containing instant: Date, in timeZone: TimeZone, dayStartsAt dayStart: DayStartTime) {
        let calendarDay = LocalDate(containing: instant, in: timeZone)
        self = instant < calendarDay.start(in: timeZone, dayStartsAt: dayStart) ? calendarDay.adding(days: -1) : calendarDay
    }
}
