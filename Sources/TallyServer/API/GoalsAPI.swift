import Foundation
import Logging
import TallyCore
import TallyStore

extension TallyAPI {
    var goalBook: GoalBook { GoalBook(store: store, configuration: configuration) }

    /// Looks for newly met goals after a change; the change stands even if this fails.
    func checkGoals(_ check: () async throws -> Void) async {
        do { try await check() } catch {
            Logger(label: "tally.goals").warning("could not check goals", metadata: ["error": "\(error)"])
        }
    }

    func getGoals(_ input: Operations.GetGoals.Input) async throws -> Operations.GetGoals.Output {
        try Caller.require(.read)
        return .ok(.init(body: .json(try await goalBook.goals().wire)))
    }

    func putGoals(_ input: Operations.PutGoals.Input) async throws -> Operations.PutGoals.Output {
        try Caller.require(.admin)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        let goals = try Goals(wire: body)
        try await goalBook.save(goals)
        return .ok(.init(body: .json(goals.wire)))
    }

}

extension Goals {
    var wire: Components.Schemas.Goals {
        var users: [String: Components.Schemas.Goals.UsersPayload.AdditionalPropertiesPayload] = [:]
        for id in Set(self.users.keys).union(userCategoryWeekly.keys) {
            users[id] = .init(daily: self.users[id]?.wire, weeklyCategories: userCategoryWeekly[id]?.map(\.wire))
        }
        return .init(
            daily: team.wire, weeklyCategories: categoryWeekly.map(\.wire),
            users: users.isEmpty ? nil : .init(additionalProperties: users))
    }

    init(wire: Components.Schemas.Goals) throws(ValidationError) {
        var problems = FieldProblems()
        func targets(_ list: [Components.Schemas.CategoryTarget]?, at field: String) -> [CategoryTarget] {
            (list ?? []).enumerated().compactMap { index, target in
                guard target.hours.isFinite, target.hours > 0, target.hours <= 168 else {
                    problems.add("\(field)/\(index)/hours", "must be more than 0 and at most 168 hours")
                    return nil
                }
                return CategoryTarget(category: target.category, weeklySeconds: Int((target.hours * 3600).rounded()))
            }
        }
        let team = DailyTargets(wire: wire.daily)
        let weekly = targets(wire.weeklyCategories, at: "weekly_categories")
        var users: [String: DailyTargets] = [:]
        var userWeekly: [String: [CategoryTarget]] = [:]
        for (id, override) in wire.users?.additionalProperties ?? [:] {
            if let daily = override.daily { users[id] = DailyTargets(wire: daily) }
            if let list = override.weeklyCategories { userWeekly[id] = targets(list, at: "users/\(id)/weekly_categories") }
        }
        try problems.throwIfAny()
        self.init(team: team, users: users, categoryWeekly: weekly, userCategoryWeekly: userWeekly)
        do { try validate() } catch { throw ValidationError(error.errors.map(Self.wirePointer)) }
    }

    /// The domain names its fields as it stores them; the request's names are these.
    static func wirePointer(_ error: FieldError) -> FieldError {
        var parts = error.pointer.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "team": parts[0] = "daily"
        case "category_weekly": parts[0] = "weekly_categories"
        case "users" where parts.count >= 3: parts.insert("daily", at: 2)
        case "user_category_weekly" where parts.count >= 2:
            parts[0] = "users"
            parts.insert("weekly_categories", at: 2)
        default: break
        }
        if parts.last == "weekly_seconds" { parts[parts.count - 1] = "hours" }
        return FieldError(pointer: "#/" + parts.joined(separator: "/"), detail: error.detail)
    }
}

extension DailyTargets {
    var wire: Components.Schemas.DailyTargets { .init(reviews: reviews, demos: demos, callbacks: callbacks) }

    init(wire: Components.Schemas.DailyTargets?) {
        self.init(reviews: wire?.reviews, demos: wire?.demos, callbacks: wire?.callbacks)
    }
}

extension CategoryTarget {
    var wire: Components.Schemas.CategoryTarget {
        .init(category: category, hours: Double(weeklySeconds) / 3600)
    }
}

extension TallyAPI {
    func goalReport(_ input: Operations.GoalReport.Input) async throws -> Operations.GoalReport.Output {
        try Caller.require(.read)
        let range = try dayRange(from: input.query.from, to: input.query.to)
        if let userID = input.query.userId, try await store.user(id: userID) == nil {
            throw TallyError.notFound(kind: "user", id: userID)
        }
        let report = try await reports.goals(range: range, userID: input.query.userId)
        return .ok(.init(body: .json(report.wire)))
    }
}

extension GoalReport {
    var wire: Components.Schemas.GoalReport {
        .init(
            from: range.lowerBound.description, to: range.upperBound.description,
            users: users.map { user in
                .init(
                    userId: user.userID, name: user.name, targets: user.dailyTargets.wire,
                    currentStreak: user.dailyStreak.current, longestStreak: user.dailyStreak.longest,
                    daysAchieved: user.daysAchieved,
                    days: user.days.map { day in
                        .init(
                            date: day.date.description, reviews: day.reviews, demos: day.demos, callbacks: day.callbacks,
                            achieved: day.achieved, achievedMetrics: day.metrics.filter(\.achieved).map(\.metric.rawValue))
                    },
                    weeks: user.weeks.flatMap { week in
                        week.categories.map {
                            .init(
                                week: week.week, category: $0.category, targetSeconds: $0.targetSeconds, seconds: $0.seconds,
                                achieved: $0.achieved)
                        }
                    })
            },
            leaderboard: leaderboard.map { entry in
                .init(
                    rank: entry.rank, userId: entry.userID, name: entry.name, daysAchieved: entry.daysAchieved,
                    total: entry.totalCount,
                    currentStreak: users.first { $0.userID == entry.userID }?.dailyStreak.current ?? 0)
            })
    }
}
