import Foundation
import Logging
import TallyCore
import TallyStore

/// The goals in force (a setting, changed over the API or the dashboard), and the watch that
/// sends `goal.achieved` the first time a target is met in its period. Each (user, goal,
/// period) is recorded once in the store, so a count lowered and raised again, or a week's time
/// re-synced, does not announce it twice.
struct GoalBook: Sendable {
    static let setting = "goals"

    let store: any TallyStore
    let configuration: ServerConfiguration

    init(store: any TallyStore, configuration: ServerConfiguration) {
        self.store = store
        self.configuration = configuration
    }

    func now() -> Date { configuration.now() }

    func goals() async throws -> Goals {
        guard let text = try await store.setting(Self.setting) else { return Goals() }
        return try JSONDecoder().decode(Goals.self, from: Data(text.utf8))
    }

    func save(_ goals: Goals) async throws {
        try goals.validate()
        let text = String(decoding: try JSONEncoder().encode(goals), as: UTF8.self)
        try await store.saveSetting(Self.setting, text, at: now())
    }

    /// After a daily log was created or changed: the targets it meets now.
    func dailyLogChanged(_ log: DailyLog) async throws {
        let targets = try await goals().dailyTargets(for: log.userID)
        var achievements: [GoalAchievement] = []
        for metric in GoalMetric.allCases {
            guard let target = targets[metric], targets.isMet(metric, by: log) else { continue }
            achievements.append(
                achievement(
                    userID: log.userID, goal: metric.rawValue, period: log.date.description, target: target,
                    value: log.count(of: metric), extra: ["daily_log_id": .string(log.id)]))
        }
        if targets.areAllMet(by: log) {
            achievements.append(
                achievement(
                    userID: log.userID, goal: "daily", period: log.date.description, target: nil, value: nil,
                    extra: ["daily_log_id": .string(log.id)]))
        }
        _ = try await store.recordGoalAchievements(achievements, at: now())
    }

    /// `timeChanged`, for callers whose own change stands whatever happens here.
    func noteTimeChanged(userIDs: [String]?) async {
        do { try await timeChanged(userIDs: userIDs) } catch {
            Logger(label: "tally.goals").warning("could not check goals", metadata: ["error": "\(error)"])
        }
    }

    /// After time entries changed (a sync, a tracker's webhook, Health Auto Export, the API): this week's and last
    /// week's time per category against the weekly targets, for `userIDs` (nil: everyone with targets).
    func timeChanged(userIDs: [String]?) async throws {
        let goals = try await goals()
        let users = try await store.users(after: nil, limit: 100_000)
            .filter { userIDs?.contains($0.id) ?? true }
            .filter { !goals.weeklyTargets(for: $0.id).isEmpty }
        guard !users.isEmpty else { return }
        let instant = now()
        var achievements: [GoalAchievement] = []
        for user in users {
            let zone = TimeZone(identifier: user.timezone) ?? TimeZone(identifier: configuration.defaultTimezone) ?? .gmt
            let monday = ISOWeek.monday(of: LocalDate(containing: instant, in: zone, dayStartsAt: configuration.dayStartsAt))
            let weeks = try await Reports(store: store, configuration: configuration)
                .time(range: monday.adding(days: -7)...monday.adding(days: 6), grouping: .week, userID: user.id)
                .secondsByKeyAndCategory
            for (week, categories) in weeks {
                for target in goals.weeklyTargets(for: user.id) {
                    let seconds = categories[target.category] ?? 0
                    guard target.isMet(bySeconds: seconds) else { continue }
                    achievements.append(
                        achievement(
                            userID: user.id, goal: "category:\(target.category)", period: week, target: target.weeklySeconds,
                            value: seconds, extra: ["category": .string(target.category)]))
                }
            }
        }
        _ = try await store.recordGoalAchievements(achievements, at: instant)
    }

    private func achievement(
        userID: String, goal: String, period: String, target: Int?, value: Int?, extra: [String: JSONValue]
    ) -> GoalAchievement {
        var data: [String: JSONValue] = ["user_id": .string(userID), "goal": .string(goal), "period": .string(period)]
        if let target { data["target"] = .integer(Int64(target)) }
        if let value { data["value"] = .integer(Int64(value)) }
        data.merge(extra) { _, new in new }
        return GoalAchievement(userID: userID, goal: goal, period: period, data: .object(data))
    }
}
