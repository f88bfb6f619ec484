import Foundation

/// The team's targets, with per-person overrides. Goals as they are now apply to every day a
/// report looks at: earlier targets are not kept.
public struct Goals: Sendable, Equatable, Codable {
    public var team: DailyTargets
    /// Per user id: each target set here replaces the team's for that person.
    public var users: [String: DailyTargets]
    /// The team's weekly category targets.
    public var categoryWeekly: [CategoryTarget]
    /// Per user id: each entry replaces the team's target for the same category, or adds one.
    public var userCategoryWeekly: [String: [CategoryTarget]]

    public static let maximumDailyTarget = DailyLog.maximumCount
    /// A week has 604,800 seconds.
    public static let maximumWeeklySeconds = 7 * 86_400
    public static let maximumCategoryLength = 200

    public init(
        team: DailyTargets = DailyTargets(), users: [String: DailyTargets] = [:], categoryWeekly: [CategoryTarget] = [],
        userCategoryWeekly: [String: [CategoryTarget]] = [:]
    ) {
        self.team = team
        self.users = users
        self.categoryWeekly = categoryWeekly
        self.userCategoryWeekly = userCategoryWeekly
    }

    private enum CodingKeys: String, CodingKey {
        case team, users
        case categoryWeekly = "category_weekly"
        case userCategoryWeekly = "user_category_weekly"
    }

    /// Missing keys are empty, so `{"team": {"reviews": 5}}` is a whole document.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        team = try container.decodeIfPresent(DailyTargets.self, forKey: .team) ?? DailyTargets()
        users = try container.decodeIfPresent([String: DailyTargets].self, forKey: .users) ?? [:]
        categoryWeekly = try container.decodeIfPresent([CategoryTarget].self, forKey: .categoryWeekly) ?? []
        userCategoryWeekly =
            try container.decodeIfPresent([String: [CategoryTarget]].self, forKey: .userCategoryWeekly) ?? [:]
    }

    /// The team's daily targets with the user's own put in their place.
    public func dailyTargets(for userID: String) -> DailyTargets {
        users[userID].map(team.overridden(by:)) ?? team
    }

    /// The team's weekly category targets, each replaced by the user's target for the same
    /// category, then the user's targets for categories the team has none for, in their order.
    public func weeklyTargets(for userID: String) -> [CategoryTarget] {
        guard let own = userCategoryWeekly[userID], !own.isEmpty else { return categoryWeekly }
        var targets = categoryWeekly.map { team in own.first { $0.category == team.category } ?? team }
        targets += own.filter { mine in !categoryWeekly.contains { $0.category == mine.category } }
        return targets
    }

    /// Every problem at once, each under a JSON pointer such as `#/users/u1/demos` or
    /// `#/category_weekly/2/category`.
    public func validate() throws(ValidationError) {
        var problems = FieldProblems()
        Self.check(team, at: "team", into: &problems)
        for userID in users.keys.sorted() {
            Self.check(users[userID]!, at: "users/" + Self.escaped(userID), into: &problems)
        }
        Self.check(categoryWeekly, at: "category_weekly", into: &problems)
        for userID in userCategoryWeekly.keys.sorted() {
            Self.check(userCategoryWeekly[userID]!, at: "user_category_weekly/" + Self.escaped(userID), into: &problems)
        }
        try problems.throwIfAny()
    }

    private static func check(_ targets: DailyTargets, at path: String, into problems: inout FieldProblems) {
        for metric in GoalMetric.allCases {
            if let target = targets[metric], !(0...maximumDailyTarget).contains(target) {
                problems.add(path + "/" + metric.rawValue, "must be a whole number from 0 to \(maximumDailyTarget)")
            }
        }
    }

    private static func check(_ targets: [CategoryTarget], at path: String, into problems: inout FieldProblems) {
        var seen: Set<String> = []
        for (index, target) in targets.enumerated() {
            let field = "\(path)/\(index)/"
            problems.checkText(field + "category", target.category, maxLength: maximumCategoryLength)
            if !seen.insert(target.category).inserted {
                problems.add(field + "category", "repeats the category \(target.category)")
            }
            if !(1...maximumWeeklySeconds).contains(target.weeklySeconds) {
                problems.add(field + "weekly_seconds", "must be a whole number of seconds from 1 to \(maximumWeeklySeconds)")
            }
        }
    }

    /// JSON pointer escaping (RFC 6901) of a user id used as a key.
    private static func escaped(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
