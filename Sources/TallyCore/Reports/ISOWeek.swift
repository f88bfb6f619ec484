import Foundation

/// ISO 8601 weeks: Monday to Sunday, numbered within a week-year whose week 1 holds the year's
/// first Thursday. The week-year is not the calendar year at the edges: 2027-01-01 is a Friday
/// in `2026-W53`, and 2025-12-29 is a Monday in `2026-W01`. Keys are written `YYYY-Www`.
public enum ISOWeek {
    /// The week-year and week number (1…53) of `date`.
    public static func yearAndWeek(of date: LocalDate) -> (year: Int, week: Int) {
        // A week belongs to the year its Thursday falls in.
        let thursday = date.adding(days: 4 - date.isoWeekday)
        return (thursday.year, (thursday.dayOfYear - 1) / 7 + 1)
    }

    /// `2026-W13` for any day from Monday 2026-03-23 to Sunday 2026-03-29.
    public static func key(of date: LocalDate) -> String {
        let (year, week) = yearAndWeek(of: date)
        return key(year: year, week: week)
    }

    public static func key(year: Int, week: Int) -> String {
        let yearText = String(year)
        let weekText = String(week)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-W"
            + (weekText.count < 2 ? "0" : "") + weekText
    }

    /// The Monday of the week `date` is in.
    public static func monday(of date: LocalDate) -> LocalDate {
        date.adding(days: 1 - date.isoWeekday)
    }

    /// The Monday of week `week` of week-year `year`; nil when that year has no such week.
    public static func monday(year: Int, week: Int) -> LocalDate? {
        guard (1...9999).contains(year), (1...weeks(in: year)).contains(week),
            let january4 = LocalDate(year: year, month: 1, day: 4)
        else { return nil }
        return monday(of: january4).adding(days: (week - 1) * 7)
    }

    /// The Monday of a week written `YYYY-Www`; nil for anything else or a week that does not exist.
    public static func monday(ofKey key: some StringProtocol) -> LocalDate? {
        let bytes = Array(key.utf8)
        guard bytes.count == 8, bytes[4] == UInt8(ascii: "-"), bytes[5] == UInt8(ascii: "W"),
            bytes.enumerated().allSatisfy({ index, byte in
                index == 4 || index == 5 || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            })
        else { return nil }
        let digit = { (index: Int) in Int(bytes[index] - UInt8(ascii: "0")) }
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        return monday(year: year, week: digit(6) * 10 + digit(7))
    }

    /// 53 when the week-year has a week 53 (its December 28th is always in its last week).
    public static func weeks(in year: Int) -> Int {
        guard let december28 = LocalDate(year: year, month: 12, day: 28) else { return 52 }
        return yearAndWeek(of: december28).week
    }
}
