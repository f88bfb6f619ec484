import Foundation
import Hummingbird
import TallyCore
import TallyStore

/// The team: a day's logs against the targets, the week's leaderboard, upcoming appointments;
/// and the goals shown on the overview and edited in the settings.
extension Dashboard {
    func team(_ request: Request, _ signedIn: SignedIn) async throws -> Response {
        let zone = Self.zone(signedIn.user)
        let today = LocalDate(containing: now(), in: zone, dayStartsAt: api.configuration.dayStartsAt)
        let day = request.uri.queryParameters["date"].flatMap { LocalDate(String($0)) } ?? today
        let monday = ISOWeek.monday(of: day)
        let report = try await api.reports.goals(range: monday...monday.adding(days: 6), userID: nil)
        let logs = report.users.compactMap { user -> [String: Any]? in
            guard let progress = user.days.first(where: { $0.date == day }), progress.hasLog else { return nil }
            return [
                "name": user.name, "achieved": progress.achieved,
                "metrics": progress.metrics.map { metric in
                    [
                        "count": metric.count, "target": metric.target.map(String.init) ?? "—", "achieved": metric.achieved,
                    ] as [String: Any]
                },
            ]
        }
        let leaderboard = report.leaderboard.map { entry in
            [
                "rank": entry.rank, "name": entry.name, "days": entry.daysAchieved, "total": entry.totalCount,
                "streak": report.users.first { $0.userID == entry.userID }?.dailyStreak.current ?? 0,
            ] as [String: Any]
        }
        let names = Dictionary(report.users.map { ($0.userID, $0.name) }, uniquingKeysWith: { first, _ in first })
        // Customers are private to whoever books them: a member sees their own appointments.
        let access = Access.of(user: signedIn.user)
        let upcoming = try await store.appointments(
            AppointmentQuery(
                userID: access.ownUserID, from: now(), before: now().addingTimeInterval(14 * 86_400), limit: 50))
        let appointments = upcoming.map { appointment in
            [
                "customer": appointment.customerName, "user": names[appointment.userID] ?? appointment.userID,
                "when": appointment.appointmentDate, "status": appointment.status.rawValue,
            ]
        }
        let values: [String: Any] = [
            "date": day.description, "week": ISOWeek.key(of: day), "logs": logs, "has_logs": !logs.isEmpty,
            "leaderboard": leaderboard, "appointments": appointments, "has_appointments": !appointments.isEmpty,
        ]
        return renderer.page("team", values, frame: await frame(request, signedIn, titleKey: "team"))
    }

    /// Today's daily targets and this week's category time for the overview, as progress bars.
    func goalProgress(for user: User, today: LocalDate, weekTotals: TimeReport, language: Language) async throws -> [String: Any] {
        let strings = language.strings
        let goals = try await api.goalBook.goals()
        let targets = goals.dailyTargets(for: user.id)
        let log = try await store.dailyLogs(DailyLogQuery(userID: user.id, from: today, to: today, limit: 1)).first
        var items: [[String: Any]] = []
        for metric in GoalMetric.allCases {
            guard let target = targets[metric] else { continue }
            let count = log?.count(of: metric) ?? 0
            let bar = ProgressBar(
                label: "\(strings["today"] ?? "Today"): \(strings[metric.rawValue] ?? metric.rawValue)", value: Double(count),
                target: Double(target), achieved: count >= target)
            items.append(["bar": bar.svg()])
        }
        let perCategory = Dictionary(weekTotals.totals.map { ($0.category, $0.seconds) }, uniquingKeysWith: +)
        for target in goals.weeklyTargets(for: user.id) {
            let seconds = perCategory[target.category] ?? 0
            let bar = ProgressBar(
                label: "\(strings["this_week"] ?? "This week"): \(target.category)", value: Double(seconds) / 3600,
                target: Double(target.weeklySeconds) / 3600, achieved: target.isMet(bySeconds: seconds), unit: language.units.hour)
            items.append(["bar": bar.svg()])
        }
        return ["items": items]
    }

    func goalsForm(rules: CategoryRules) async throws -> [String: Any] {
        let goals = try await api.goalBook.goals()
        var names = rules.palette.map(\.name)
        for target in goals.categoryWeekly where !names.contains(target.category) { names.append(target.category) }
        let weekly = Dictionary(goals.categoryWeekly.map { ($0.category, $0.weeklySeconds) }, uniquingKeysWith: { first, _ in first })
        return [
            "reviews": goals.team.reviews.map(String.init) ?? "", "demos": goals.team.demos.map(String.init) ?? "",
            "callbacks": goals.team.callbacks.map(String.init) ?? "",
            "weekly": names.map { name in
                ["name": name, "hours": weekly[name].map { ChartNumber.format(Double($0) / 3600, decimals: 2) } ?? ""]
            },
        ]
    }

    /// The team targets and weekly category hours from the settings form; user overrides (set
    /// over the API) are kept.
    func saveGoals(_ form: FormBody) async throws {
        var goals = try await api.goalBook.goals()
        var problems = FieldProblems()
        func count(_ field: String) -> Int? {
            guard let text = form.text(field) else { return nil }
            guard let value = Int(text), value >= 0 else {
                problems.add(field, "must be a whole number, 0 or more")
                return nil
            }
            return value
        }
        goals.team = DailyTargets(reviews: count("reviews"), demos: count("demos"), callbacks: count("callbacks"))
        var weekly: [CategoryTarget] = []
        for (name, value) in form.fields where name.hasPrefix("weekly:") {
            let category = String(name.dropFirst("weekly:".count))
            let text = value.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let hours = Double(text.replacingOccurrences(of: ",", with: ".")), hours.isFinite, hours >= 0, hours <= 168 else {
                problems.add(category, "must be a number of hours from 0 to 168")
                continue
            }
            if hours > 0 { weekly.append(CategoryTarget(category: category, weeklySeconds: Int((hours * 3600).rounded()))) }
        }
        try problems.throwIfAny()
        goals.categoryWeekly = weekly
        try await api.goalBook.save(goals)
    }
}
