import Foundation

/// How each person did against their goals over a range of days: day by day, week by week,
/// their streaks (rules in `GoalStreak`), and a leaderboard. Pure: the caller reads the logs
/// and the weekly time (`TimeReport.byUser` with the week grouping) and passes them in.
public struct GoalReport: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }

        public init(_ user: User) {
            self.init(id: user.id, name: user.name)
        }
    }

    public struct MetricProgress: Sendable, Equatable {
        public var metric: GoalMetric
        public var count: Int
        public var target: Int?
        /// A target is set and the count reaches it.
        public var achieved: Bool
    }

    public struct DayProgress: Sendable, Equatable {
        public var date: LocalDate
        /// False when nobody logged the day: the counts are then zeros.
        public var hasLog: Bool
        public var reviews: Int
        public var demos: Int
        public var callbacks: Int
        /// One per metric, in `GoalMetric` order.
        public var metrics: [MetricProgress]
        /// At least one target is set and every set target is reached.
        public var achieved: Bool

        public var total: Int { reviews + demos + callbacks }
    }

    public struct CategoryProgress: Sendable, Equatable {
        public var category: String
        public var targetSeconds: Int
        public var seconds: Int
        public var achieved: Bool
    }

    public struct WeekProgress: Sendable, Equatable {
        /// `2026-W13`
        public var week: String
        public var monday: LocalDate
        /// One per weekly target, in the order of `Goals.weeklyTargets(for:)`.
        public var categories: [CategoryProgress]
    }

    public struct CategoryStreak: Sendable, Equatable {
        public var category: String
        public var streak: GoalStreak
    }

    public struct UserProgress: Sendable, Equatable {
        public var userID: String
        public var name: String
        public var dailyTargets: DailyTargets
        public var weeklyTargets: [CategoryTarget]
        /// Every day of the range, in order.
        public var days: [DayProgress]
        /// Every ISO week the range touches, in order.
        public var weeks: [WeekProgress]
        public var daysAchieved: Int
        /// Reviews, demos and callbacks together, over the range.
        public var totalCount: Int
        public var dailyStreak: GoalStreak
        /// One per weekly target.
        public var weeklyStreaks: [CategoryStreak]
    }

    public struct LeaderboardEntry: Sendable, Equatable {
        /// 1 for the best; people level on days achieved and total count share a rank, and the
        /// next rank skips as many places (1, 1, 3).
        public var rank: Int
        public var userID: String
        public var name: String
        public var daysAchieved: Int
        public var totalCount: Int
    }

    public var range: ClosedRange<LocalDate>
    public var today: LocalDate
    /// In the order of the members passed in.
    public var users: [UserProgress]
    /// Most days achieved first, then the highest total count, then by name.
    public var leaderboard: [LeaderboardEntry]

    /// - Parameters:
    ///   - logs: daily logs; those of other people or outside the range are ignored.
    ///   - weeklySeconds: merged seconds per user id, ISO week key and category.
    ///   - today: the day it is now for the team, which streaks treat as still going.
    public init(
        goals: Goals, members: [Member], logs: [DailyLog], weeklySeconds: [String: [String: [String: Int]]],
        range: ClosedRange<LocalDate>, today: LocalDate
    ) {
        self.range = range
        self.today = today
        var logsByUser: [String: [LocalDate: DailyLog]] = [:]
        for log in logs where range.contains(log.date) {
            logsByUser[log.userID, default: [:]][log.date] = log
        }
        let mondays = Array(stride(from: ISOWeek.monday(of: range.lowerBound), through: range.upperBound, by: 7))
        users = members.map { member in
            Self.progress(
                of: member, goals: goals, logs: logsByUser[member.id] ?? [:], weeklySeconds: weeklySeconds[member.id] ?? [:],
                range: range, mondays: mondays, today: today)
        }
        leaderboard = Self.leaderboard(of: users)
    }

    private static func progress(
        of member: Member, goals: Goals, logs: [LocalDate: DailyLog], weeklySeconds: [String: [String: Int]],
        range: ClosedRange<LocalDate>, mondays: [LocalDate], today: LocalDate
    ) -> UserProgress {
        let targets = goals.dailyTargets(for: member.id)
        let days = range.map { date in
            let log = logs[date]
            return DayProgress(
                date: date, hasLog: log != nil, reviews: log?.reviews ?? 0, demos: log?.demos ?? 0,
                callbacks: log?.callbacks ?? 0,
                metrics: GoalMetric.allCases.map {
                    MetricProgress(
                        metric: $0, count: log?.count(of: $0) ?? 0, target: targets[$0], achieved: targets.isMet($0, by: log))
                },
                achieved: targets.areAllMet(by: log))
        }
        let dailyStreak = GoalStreak(
            steps: days.map {
                GoalStreak.dailyStep(date: $0.date, hasLog: $0.hasLog, achieved: $0.achieved, today: today)
            })

        let weeklyTargets = goals.weeklyTargets(for: member.id)
        let weeks = mondays.map { monday in
            let key = ISOWeek.key(of: monday)
            let seconds = weeklySeconds[key] ?? [:]
            return WeekProgress(
                week: key, monday: monday,
                categories: weeklyTargets.map { target in
                    let actual = seconds[target.category] ?? 0
                    return CategoryProgress(
                        category: target.category, targetSeconds: target.weeklySeconds, seconds: actual,
                        achieved: target.isMet(bySeconds: actual))
                })
        }
        let weeklyStreaks = weeklyTargets.indices.map { index in
            CategoryStreak(
                category: weeklyTargets[index].category,
                streak: GoalStreak(
                    steps: weeks.map {
                        GoalStreak.weeklyStep(monday: $0.monday, achieved: $0.categories[index].achieved, today: today)
                    }))
        }
        return UserProgress(
            userID: member.id, name: member.name, dailyTargets: targets, weeklyTargets: weeklyTargets, days: days,
            weeks: weeks, daysAchieved: days.count(where: \.achieved), totalCount: days.reduce(0) { $0 + $1.total },
            dailyStreak: dailyStreak, weeklyStreaks: weeklyStreaks)
    }

    private static func leaderboard(of users: [UserProgress]) -> [LeaderboardEntry] {
        let ranked = users.sorted { a, b in
            if a.daysAchieved != b.daysAchieved { return a.daysAchieved > b.daysAchieved }
            if a.totalCount != b.totalCount { return a.totalCount > b.totalCount }
            let (left, right) = (a.name.lowercased(), b.name.lowercased())
            if left != right { return left < right }
            return (a.name, a.userID) < (b.name, b.userID)
        }
        var entries: [LeaderboardEntry] = []
        for (place, user) in ranked.enumerated() {
            var rank = place + 1
            if let previous = entries.last, previous.daysAchieved == user.daysAchieved,
                previous.totalCount == user.totalCount
            {
                rank = previous.rank
            }
            entries.append(
                LeaderboardEntry(
                    rank: rank, userID: user.userID, name: user.name, daysAchieved: user.daysAchieved,
                    totalCount: user.totalCount))
        }
        return entries
    }
}
