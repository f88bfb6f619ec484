import Foundation

/// One person's report day as the Overview page draws it: the stretches of merged time in
/// order, each under the span that won it (see `TimeReport` for who wins an overlap).
public struct DayTimeline: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var start: Date
        public var stop: Date
        /// The span this stretch belongs to.
        public var spanID: String
        public var category: String
        public var source: TimeEntrySource
        public var description: String
        /// The span is a timer still running, so this stretch ends at `now`.
        public var isRunning: Bool

        public init(
            start: Date, stop: Date, spanID: String, category: String, source: TimeEntrySource, description: String,
            isRunning: Bool
        ) {
            self.start = start
            self.stop = stop
            self.spanID = spanID
            self.category = category
            self.source = source
            self.description = description
            self.isRunning = isRunning
        }

        public var seconds: Double { stop.timeIntervalSince(start) }
    }

    public var userID: String
    public var day: LocalDate
    /// When the day begins and ends (23, 24 or 25 hours apart around DST).
    public var window: Range<Date>
    /// In time order, never overlapping; consecutive stretches of one span are joined.
    public var segments: [Segment]

    /// `spans` may hold other users' spans; only `userID`'s count.
    public init(
        userID: String, day: LocalDate, spans: [ReportSpan], timeZone: TimeZone, dayStartsAt: DayStartTime = .midnight,
        priority: SourcePriority = .default, now: Date
    ) {
        self.userID = userID
        self.day = day
        let boundaries = DayBoundaries(range: day...day, timeZone: timeZone, dayStartsAt: dayStartsAt)
        window = Milliseconds.date(boundaries.windowStart)..<Milliseconds.date(boundaries.windowEnd)

        let nowMilliseconds = Milliseconds.from(now)
        var counted: [CountedSpan] = []
        for (index, span) in spans.enumerated() where span.userID == userID {
            let start = Milliseconds.from(span.start)
            let end = span.stop.map(Milliseconds.from) ?? nowMilliseconds
            let clippedStart = max(start, boundaries.windowStart)
            let clippedEnd = min(end, boundaries.windowEnd)
            guard end > start, clippedEnd > clippedStart else { continue }
            counted.append(
                CountedSpan(
                    start: clippedStart, end: clippedEnd, originalStart: start,
                    rank: Int32(priority.rank(of: span.source)), category: 0, key: 0, index: Int32(index)))
        }
        counted.sort { $0.originalStart < $1.originalStart }

        var segments: [Segment] = []
        var sweep = OverlapSweep()
        counted.withUnsafeBufferPointer { buffer in
            sweep.segments(
                of: buffer,
                idPrecedes: { a, b in
                    spans[Int(a)].id != spans[Int(b)].id ? spans[Int(a)].id < spans[Int(b)].id : a < b
                }
            ) { start, end, winner in
                let span = spans[Int(buffer[winner].index)]
                if let last = segments.last, last.spanID == span.id, Milliseconds.from(last.stop) == start {
                    segments[segments.count - 1].stop = Milliseconds.date(end)
                    return
                }
                segments.append(
                    Segment(
                        start: Milliseconds.date(start), stop: Milliseconds.date(end), spanID: span.id,
                        category: span.category, source: span.source, description: span.description,
                        isRunning: span.stop == nil))
            }
        }
        self.segments = segments
    }
}
