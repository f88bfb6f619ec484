import Foundation

/// What a report's rows are keyed by, besides the category.
public enum ReportGrouping: String, CaseIterable, Sendable {
    /// `2026-03-29`: the user's local report day.
    case day
    /// `2026-W13`: the ISO 8601 week of the user's local report day.
    case week
    /// `2026-03`
    case month
    /// `toggl`, `apple_health`, …: where the time came from.
    case source
    /// The entry's description as written; an empty description is the key "".
    case description
    /// The category, so the key repeats the category.
    case category

    /// Day, week and month split spans at the user's local day boundaries.
    public var isPeriod: Bool {
        switch self {
        case .day, .week, .month: true
        case .source, .description, .category: false
        }
    }
}
