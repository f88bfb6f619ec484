import Foundation

/// A purpose-built RFC 3339 parser: `2026-11-23T14:00:00Z`, with optional fractional seconds and
/// a `Z` or `±HH:MM` offset. Foundation's formatters are slow on Linux and too lenient here.
public enum RFC3339 {
    public static func parse(_ text: some StringProtocol) -> Date? {
        parse(text, zoneless: false)
    }

    /// Also accepts a time without a zone, read as UTC (`2026-11-23 13:00:00.000`, as SQLite
    /// columns written by GRDB hold them).
    public static func parseAssumingUTC(_ text: some StringProtocol) -> Date? {
        parse(text, zoneless: true)
    }

    static func parse(_ text: some StringProtocol, zoneless: Bool) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= (zoneless ? 19 : 20), let date = LocalDate(String(decoding: bytes[0..<10], as: UTF8.self)),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            var scale = 1.0
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if index - start < 9 {
                    digits = digits * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    scale *= 10
                }
                index += 1
            }
            guard index > start else { return nil }
            fraction = Double(digits) / scale
        }
        var offsetSeconds = 0
        if index == bytes.count {
            guard zoneless else { return nil }
        } else {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                guard index + 1 == bytes.count else { return nil }
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                    let offsetHours = digits(index + 1, 2), let offsetMinutes = digits(index + 4, 2),
                    offsetHours < 24, offsetMinutes < 60
                else { return nil }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            default:
                return nil
            }
        }
        let days = daysSinceEpoch(year: date.year, month: date.month, day: date.day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        guard seconds >= earliestSecond, seconds <= latestSecond else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// 0001-01-01T00:00:00Z, the first instant Tally stores: four-digit years in UTC, so that every
    /// stored instant reads back and sorts as text.
    public static let earliest = Date(timeIntervalSince1970: Double(earliestSecond))
    /// 9999-12-31T23:59:59.999Z, the last instant Tally stores.
    public static let latest = Date(timeIntervalSince1970: Double(latestSecond) + 0.999)
    static let earliestSecond = daysSinceEpoch(year: 1, month: 1, day: 1) * 86_400
    static let latestSecond = daysSinceEpoch(year: 9999, month: 12, day: 31) * 86_400 + 86_399

    /// Whether an instant lies in 0001-01-01 ... 9999-12-31 UTC, the years Tally stores.
    public static func isStorable(_ date: Date) -> Bool {
        date >= earliest && date <= latest
    }

    /// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension RFC3339 {
    /// `2026-11-23T13:00:00.000Z`: UTC, millisecond precision.
    public static func format(_ date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var days = Int(totalMilliseconds / 86_400_000)
        var milliseconds = Int(totalMilliseconds % 86_400_000)
        if milliseconds < 0 {
            milliseconds += 86_400_000
            days -= 1
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let seconds = milliseconds / 1000
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, 4, at: 0)
        bytes[4] = UInt8(ascii: "-")
        put(month, 2, at: 5)
        bytes[7] = UInt8(ascii: "-")
        put(day, 2, at: 8)
        bytes[10] = UInt8(ascii: "T")
        put(seconds / 3600, 2, at: 11)
        bytes[13] = UInt8(ascii: ":")
        put(seconds / 60 % 60, 2, at: 14)
        bytes[16] = UInt8(ascii: ":")
        put(seconds % 60, 2, at: 17)
        bytes[19] = UInt8(ascii: ".")
        put(milliseconds % 1000, 3, at: 20)
        bytes[23] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The civil date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
    public static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
