import Foundation
import TallyCore

/// Clockify's `yyyy-MM-ddTHH:mm:ssZ`, whole seconds.
enum ClockifyTimestamp {
    /// An instant, as request bodies take it (`start` of a timer, `end` of a stop).
    static func utc(_ date: Date) -> String {
        format(Int(date.timeIntervalSince1970.rounded(.down)))
    }

    /// The wall-clock time at `date` in `zone`, written with a `Z` because that is how Clockify's
    /// `start`/`end` query values are spelled although it reads them in the account's zone.
    static func wallClock(_ date: Date, in zone: TimeZone, roundingUp: Bool) -> String {
        let seconds = date.timeIntervalSince1970.rounded(roundingUp ? .up : .down)
        let local = seconds + Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds)))
        return format(Int(local))
    }

    private static func format(_ secondsSinceEpoch: Int) -> String {
        var days = secondsSinceEpoch / 86_400
        var seconds = secondsSinceEpoch % 86_400
        if seconds < 0 {
            seconds += 86_400
            days -= 1
        }
        let (year, month, day) = RFC3339.civilDate(daysSinceEpoch: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        return "\(date)T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))Z"
    }
}
