import Foundation

/// One day as a horizontal strip: each tracked span a coloured block at its real place in the
/// day, hour ticks every three hours, and a marker for "now" while the day is under way.
///
/// Positions come from instants and labels from local wall time, so a 23 or 25 hour day
/// (daylight saving) draws its ticks unevenly spaced but correctly named — 03:00 sits two hours
/// after 00:00 on the last Sunday of March in Amsterdam.
struct DayTimelineChart: Sendable {
    /// One tracked span. `label` is the entry's description and may be empty.
    struct Segment: Sendable, Equatable {
        var start: Date
        var stop: Date
        var category: String
        var label: String

        init(start: Date, stop: Date, category: String, label: String = "") {
            self.start = start
            self.stop = stop
            self.category = category
            self.label = label
        }
    }

    /// What the chart shows, for screen readers and the `<title>`: "Monday 16 March".
    var title: String
    var dayStart: Date
    var dayEnd: Date
    var timeZone: TimeZone
    var segments: [Segment]
    /// CSS hex colour per category; missing or invalid ones are drawn grey.
    var colours: [String: String]
    /// Drawn as a marker only when it falls within the day.
    var now: Date?
    /// The marker's tooltip word, localised by the caller: "Now 14:35".
    var nowLabel: String
    /// Shown when nothing was tracked in the day: "Nothing tracked today".
    var emptyText: String

    init(
        title: String, dayStart: Date, dayEnd: Date, timeZone: TimeZone, segments: [Segment],
        colours: [String: String], now: Date? = nil, nowLabel: String = "Now", emptyText: String
    ) {
        self.title = title
        self.dayStart = dayStart
        self.dayEnd = dayEnd
        self.timeZone = timeZone
        self.segments = segments
        self.colours = colours
        self.now = now
        self.nowLabel = nowLabel
        self.emptyText = emptyText
    }

    /// The `<svg>` element, ready to embed in HTML.
    func svg() -> String {
        DayTimelineDrawing(chart: self).draw()
    }

    /// The span actually drawn. A day is 23 to 25 hours; an end before the start is read as a
    /// plain 24 hours, and anything over two days is cut there, so bad input cannot crash or
    /// stall the page.
    var drawnInterval: DateInterval {
        let start = dayStart.timeIntervalSinceReferenceDate.isFinite ? dayStart : Date(timeIntervalSinceReferenceDate: 0)
        let length = dayEnd.timeIntervalSince(start)
        guard length.isFinite, length > 0 else { return DateInterval(start: start, duration: 86_400) }
        return DateInterval(start: start, duration: min(length, 2 * 86_400))
    }

    /// Instants within the day where local wall time is a whole hour divisible by three, with
    /// that wall time: "00:00", "03:00", … The day's end, when it is local midnight, is "24:00".
    var hourTicks: [(instant: Date, label: String)] {
        let interval = drawnInterval
        let clock = WallClock(timeZone: timeZone)
        // Every zone's offset is a whole number of quarter hours, so local whole hours all fall
        // on a UTC quarter-hour grid: checking that grid finds them without calendar arithmetic
        // that a skipped or repeated hour would confuse.
        let quarter = 900.0
        var time = (interval.start.timeIntervalSinceReferenceDate / quarter).rounded(.up) * quarter
        var ticks: [(Date, String)] = []
        while time <= interval.end.timeIntervalSinceReferenceDate {
            let instant = Date(timeIntervalSinceReferenceDate: time)
            let (hour, minute) = clock.hourAndMinute(at: instant)
            if minute == 0 && hour % 3 == 0 {
                let isEnd = instant == interval.end && hour == 0 && instant > interval.start
                ticks.append((instant, isEnd ? "24:00" : clock.text(hour: hour, minute: minute)))
            }
            time += quarter
        }
        return ticks
    }
}

/// Local wall-clock time in one zone, written "09:05" regardless of the server's locale.
struct WallClock: Sendable {
    private let calendar: Calendar

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func hourAndMinute(at instant: Date) -> (hour: Int, minute: Int) {
        let components = calendar.dateComponents([.hour, .minute], from: instant)
        return (components.hour ?? 0, components.minute ?? 0)
    }

    func text(at instant: Date) -> String {
        let (hour, minute) = hourAndMinute(at: instant)
        return text(hour: hour, minute: minute)
    }

    func text(hour: Int, minute: Int) -> String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
