import Foundation
import Testing
@testable import TallyCore

/// Targets, overrides, validation, day and week progress, streaks, leaderboard, achievements.
@Suite struct GoalProgressTests {
    let now = Date(timeIntervalSince1970: 1_795_442_400)

    func date(_ text: String) -> LocalDate { LocalDate(text)! }

    func log(_ user: String, _ day: String, _ reviews: Int, _ demos: Int = 0, _ callbacks: Int = 0) -> DailyLog {
        DailyLog(
            id: "dl_\(user)_\(day)", userID: user, date: date(day), reviews: reviews, demos: demos, callbacks: callbacks,
            createdAt: now, updatedAt: now)
    }

    // MARK: Targets

    @Test func userTargetsOverrideTheTeamsFieldByField() {
        let goals = Goals(
            team: DailyTargets(reviews: 5, demos: 2),
            users: ["ann": DailyTargets(demos: 3, callbacks: 1), "bob": DailyTargets()])
        #expect(goals.dailyTargets(for: "ann") == DailyTargets(reviews: 5, demos: 3, callbacks: 1))
        #expect(goals.dailyTargets(for: "bob") == DailyTargets(reviews: 5, demos: 2))
        #expect(goals.dailyTargets(for: "cem") == DailyTargets(reviews: 5, demos: 2))
    }

    @Test func userWeeklyTargetsReplaceSameCategoryAndAddOthers() {
        let goals = Goals(
            categoryWeekly: [CategoryTarget(category: "Sport", weeklySeconds: 10_800), CategoryTarget(category: "Read", weeklySeconds: 3600)],
            userCategoryWeekly: ["ann": [CategoryTarget(category: "Yoga", weeklySeconds: 1800), CategoryTarget(category: "Sport", weeklySeconds: 7200)]])
        #expect(goals.weeklyTargets(for: "ann") == [
            CategoryTarget(category: "Sport", weeklySeconds: 7200), CategoryTarget(category: "Read", weeklySeconds: 3600),
            CategoryTarget(category: "Yoga", weeklySeconds: 1800),
        ])
        #expect(goals.weeklyTargets(for: "bob") == goals.categoryWeekly)
    }

    @Test func validationNamesEveryBadField() {
        let goals = Goals(
            team: DailyTargets(reviews: -1, demos: 1_000_001, callbacks: 1_000_000),
            users: ["ann": DailyTargets(callbacks: -5), "ok": DailyTargets(reviews: 0)],
            categoryWeekly: [
                CategoryTarget(category: "Sport", weeklySeconds: 0), CategoryTarget(category: "Sport", weeklySeconds: 3600),
                CategoryTarget(category: " ", weeklySeconds: 604_801), CategoryTarget(category: "Read", weeklySeconds: 604_800),
            ],
            userCategoryWeekly: ["ann": [CategoryTarget(category: "Yoga", weeklySeconds: 60), CategoryTarget(category: "Yoga", weeklySeconds: 60)]])
        do {
            try goals.validate()
            Issue.record("invalid goals were accepted")
        } catch {
            #expect(error.errors.map(\.pointer) == [
                "#/team/reviews", "#/team/demos", "#/users/ann/callbacks",
                "#/category_weekly/0/weekly_seconds", "#/category_weekly/1/category", "#/category_weekly/2/category",
                "#/category_weekly/2/weekly_seconds", "#/user_category_weekly/ann/1/category",
            ])
            #expect(error.errors.first?.detail == "must be a whole number from 0 to 1000000")
        }
        let fine = Goals(team: DailyTargets(reviews: 0, demos: 1_000_000), categoryWeekly: [CategoryTarget(category: "Sport", weeklySeconds: 1)])
        #expect(throws: Never.self) { try fine.validate() }
    }

    @Test func goalsRoundTripThroughJSONWithSnakeCaseKeys() throws {
        let goals = Goals(
            team: DailyTargets(reviews: 5), users: ["ann": DailyTargets(demos: 2)],
            categoryWeekly: [CategoryTarget(category: "Sport", weeklySeconds: 10_800)],
            userCategoryWeekly: ["ann": [CategoryTarget(category: "Yoga", weeklySeconds: 1800)]])
        let json = try JSONEncoder().encode(goals)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"category_weekly\"") && text.contains("\"weekly_seconds\"") && text.contains("\"user_category_weekly\""))
        #expect(try JSONDecoder().decode(Goals.self, from: json) == goals)
        #expect(try JSONDecoder().decode(Goals.self, from: Data(#"{"team":{"reviews":3}}"#.utf8)) == Goals(team: DailyTargets(reviews: 3)))
    }

    // MARK: Days

    @Test func aDayIsAchievedWhenEverySetTargetIsMet() throws {
        let goals = Goals(team: DailyTargets(reviews: 3, demos: 1))
        let report = GoalReport(
            goals: goals, members: [.init(id: "ann", name: "Ann")],
            logs: [log("ann", "2026-03-02", 3, 1, 0), log("ann", "2026-03-03", 5, 0, 9), log("bob", "2026-03-04", 9, 9, 9)],
            weeklySeconds: [:], range: date("2026-03-02")...date("2026-03-04"), today: date("2026-03-10"))
        let days = try #require(report.users.first?.days)
        #expect(days.map(\.achieved) == [true, false, false])
        #expect(days[1].metrics.map(\.achieved) == [true, false, false])
        #expect(days[1].metrics.map(\.target) == [3, 1, nil])
        #expect(days[2].hasLog == false && days[2].total == 0)
        #expect(report.users[0].daysAchieved == 1)
        #expect(report.users[0].totalCount == 3 + 1 + 5 + 9)
    }

    @Test func withoutTargetsNoDayIsAchieved() {
        let report = GoalReport(
            goals: Goals(), members: [.init(id: "ann", name: "Ann")], logs: [log("ann", "2026-03-02", 30, 30, 30)],
            weeklySeconds: [:], range: date("2026-03-02")...date("2026-03-02"), today: date("2026-03-02"))
        #expect(report.users[0].days[0].achieved == false)
        #expect(report.users[0].dailyStreak == GoalStreak(current: 0, longest: 0))
    }

    // MARK: Daily streaks

    func dailyStreak(_ logs: [DailyLog], through last: String, today: String, first: String = "2026-03-02") -> GoalStreak {
        GoalReport(
            goals: Goals(team: DailyTargets(reviews: 2)), members: [.init(id: "ann", name: "Ann")], logs: logs,
            weeklySeconds: [:], range: date(first)...date(last), today: date(today)
        ).users[0].dailyStreak
    }

    @Test func weekendsWithoutALogAreSkipped() {
        // Thu, Fri achieved; no logs Sat 7 and Sun 8; Mon 9 achieved.
        let logs = [log("ann", "2026-03-05", 2), log("ann", "2026-03-06", 2), log("ann", "2026-03-09", 4)]
        #expect(dailyStreak(logs, through: "2026-03-09", today: "2026-03-20") == GoalStreak(current: 3, longest: 3))
    }

    @Test func weekendDaysWithALogCountLikeAnyOtherDay() {
        let base = [log("ann", "2026-03-05", 2), log("ann", "2026-03-06", 2), log("ann", "2026-03-09", 4)]
        // A weekend log that reaches the target extends the streak...
        #expect(dailyStreak(base + [log("ann", "2026-03-07", 2)], through: "2026-03-09", today: "2026-03-20").current == 4)
        // ...and one that falls short breaks it.
        #expect(dailyStreak(base + [log("ann", "2026-03-08", 1)], through: "2026-03-09", today: "2026-03-20") == GoalStreak(current: 1, longest: 2))
    }

    @Test func aWeekdayWithoutALogBreaksTheStreak() {
        // Wed 4 has no log.
        let logs = [log("ann", "2026-03-02", 2), log("ann", "2026-03-03", 2), log("ann", "2026-03-05", 2), log("ann", "2026-03-06", 2)]
        #expect(dailyStreak(logs, through: "2026-03-06", today: "2026-03-20") == GoalStreak(current: 2, longest: 2))
        // A logged weekday below target breaks it too.
        let short = logs + [log("ann", "2026-03-04", 1)]
        #expect(dailyStreak(short, through: "2026-03-06", today: "2026-03-20") == GoalStreak(current: 2, longest: 2))
        let full = logs + [log("ann", "2026-03-04", 2)]
        #expect(dailyStreak(full, through: "2026-03-06", today: "2026-03-20") == GoalStreak(current: 5, longest: 5))
    }

    @Test func todayInProgressDoesNotBreakTheStreak() {
        let logs = [log("ann", "2026-03-09", 2), log("ann", "2026-03-10", 2)]
        // Wednesday 11 is today with no log yet, then with too few, then done.
        #expect(dailyStreak(logs, through: "2026-03-11", today: "2026-03-11").current == 2)
        #expect(dailyStreak(logs + [log("ann", "2026-03-11", 1)], through: "2026-03-11", today: "2026-03-11").current == 2)
        #expect(dailyStreak(logs + [log("ann", "2026-03-11", 2)], through: "2026-03-11", today: "2026-03-11").current == 3)
        // Once the day is over, an unmet Wednesday breaks it.
        #expect(dailyStreak(logs, through: "2026-03-11", today: "2026-03-12").current == 0)
        // Days after today are not counted against anyone.
        #expect(dailyStreak(logs, through: "2026-03-15", today: "2026-03-11").current == 2)
    }

    @Test func longestStreakIsTheLongestRunInTheRange() {
        // Mon 2–Fri 6 achieved (5), Mon 9 missed, Tue 10–Wed 11 achieved, Thu 12 missed, Fri 13 achieved.
        var logs = ["02", "03", "04", "05", "06", "10", "11", "13"].map { log("ann", "2026-03-\($0)", 3) }
        logs.append(log("ann", "2026-03-12", 0))
        #expect(dailyStreak(logs, through: "2026-03-13", today: "2026-03-13") == GoalStreak(current: 1, longest: 5))
        // Only days in the range count: starting on Wednesday 4, Mon and Tue are not seen.
        #expect(dailyStreak(logs, through: "2026-03-06", today: "2026-03-20", first: "2026-03-04") == GoalStreak(current: 3, longest: 3))
    }

    @Test func streakSteps() {
        let today = date("2026-03-11")
        #expect(GoalStreak.dailyStep(date: date("2026-03-12"), hasLog: true, achieved: true, today: today) == .passedOver)
        #expect(GoalStreak.dailyStep(date: today, hasLog: true, achieved: true, today: today) == .achieved)
        #expect(GoalStreak.dailyStep(date: today, hasLog: false, achieved: false, today: today) == .passedOver)
        #expect(GoalStreak.dailyStep(date: date("2026-03-07"), hasLog: false, achieved: false, today: today) == .passedOver)
        #expect(GoalStreak.dailyStep(date: date("2026-03-07"), hasLog: true, achieved: false, today: today) == .missed)
        #expect(GoalStreak.dailyStep(date: date("2026-03-06"), hasLog: false, achieved: false, today: today) == .missed)
        #expect(GoalStreak(steps: [.achieved, .passedOver, .achieved, .missed, .achieved, .passedOver]) == GoalStreak(current: 1, longest: 2))
        #expect(GoalStreak(steps: []) == GoalStreak(current: 0, longest: 0))
    }

    // MARK: Weeks

    @Test func weeklyCategoryProgressAndStreaks() throws {
        let goals = Goals(
            categoryWeekly: [CategoryTarget(category: "Sport", weeklySeconds: 10_800)],
            userCategoryWeekly: ["bob": [CategoryTarget(category: "Read", weeklySeconds: 3600)]])
        let weekly: [String: [String: [String: Int]]] = [
            "ann": [
                "2026-W10": ["Sport": 10_800], "2026-W11": ["Sport": 12_000, "Work": 99_999], "2026-W12": ["Sport": 3600],
                "2026-W13": ["Sport": 11_000], "2026-W14": ["Sport": 100],
            ],
            "bob": ["2026-W13": ["Read": 4000, "Sport": 20_000]],
        ]
        // Range Wed 2026-03-04 … Wed 2026-04-01 touches W10 … W14; today is in W14.
        let report = GoalReport(
            goals: goals, members: [.init(id: "ann", name: "Ann"), .init(id: "bob", name: "Bob")], logs: [],
            weeklySeconds: weekly, range: date("2026-03-04")...date("2026-04-01"), today: date("2026-04-01"))
        let ann = report.users[0]
        #expect(ann.weeks.map(\.week) == ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"])
        #expect(ann.weeks.map(\.monday) == [date("2026-03-02"), date("2026-03-09"), date("2026-03-16"), date("2026-03-23"), date("2026-03-30")])
        #expect(ann.weeks.map { $0.categories[0].achieved } == [true, true, false, true, false])
        #expect(ann.weeks[1].categories == [GoalReport.CategoryProgress(category: "Sport", targetSeconds: 10_800, seconds: 12_000, achieved: true)])
        // W14 is this week and not yet met: passed over.
        #expect(ann.weeklyStreaks == [GoalReport.CategoryStreak(category: "Sport", streak: GoalStreak(current: 1, longest: 2))])
        // Once W14 is over it breaks the streak.
        let later = GoalReport(
            goals: goals, members: [.init(id: "ann", name: "Ann")], logs: [], weeklySeconds: weekly,
            range: date("2026-03-04")...date("2026-04-01"), today: date("2026-04-06"))
        #expect(later.users[0].weeklyStreaks[0].streak == GoalStreak(current: 0, longest: 2))

        let bob = report.users[1]
        #expect(bob.weeklyTargets.map(\.category) == ["Sport", "Read"])
        #expect(bob.weeks[3].categories.map(\.achieved) == [true, true])
        #expect(bob.weeklyStreaks.map(\.streak) == [GoalStreak(current: 1, longest: 1), GoalStreak(current: 1, longest: 1)])
    }

    @Test func weeklySecondsComeFromPerUserWeekReports() throws {
        let zone = TimeZone(identifier: "Europe/Amsterdam")!
        let start = try #require(RFC3339.parse("2026-03-10T18:00:00+01:00"))
        let spans = [
            ReportSpan(id: "t", userID: "ann", source: .toggl, category: "Sport", description: "Gym", start: start, stop: start + 3600),
            ReportSpan(id: "w", userID: "ann", source: .appleHealth, category: "Sport", description: "Workout", start: start + 600, stop: start + 3300),
        ]
        let reports = TimeReport.byUser(
            spans: spans,
            options: ReportOptions(grouping: .week, range: date("2026-03-09")...date("2026-03-15"), defaultTimeZone: zone, now: now))
        let weekly = reports.mapValues(\.secondsByKeyAndCategory)
        #expect(weekly == ["ann": ["2026-W11": ["Sport": 3600]]])
        let report = GoalReport(
            goals: Goals(categoryWeekly: [CategoryTarget(category: "Sport", weeklySeconds: 3600)]),
            members: [.init(id: "ann", name: "Ann")], logs: [], weeklySeconds: weekly,
            range: date("2026-03-09")...date("2026-03-15"), today: date("2026-03-20"))
        #expect(report.users[0].weeks.map { $0.categories.map(\.achieved) } == [[true]])
    }

    // MARK: Leaderboard

    @Test func leaderboardSharesRanksOnTies() {
        let goals = Goals(team: DailyTargets(reviews: 1))
        let members: [GoalReport.Member] = [
            .init(id: "d", name: "Dee"), .init(id: "a", name: "Ann"), .init(id: "c", name: "cas"), .init(id: "b", name: "Bob"),
            .init(id: "e", name: "Eve"),
        ]
        let logs = [
            // Ann and Bob: two days, five in all. Cas: two days, four. Dee: one day, ten. Eve: nothing.
            log("a", "2026-03-02", 2), log("a", "2026-03-03", 3),
            log("b", "2026-03-02", 1, 1), log("b", "2026-03-03", 1, 2),
            log("c", "2026-03-02", 2), log("c", "2026-03-03", 2),
            log("d", "2026-03-02", 0, 5), log("d", "2026-03-03", 5),
        ]
        let report = GoalReport(
            goals: goals, members: members, logs: logs, weeklySeconds: [:], range: date("2026-03-02")...date("2026-03-03"),
            today: date("2026-03-04"))
        #expect(report.leaderboard.map(\.name) == ["Ann", "Bob", "cas", "Dee", "Eve"])
        #expect(report.leaderboard.map(\.rank) == [1, 1, 3, 4, 5])
        #expect(report.leaderboard.map(\.daysAchieved) == [2, 2, 2, 1, 0])
        #expect(report.leaderboard.map(\.totalCount) == [5, 5, 4, 10, 0])
        #expect(report.users.map(\.userID) == ["d", "a", "c", "b", "e"])
    }

    // MARK: Achievements


}
