import Foundation
import Hummingbird
import TallyCore
import TallyIntegrations
import TallyStore

/// The overview: this week per category, today's timeline, goal progress and the timer.
extension Dashboard {
    func overview(_ request: Request, _ signedIn: SignedIn) async throws -> Response {
        let language = Language.of(request)
        let strings = language.strings
        let user = signedIn.user
        let zone = Self.zone(user)
        let instant = now()
        let dayStartsAt = api.configuration.dayStartsAt
        let today = LocalDate(containing: instant, in: zone, dayStartsAt: dayStartsAt)
        let monday = ISOWeek.monday(of: today)
        let week = monday...monday.adding(days: 6)
        let options = ReportOptions(
            grouping: .day, range: week, timeZones: [user.id: zone], defaultTimeZone: zone, dayStartsAt: dayStartsAt,
            priority: api.configuration.sourcePriority, now: instant)
        let window = options.spanWindow
        let spans = try await store.reportSpans(userID: user.id, from: window.lowerBound, before: window.upperBound, withDescriptions: true)
        let report = TimeReport(spans: spans, options: options)
        let rules = try await api.rulesBook.rules()
        let colours = Dictionary(rules.palette.map { ($0.name, $0.color) }, uniquingKeysWith: { first, _ in first })
        let perDay = report.secondsByKeyAndCategory
        let bars = (0..<7).map { offset in
            let day = monday.adding(days: offset)
            return StackedBarChart.Bar(
                label: "\(language.weekdays[offset]) \(day.day)",
                segments: (perDay[day.description] ?? [:]).sorted { $0.key < $1.key }.map {
                    StackedBarChart.Segment(category: $0.key, seconds: $0.value)
                })
        }
        let weekChart = StackedBarChart(
            title: strings["this_week"] ?? "This week", bars: bars, categories: rules.palette.map(\.name), colours: colours,
            units: language.units, emptyText: strings["no_time_week"] ?? "")
        let timeline = DayTimeline(
            userID: user.id, day: today, spans: spans, timeZone: zone, dayStartsAt: dayStartsAt,
            priority: api.configuration.sourcePriority, now: instant)
        let todayChart = DayTimelineChart(
            title: "\(strings["today"] ?? "Today") \(today)", dayStart: timeline.window.lowerBound,
            dayEnd: timeline.window.upperBound, timeZone: zone,
            segments: timeline.segments.map {
                DayTimelineChart.Segment(start: $0.start, stop: $0.stop, category: $0.category, label: $0.description)
            },
            colours: colours, now: instant, nowLabel: "⏱", emptyText: strings["no_time_today"] ?? "")
        let durations = DurationText(units: language.units)
        let totals = report.totals.map { total in
            ["category": total.category, "time": durations.duration(seconds: total.seconds), "colour": colours[total.category] ?? "#9aa0a6"]
        }
        var values: [String: Any] = [
            "week_chart": weekChart.svg(), "today_chart": todayChart.svg(), "totals": totals,
            "week_total": durations.duration(seconds: report.totalSeconds), "week_label": ISOWeek.key(of: today),
            "goals": try await goalProgress(for: user, today: today, weekTotals: report, language: language),
            "categories": rules.palette.map(\.name),
        ]
        values["timer"] = try await timerValues(zone: zone, durations: durations)
        return renderer.page("overview", values, frame: await frame(request, signedIn, titleKey: "overview"))
    }

    /// The running timer, from the store (the sync and the timer commands keep it current).
    func timerValues(zone: TimeZone, durations: DurationText) async throws -> [String: Any] {
        let configured = !api.sources.names.isEmpty
        guard configured else { return ["configured": false] }
        let owner = try? await api.syncOwner()
        let instant = now()
        let running = try await store.reportSpans(
            userID: owner, from: instant, before: instant.addingTimeInterval(1), withDescriptions: true
        ).first { $0.stop == nil && $0.source != .manual }
        var values: [String: Any] = ["configured": true, "sources": api.sources.names.map(\.rawValue)]
        if let running {
            values["running"] = [
                "description": running.description, "category": running.category, "source": running.source.rawValue,
                "since": SyncIndicator.clock(running.start, zone),
                "elapsed": durations.duration(seconds: Int(instant.timeIntervalSince(running.start))),
                "start_epoch": Int(running.start.timeIntervalSince1970),
            ]
        }
        return values
    }

    func startTimer(_ request: Request, _ context: TallyRequestContext) async throws -> Response {
        try await action(request, context) { form, _ in
            guard let description = form.text("description") else {
                throw ValidationError(field: "description", "must not be empty")
            }
            _ = try await api.startTimer(
                .init(
                    query: .init(source: form.text("source").flatMap(Components.Parameters.TimerSourceParameter.init(rawValue:))),
                    body: .json(.init(description: description, category: form.text("category")))))
            return Self.redirect("/")
        }
    }

    func stopTimer(_ request: Request, _ context: TallyRequestContext) async throws -> Response {
        try await action(request, context) { form, _ in
            _ = try await api.stopTimer(
                .init(query: .init(source: form.text("source").flatMap(Components.Parameters.TimerSourceParameter.init(rawValue:)))))
            return Self.redirect("/")
        }
    }
}
