import Foundation

/// Day arithmetic without a Calendar: reports step through every day of a range, and a
/// `Calendar` per step would cost more than the report itself. Days are counted from
/// 1970-01-01 in the proleptic Gregorian calendar, the same calendar `LocalDate` validates with.
extension LocalDate: Strideable {
    /// Days since 1970-01-01 (negative before it).
    public var daysSince1970: Int {
        RFC3339.daysSinceEpoch(year: year, month: month, day: day)
    }

    /// The date `days` days after 1970-01-01; nil outside the years 1–9999.
    public init?(daysSince1970 days: Int) {
        let (year, month, day) = RFC3339.civilDate(daysSinceEpoch: days)
        self.init(year: year, month: month, day: day)
    }

    public func distance(to other: LocalDate) -> Int {
        other.daysSince1970 - daysSince1970
    }

    /// The date `days` later (earlier when negative). Stepping out of the years 1–9999 is a
    /// programming error: callers validate ranges before stepping through them.
    public func advanced(by days: Int) -> LocalDate {
        guard let date = LocalDate(daysSince1970: daysSince1970 + days) else {
            preconditionFailure("\(self) + \(days) days is outside the years 1–9999")
        }
        return date
    }

    /// The date `days` later (earlier when negative); reads better than `advanced(by:)` in reports.
    public func adding(days: Int) -> LocalDate {
        advanced(by: days)
    }

    /// ISO 8601 day of the week: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let offset = (daysSince1970 + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }

    /// Saturday or Sunday: the days a team does not log, so goal streaks pass over them.
    public var isWeekend: Bool {
        isoWeekday >= 6
    }

    /// `YYYY-MM`, the key of the month this day is in.
    public var monthKey: String {
        String(description.prefix(7))
    }

    /// Day of the year, 1 for January 1st.
    var dayOfYear: Int {
        daysSince1970 - RFC3339.daysSinceEpoch(year: year, month: 1, day: 1) + 1
    }
}
