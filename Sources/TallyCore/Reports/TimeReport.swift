import Foundation

/// Tracked time per period (or source, description, category) and category, counted two ways:
///
/// - `rawSeconds` adds every span in full, so time tracked twice counts twice;
/// - `seconds` (merged) counts each moment of a person's time once: where that person's spans
///   overlap, the moment belongs to the span whose source ranks first in the options' priority
///   (ties: the earlier start, then the smaller id), under that span's category, source and
///   description. Different people's time never merges.
///
/// Spans count from their start to their stop (a running timer to `now`), clipped to the range,
/// and split where each user's local report days begin. Counting is in whole milliseconds;
/// each row rounds once, so totals are exact sums of the rows.
public struct TimeReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The day, week, month, source or description; for the category grouping the category.
        public var key: String
        public var category: String
        public var seconds: Int
        public var rawSeconds: Int

        public init(key: String, category: String, seconds: Int, rawSeconds: Int) {
            self.key = key
            self.category = category
            self.seconds = seconds
            self.rawSeconds = rawSeconds
        }
    }

    public struct CategoryTotal: Sendable, Equatable {
        public var category: String
        public var seconds: Int
        public var rawSeconds: Int

        public init(category: String, seconds: Int, rawSeconds: Int) {
            self.category = category
            self.seconds = seconds
            self.rawSeconds = rawSeconds
        }
    }

    public var grouping: ReportGrouping
    public var range: ClosedRange<LocalDate>
    /// Sorted by key, then category. Rows whose merged and raw time both round to zero are left out.
    public var rows: [Row]
    /// One per category, most merged time first (then most raw time, then by name).
    public var totals: [CategoryTotal]
    /// The sum of the rows' `seconds`.
    public var totalSeconds: Int
    /// The sum of the rows' `rawSeconds`.
    public var rawTotalSeconds: Int

    public init(grouping: ReportGrouping, range: ClosedRange<LocalDate>, rows: [Row]) {
        self.grouping = grouping
        self.range = range
        self.rows = rows.sorted { ($0.key, $0.category) < ($1.key, $1.category) }
        var byCategory: [String: CategoryTotal] = [:]
        for row in rows {
            byCategory[row.category, default: CategoryTotal(category: row.category, seconds: 0, rawSeconds: 0)].seconds += row.seconds
            byCategory[row.category]!.rawSeconds += row.rawSeconds
        }
        self.totals = byCategory.values.sorted {
            ($1.seconds, $1.rawSeconds, $0.category) < ($0.seconds, $0.rawSeconds, $1.category)
        }
        self.totalSeconds = rows.reduce(0) { $0 + $1.seconds }
        self.rawTotalSeconds = rows.reduce(0) { $0 + $1.rawSeconds }
    }

    /// The report over everyone's spans.
    public init(spans: [ReportSpan], options: ReportOptions) {
        let rows = ReportCounter(spans: spans, options: options, perUser: false).rows()
        self.init(grouping: options.grouping, range: options.range, rows: rows[""] ?? [])
    }

    /// One report per user with spans in the range, keyed by user id: one pass over the spans,
    /// the same counting as a report of that user alone.
    public static func byUser(spans: [ReportSpan], options: ReportOptions) -> [String: TimeReport] {
        ReportCounter(spans: spans, options: options, perUser: true).rows().mapValues {
            TimeReport(grouping: options.grouping, range: options.range, rows: $0)
        }
    }

    /// Merged seconds as `[key: [category: seconds]]`; with the week grouping, what
    /// `GoalReport` reads as one user's weekly category time.
    public var secondsByKeyAndCategory: [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        for row in rows where row.seconds > 0 {
            result[row.key, default: [:]][row.category, default: 0] += row.seconds
        }
        return result
    }
}
