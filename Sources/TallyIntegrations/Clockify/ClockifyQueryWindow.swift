import Foundation

/// The `start`/`end` query values that make Clockify list at least every entry starting in a UTC
/// window. Clockify reads both as wall-clock times in the account's `settings.timeZone`, even with
/// a `Z` (live-verified by SDK authors), so sending the UTC window as is shifts it by the zone's
/// offset and loses or duplicates entries near midnight. The caller filters the answer back to
/// the exact window.
struct ClockifyQueryWindow: Equatable {
    /// Both edges are moved out by a day as well. Near a DST change the wall-clock time can be
    /// ambiguous or skipped and which instant Clockify picks is not known; the zone may be unknown
    /// here, or stale because the user changed it since Tally read it. Any of these would shift an
    /// edge by hours, and an entry missed at the edge of a complete window is deleted from Tally.
    /// A day covers every zone's offset; the price is one more day of entries in the answer.
    static let margin: TimeInterval = 86_400

    var start: String
    var end: String

    init(covering window: DateInterval, accountTimeZone: String?) {
        let zone = accountTimeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0) ?? .current
        start = ClockifyTimestamp.wallClock(window.start.addingTimeInterval(-Self.margin), in: zone, roundingUp: false)
        end = ClockifyTimestamp.wallClock(window.end.addingTimeInterval(Self.margin), in: zone, roundingUp: true)
    }
}
