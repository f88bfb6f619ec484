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
    private var slots: SlotTable
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
        slots = SlotTable()
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
        let ranks = TimeEntrySource.allCases.map { Int32(options.priority.rank(of: $0)) }
        if options.grouping == .source {
            for source in TimeEntrySource.allCases { _ = keys.number(of: source.rawValue) }
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

    /// The source's place in `TimeEntrySource.allCases`, without hashing.
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
        slots.prepare(users: perUser ? users.strings.count : 1, keys: keyCount, categories: categories.strings.count)
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
            // Raw: each span in full, day by day.
            for span in clipped {
                if isPeriod {
                    var day = boundaries.dayIndex(containing: span.start)
                    var from = span.start
                    while from < span.end {
                        let to = min(span.end, starts[day + 1])
                        slots.add(user: slotUser, key: Int(periodOfDay[day]), category: Int(span.category), raw: to - from)
                        from = to
                        day += 1
                    }
                } else {
                    slots.add(user: slotUser, key: Int(span.key), category: Int(span.category), raw: span.end - span.start)
                }
            }
            // Merged: the winner of each stretch, with a day cursor that only moves forward.
            var day = 0
            clipped.withUnsafeBufferPointer { buffer in
                sweep.segments(of: buffer, idPrecedes: idPrecedes) { start, end, winner in
                    let span = buffer[winner]
                    guard isPeriod else {
                        slots.add(user: slotUser, key: Int(span.key), category: Int(span.category), merged: end - start)
                        return
                    }
                    var from = start
                    while from < end {
                        while starts[day + 1] <= from { day += 1 }
                        let to = min(end, starts[day + 1])
                        slots.add(user: slotUser, key: Int(periodOfDay[day]), category: Int(span.category), merged: to - from)
                        from = to
                    }
                }
            }
        }
    }
}

/// Milliseconds per (user, key, category): a flat array while that is small, a dictionary when
/// many users, descriptions and categories would make it large and mostly empty.
struct SlotTable {
    private var keyCount = 0
    private var categoryCount = 0
    private var flat: [Int64] = []
    private var sparse: [Int: (merged: Int64, raw: Int64)] = [:]
    private var isFlat = true

    static let flatLimit = 1 << 20

    mutating func prepare(users: Int, keys: Int, categories: Int) {
        keyCount = keys
        categoryCount = categories
        let (size, overflow) = users.multipliedReportingOverflow(by: keys * categories)
        isFlat = !overflow && size <= Self.flatLimit
        if isFlat { flat = Array(repeating: 0, count: 2 * size) }
    }

    @inline(__always)
    private func slot(_ user: Int, _ key: Int, _ category: Int) -> Int {
        (user * keyCount + key) * categoryCount + category
    }

    mutating func add(user: Int, key: Int, category: Int, merged: Int64 = 0, raw: Int64 = 0) {
        let slot = slot(user, key, category)
        if isFlat {
            flat[2 * slot] += merged
            flat[2 * slot + 1] += raw
        } else {
            sparse[slot, default: (0, 0)].merged += merged
            sparse[slot, default: (0, 0)].raw += raw
        }
    }

    func forEach(_ body: (_ user: Int, _ key: Int, _ category: Int, _ merged: Int64, _ raw: Int64) -> Void) {
        let perUser = keyCount * categoryCount
        guard perUser > 0 else { return }
        func visit(_ slot: Int, _ merged: Int64, _ raw: Int64) {
            guard merged != 0 || raw != 0 else { return }
            body(slot / perUser, slot % perUser / categoryCount, slot % categoryCount, merged, raw)
        }
        if isFlat {
            for slot in 0..<flat.count / 2 { visit(slot, flat[2 * slot], flat[2 * slot + 1]) }
        } else {
            for (slot, value) in sparse { visit(slot, value.merged, value.raw) }
        }
    }
}
