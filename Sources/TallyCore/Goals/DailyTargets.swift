import Foundation

/// The counts a daily log keeps, each of which can have a daily target.
public enum GoalMetric: String, Sendable, CaseIterable, Codable {
    case reviews, demos, callbacks
}

extension DailyLog {
    public func count(of metric: GoalMetric) -> Int {
        switch metric {
        case .reviews: reviews
        case .demos: demos
        case .callbacks: callbacks
        }
    }
}

/// How many reviews, demos and callbacks make a good day; nil where there is no target.
public struct DailyTargets: Sendable, Equatable, Codable {
    public var reviews: Int?
    public var demos: Int?
    public var callbacks: Int?

    public init(reviews: Int? = nil, demos: Int? = nil, callbacks: Int? = nil) {
        self.reviews = reviews
        self.demos = demos
        self.callbacks = callbacks
    }

    public subscript(metric: GoalMetric) -> Int? {
        get {
            switch metric {
            case .reviews: reviews
            case .demos: demos
            case .callbacks: callbacks
            }
        }
        set {
            switch metric {
            case .reviews: reviews = newValue
            case .demos: demos = newValue
            case .callbacks: callbacks = newValue
            }
        }
    }

    /// No target set: such a day can never be achieved.
    public var isEmpty: Bool {
        reviews == nil && demos == nil && callbacks == nil
    }

    /// These targets with every target `override` sets put in their place, field by field:
    /// a user who sets only `demos` keeps the team's reviews and callbacks.
    public func overridden(by override: DailyTargets) -> DailyTargets {
        DailyTargets(
            reviews: override.reviews ?? reviews, demos: override.demos ?? demos,
            callbacks: override.callbacks ?? callbacks)
    }

    /// The metric has a target and `log` reaches it (no log counts as zeros).
    public func isMet(_ metric: GoalMetric, by log: DailyLog?) -> Bool {
        guard let target = self[metric] else { return false }
        return (log?.count(of: metric) ?? 0) >= target
    }

    /// At least one target is set and `log` reaches every one that is.
    public func areAllMet(by log: DailyLog?) -> Bool {
        !isEmpty && GoalMetric.allCases.allSatisfy { self[$0] == nil || isMet($0, by: log) }
    }
}

/// A weekly minimum of tracked time in one category: Sport ≥ 3 h a week is
/// `CategoryTarget(category: "Sport", weeklySeconds: 10_800)`.
public struct CategoryTarget: Sendable, Equatable, Codable {
    public var category: String
    public var weeklySeconds: Int

    public init(category: String, weeklySeconds: Int) {
        self.category = category
        self.weeklySeconds = weeklySeconds
    }

    private enum CodingKeys: String, CodingKey {
        case category
        case weeklySeconds = "weekly_seconds"
    }

    public func isMet(bySeconds seconds: Int) -> Bool {
        seconds >= weeklySeconds
    }
}
