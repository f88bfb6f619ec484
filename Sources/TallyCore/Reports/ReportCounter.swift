import Foundation

/// The counting behind `TimeReport`: spans become numbers once, are sorted by user and start,
/// and each user's are counted raw (span by span) and merged (by `OverlapSweep`), split at
/// that user's day boundaries, into one slot per (user, key, category).
struct ReportCounter {
    private let options: ReportOptions
    private let perUser: Bool
    private let source: [ReportSpan]

    private var users: StringNumbers
    private var categories: StringNumbers
    /// The strings of source and description keys; periods have `periodKeys`, and the category
    /// grouping's keys are the categories.
    private var keys: StringNumbers
    private let periodKeys: [String]
    /// Day index in the range → period index (the day itself, its week, or its month).
    private let periodOfDay: [Int32]
    private var slots = SlotTable(users: 0, keys: 0, categories: 0)
    /// Grouped by user, by start within a user.
    private var spans: [CountedSpan] = []
    /// Where each user's spans are in `spans`, by user number.
    private var userRanges: [Range<Int>] = []

    init(spans source: [ReportSpan], options: ReportOptions, perUser: Bool) {
        self.options = options
        self.perUser = perUser
        self.source = source
        users = StringNumbers()
        categories = StringNumbers()
        keys = StringNumbers()
        (periodKeys, periodOfDay) = Self.periods(of: options.range, grouping: options.grouping)
        prepare()
        count()
    }

    /// Rows per user id ("" when not per user).
    func rows() -> [String: [TimeReport.Row]] {
        var result: [String: [TimeReport.Row]] = [:]
        slots.forEach { user, key, category, merged, raw in
            let seconds = Milliseconds.seconds(merged)
            let rawSeconds = Milliseconds.seconds(raw)
            guard seconds != 0 || rawSeconds != 0 else { return }
            let keyText =
                switch options.grouping {
                case .day, .week, .month: periodKeys[key]
                case .category: categories.strings[key]
                case .source, .description: keys.strings[key]
                }
            let row = TimeReport.Row(key: keyText, category: categories.strings[category], seconds: seconds, rawSeconds: rawSeconds)
            result[perUser ? users.strings[user] : "", default: []].append(row)
        }
        return result
    }

    private static func periods(of range: ClosedRange<LocalDate>, grouping: ReportGrouping) -> ([String], [Int32]) {
        guard grouping.isPeriod else { return ([], []) }
        var keys: [String] = []
        var periodOfDay: [Int32] = []
        periodOfDay.reserveCapacity(range.count)
        for day in range {
            let key =
                switch grouping {
                case .week: ISOWeek.key(of: day)
                case .month: day.monthKey
                default: day.description
                }
            if keys.last != key { keys.append(key) }
            periodOfDay.append(Int32(keys.count - 1))
        }
        return (keys, periodOfDay)
    }

    /// Turns spans into numbers, grouped by user (in order of first appearance) and sorted by
    /// start within each user. Stores usually read in start order, which a stable grouping keeps,
    /// so the sort is mostly a check.
    private mutating func prepare() {
        let now = Milliseconds.from(options.now)
        let sources = TimeEntrySource.allCases.sorted { Self.number(of: $0) < Self.number(of: $1) }
        let ranks = sources.map { Int32(options.priority.rank(of: $0)) }
        if options.grouping == .source {
            // Source keys are numbered like the sources.
            for source in sources { _ = keys.number(of: source.rawValue) }
        }
        var counted: [CountedSpan] = []
        var userOfSpan: [Int32] = []
        counted.reserveCapacity(source.count)
        userOfSpan.reserveCapacity(source.count)
        var grouped = true
        source.withUnsafeBufferPointer { input in
            for index in input.indices {
                let start = Milliseconds.from(input[index].start)
                let end = input[index].stop.map(Milliseconds.from) ?? now
                guard end > start else { continue }
                let sourceNumber = Self.number(of: input[index].source)
                let category = categories.number(of: input[index].category)
                let key: Int32 =
                    switch options.grouping {
                    case .source: Int32(sourceNumber)
                    case .description: keys.number(of: input[index].description)
                    case .category: category
                    case .day, .week, .month: 0
                    }
                let user = users.number(of: input[index].userID)
                if let last = userOfSpan.last, user < last { grouped = false }
                userOfSpan.append(user)
                counted.append(
                    CountedSpan(
                        start: start, end: end, originalStart: start, rank: ranks[sourceNumber], category: category,
                        key: key, index: Int32(index)))
            }
        }

        // Group by user: a counting sort, stable.
        var firsts = [Int](repeating: 0, count: users.strings.count + 1)
        for user in userOfSpan { firsts[Int(user) + 1] += 1 }
        for user in users.strings.indices { firsts[user + 1] += firsts[user] }
        userRanges = users.strings.indices.map { firsts[$0]..<firsts[$0 + 1] }
        if grouped {
            spans = counted
        } else {
            var next = firsts
            spans = Array(unsafeUninitializedCapacity: counted.count) { buffer, initialized in
                for (index, user) in userOfSpan.enumerated() {
                    (buffer.baseAddress! + next[Int(user)]).initialize(to: counted[index])
                    next[Int(user)] += 1
                }
                initialized = counted.count
            }
        }
        spans.withUnsafeMutableBufferPointer { buffer in
            for range in userRanges {
                var sorted = true
                for index in range.dropFirst() where buffer[index - 1].originalStart > buffer[index].originalStart {
                    sorted = false
                    break
                }
                if !sorted { buffer[range].sort { $0.originalStart < $1.originalStart } }
            }
        }
    }

    /// A number per source, 0 up, without hashing.
    private static func number(of source: TimeEntrySource) -> Int {
        switch source {
        case .toggl: 0
        case .clockify: 1
        case .appleHealth: 2
        case .healthAutoExport: 3
        case .manual: 4
        }
    }

    private mutating func count() {
        let isPeriod = options.grouping.isPeriod
        let keyCount =
            switch options.grouping {
            case .day, .week, .month: periodKeys.count
            case .category: categories.strings.count
            case .source, .description: keys.strings.count
            }
        slots = SlotTable(users: perUser ? users.strings.count : 1, keys: keyCount, categories: categories.strings.count)
        var boundariesByZone: [String: DayBoundaries] = [:]
        var sweep = OverlapSweep()
        var clipped: [CountedSpan] = []
        let source = self.source
        let idPrecedes = { (a: Int32, b: Int32) in
            let left = source[Int(a)].id
            let right = source[Int(b)].id
            return left != right ? left < right : a < b
        }
        for (user, range) in userRanges.enumerated() where !range.isEmpty {
            let zone = options.timeZone(of: users.strings[user])
            let boundaries =
                boundariesByZone[zone.identifier]
                ?? DayBoundaries(range: options.range, timeZone: zone, dayStartsAt: options.dayStartsAt)
            boundariesByZone[zone.identifier] = boundaries
            let slotUser = perUser ? user : 0

            clipped.removeAll(keepingCapacity: true)
            let windowStart = boundaries.windowStart
            let windowEnd = boundaries.windowEnd
            for index in range {
                var span = spans[index]
                span.start = max(span.start, windowStart)
                span.end = min(span.end, windowEnd)
                if span.end > span.start { clipped.append(span) }
            }

            let starts = boundaries.starts
            let periodOfDay = self.periodOfDay
            let slots = self.slots
            /// Adds `from..<to` day by day; `day` is the day `from` is in or one before it, so a
            /// cursor that follows starts in order replaces a search per span.
            func add(_ from: Int64, _ to: Int64, _ span: CountedSpan, day: inout Int, merged: Bool) {
                func add(key: Int, _ length: Int64) {
                    slots.add(
                        user: slotUser, key: key, category: Int(span.category), merged: merged ? length : 0,
                        raw: merged ? 0 : length)
                }
                guard isPeriod else { return add(key: Int(span.key), to - from) }
                while starts[day + 1] <= from { day += 1 }
                var piece = day
                var from = from
                while from < to {
                    let end = min(to, starts[piece + 1])
                    add(key: Int(periodOfDay[piece]), end - from)
                    from = end
                    piece += 1
                }
            }
            // Raw: each span in full.
            var rawDay = 0
            for span in clipped { add(span.start, span.end, span, day: &rawDay, merged: false) }
            // Merged: the winner of each stretch.
            var mergedDay = 0
            clipped.withUnsafeBufferPointer { buffer in
                sweep.segments(of: buffer, idPrecedes: idPrecedes) { start, end, winner in
                    add(start, end, buffer[winner], day: &mergedDay, merged: true)
                }
            }
        }
    }
}
