import Foundation

/// What a time report covers and how it counts.
public struct ReportOptions: Sendable {
    public var grouping: ReportGrouping
    /// First and last report day, both included, in each user's own zone.
    public var range: ClosedRange<LocalDate>
    /// Each user's zone: a team report buckets every person's time into their own local days.
    public var timeZones: [String: TimeZone]
    /// The zone of users missing from `timeZones`.
    public var defaultTimeZone: TimeZone
    public var dayStartsAt: DayStartTime
    /// Who wins where one user's spans overlap.
    public var priority: SourcePriority
    /// Where running timers stop counting.
    public var now: Date

    public init(
        grouping: ReportGrouping, range: ClosedRange<LocalDate>, timeZones: [String: TimeZone] = [:],
        defaultTimeZone: TimeZone, dayStartsAt: DayStartTime = .midnight, priority: SourcePriority = .default, now: Date
    ) {
        self.grouping = grouping
        self.range = range
        self.timeZones = timeZones
        self.defaultTimeZone = defaultTimeZone
        self.dayStartsAt = dayStartsAt
        self.priority = priority
        self.now = now
    }

    public func timeZone(of userID: String) -> TimeZone {
        timeZones[userID] ?? defaultTimeZone
    }

    /// The instants the range covers in `timeZone`: from the first day's start to the start of
    /// the day after the last.
    public func window(in timeZone: TimeZone) -> Range<Date> {
        let calendar = DayBoundaries.calendar(in: timeZone)
        let first = range.lowerBound.daysSince1970
        let afterLast = range.upperBound.daysSince1970 + 1
        return DayBoundaries.start(ofDay: first, at: dayStartsAt, calendar: calendar)
            ..< DayBoundaries.start(ofDay: afterLast, at: dayStartsAt, calendar: calendar)
    }

    /// Spans to read: every span overlapping this window, over all the zones the options name,
    /// may count (a running timer counts if it started before the window's end).
    public var spanWindow: Range<Date> {
        var zones: [String: TimeZone] = [defaultTimeZone.identifier: defaultTimeZone]
        for zone in timeZones.values { zones[zone.identifier] = zone }
        let windows = zones.values.map(window(in:))
        return windows.map(\.lowerBound).min()!..<windows.map(\.upperBound).max()!
    }
}
