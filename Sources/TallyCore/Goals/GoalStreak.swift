import Foundation

/// Runs of achieved goals, as the dashboard and the API show them.
///
/// **Daily streak** (every daily target a person has met on one day):
/// - A day is *achieved* when at least one daily target is set and the day's log reaches every
///   target that is set. A day without a log counts as zeros. With no target set, no day is
///   achieved and streaks stay at 0.
/// - The *current* streak counts achieved days back from the last day of the range, stopping
///   at the first day that is not achieved. Only days inside the range are looked at.
/// - Passed over, neither counting nor breaking the streak:
///   - today, while it is not yet achieved (the day is still going); once achieved it counts;
///   - days after today;
///   - Saturdays and Sundays without a log (the team does not log on days off). A weekend day
///     with a log counts like any other day: achieved extends the streak, not achieved breaks it.
/// - A weekday without a log, or any day with a log that misses a target, breaks the streak.
/// - The *longest* streak is the longest run in the range under the same rules.
///
/// **Weekly streak** (one weekly category target, ISO weeks Monday to Sunday):
/// - A week is *achieved* when the person's merged time in the category reaches the target.
/// - The current streak counts achieved weeks back from the week holding the range's last day.
///   The week holding today, while not yet achieved, and weeks after it are passed over; every
///   other week that is not achieved breaks the streak. No week is passed over for being empty.
/// - The longest streak is the longest run under the same rules. Weeks cut by the range's
///   start or end count the time given for them.
public struct GoalStreak: Sendable, Equatable {
    /// Achieved days (or weeks) in a row, ending at the range's last day (or week).
    public var current: Int
    /// The longest such run within the range.
    public var longest: Int

    public init(current: Int, longest: Int) {
        self.current = current
        self.longest = longest
    }

    /// How one day or week counts towards a streak.
    public enum Step: Sendable, Equatable {
        case achieved
        case missed
        /// Neither extends nor breaks a streak.
        case passedOver
    }

    /// From steps in time order.
    public init(steps: [Step]) {
        var current = 0
        for step in steps.reversed() {
            if step == .missed { break }
            if step == .achieved { current += 1 }
        }
        var longest = 0
        var run = 0
        for step in steps {
            switch step {
            case .achieved:
                run += 1
                longest = max(longest, run)
            case .missed: run = 0
            case .passedOver: break
            }
        }
        self.init(current: current, longest: longest)
    }

    /// How `date` counts for a daily streak.
    public static func dailyStep(date: LocalDate, hasLog: Bool, achieved: Bool, today: LocalDate) -> Step {
        if date > today { return .passedOver }
        if achieved { return .achieved }
        if date == today { return .passedOver }
        if date.isWeekend && !hasLog { return .passedOver }
        return .missed
    }

    /// How the week beginning `monday` counts for a weekly streak.
    public static func weeklyStep(monday: LocalDate, achieved: Bool, today: LocalDate) -> Step {
        if monday > today { return .passedOver }
        if achieved { return .achieved }
        if ISOWeek.monday(of: today) == monday { return .passedOver }
        return .missed
    }
}
