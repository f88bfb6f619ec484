import Foundation
import Testing
@testable import TallyCore

/// Raw and merged time: overlaps, priorities, clipping, running timers, teams across zones.
@Suite struct TimeReportTests {
    let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!
    let newYork = TimeZone(identifier: "America/New_York")!
    let utc = TimeZone(identifier: "UTC")!
    let day = LocalDate("2026-03-10")!

    func time(_ text: String) -> Date { RFC3339.parse(text)! }
    /// A time on 2026-03-10 in UTC, written `HH:MM`.
    func at(_ clock: String) -> Date { time("2026-03-10T\(clock):00Z") }

    func span(
        _ id: String, _ source: TimeEntrySource, _ category: String, _ start: String, _ stop: String?, user: String = "u1",
        description: String = ""
    ) -> ReportSpan {
        ReportSpan(
            id: id, userID: user, source: source, category: category, description: description, start: at(start),
            stop: stop.map(at))
    }

    func options(
        _ grouping: ReportGrouping = .category, priority: SourcePriority = .default, now: Date? = nil,
        range: ClosedRange<LocalDate>? = nil, zones: [String: TimeZone] = [:]
    ) -> ReportOptions {
        ReportOptions(
            grouping: grouping, range: range ?? day...day, timeZones: zones, defaultTimeZone: utc, priority: priority,
            now: now ?? time("2026-06-01T00:00:00Z"))
    }

    /// Merged and raw seconds per category.
    func byCategory(_ report: TimeReport) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: report.totals.map { ($0.category, [$0.seconds, $0.rawSeconds]) })
    }

    // MARK: Merging

    @Test func gymHourInTogglAndAsAWorkoutCountsOnce() throws {
        let spans = [
            span("t1", .toggl, "Sport", "18:00", "19:00", description: "Gym"),
            span("w1", .appleHealth, "Strength", "18:10", "18:55", description: "Traditional Strength Training"),
        ]
        let report = TimeReport(spans: spans, options: options())
        #expect(report.totalSeconds == 3600)
        #expect(report.rawTotalSeconds == 3600 + 45 * 60)
        #expect(byCategory(report) == ["Sport": [3600, 3600], "Strength": [0, 2700]])

        let workoutFirst = TimeReport(spans: spans, options: options(priority: try SourcePriority(parsing: "apple_health,toggl")))
        #expect(workoutFirst.totalSeconds == 3600)
        #expect(byCategory(workoutFirst) == ["Sport": [900, 3600], "Strength": [2700, 2700]])
        #expect(workoutFirst.totals.map(\.category) == ["Strength", "Sport"])

        let bySource = TimeReport(spans: spans, options: options(.source, priority: try SourcePriority(parsing: "apple_health")))
        #expect(bySource.rows == [
            TimeReport.Row(key: "apple_health", category: "Strength", seconds: 2700, rawSeconds: 2700),
            TimeReport.Row(key: "toggl", category: "Sport", seconds: 900, rawSeconds: 3600),
        ])
        let byDescription = TimeReport(spans: spans, options: options(.description))
        #expect(byDescription.rows.map(\.key) == ["Gym", "Traditional Strength Training"])
        #expect(byDescription.rows.map(\.seconds) == [3600, 0])
    }

    @Test func partialOverlapGoesToTheBetterSource() throws {
        let spans = [
            span("m1", .manual, "Work", "09:00", "10:00"),
            span("t1", .toggl, "Coding", "09:30", "11:00"),
        ]
        #expect(byCategory(TimeReport(spans: spans, options: options())) == ["Work": [3600, 3600], "Coding": [3600, 5400]])
        let togglFirst = TimeReport(spans: spans, options: options(priority: SourcePriority([.toggl])))
        #expect(byCategory(togglFirst) == ["Work": [1800, 3600], "Coding": [5400, 5400]])
    }

    @Test func threeWayOverlap() {
        let spans = [
            span("a1", .appleHealth, "Walking", "08:00", "13:00"),
            span("t1", .toggl, "Work", "09:00", "12:00"),
            span("m1", .manual, "Read", "10:00", "11:00"),
        ]
        let report = TimeReport(spans: spans, options: options())
        #expect(byCategory(report) == ["Walking": [7200, 18000], "Work": [7200, 10800], "Read": [3600, 3600]])
        #expect(report.totalSeconds == 5 * 3600)
        #expect(report.rawTotalSeconds == 9 * 3600)
        let timeline = DayTimeline(userID: "u1", day: day, spans: spans, timeZone: utc, now: at("23:00"))
        #expect(timeline.segments.map(\.spanID) == ["a1", "t1", "m1", "t1", "a1"])
        #expect(timeline.segments.map(\.start) == [at("08:00"), at("09:00"), at("10:00"), at("11:00"), at("12:00")])
        #expect(timeline.segments.map(\.stop) == [at("09:00"), at("10:00"), at("11:00"), at("12:00"), at("13:00")])
    }

    @Test func identicalSpansCountOnceForTheSmallerIDOrBetterSource() {
        let sameSource = [span("b", .toggl, "Coding", "09:00", "10:00"), span("a", .toggl, "Work", "09:00", "10:00")]
        #expect(byCategory(TimeReport(spans: sameSource, options: options())) == ["Work": [3600, 3600], "Coding": [0, 3600]])
        let otherSource = [span("a", .clockify, "Work", "09:00", "10:00"), span("b", .toggl, "Coding", "09:00", "10:00")]
        #expect(byCategory(TimeReport(spans: otherSource, options: options())) == ["Coding": [3600, 3600], "Work": [0, 3600]])
    }

    @Test func sameSourceOverlapGoesToTheEarlierStart() {
        let spans = [span("z", .toggl, "Work", "09:00", "11:00"), span("a", .toggl, "Coding", "10:00", "12:00")]
        #expect(byCategory(TimeReport(spans: spans, options: options())) == ["Work": [7200, 7200], "Coding": [3600, 7200]])
        let timeline = DayTimeline(userID: "u1", day: day, spans: spans, timeZone: utc, now: at("23:00"))
        #expect(timeline.segments.map(\.spanID) == ["z", "a"])
        #expect(timeline.segments.map(\.stop) == [at("11:00"), at("12:00")])
    }

    @Test func aLongerLowerSpanResumesAfterTheWinnerEnds() {
        // Manual 10–11 interrupts Toggl 09–12; Toggl's time after 11 is still Toggl's, joined in
        // the timeline only where it is contiguous.
        let spans = [span("t", .toggl, "Work", "09:00", "12:00"), span("m", .manual, "Read", "10:00", "11:00")]
        let timeline = DayTimeline(userID: "u1", day: day, spans: spans, timeZone: utc, now: at("23:00"))
        #expect(timeline.segments.map(\.spanID) == ["t", "m", "t"])
        // A later, lower-ranked span starting inside a winner does not split it.
        let nested = [span("m", .manual, "Read", "09:00", "12:00"), span("w", .appleHealth, "Walking", "10:00", "11:00")]
        let joined = DayTimeline(userID: "u1", day: day, spans: nested, timeZone: utc, now: at("23:00"))
        #expect(joined.segments.count == 1)
        #expect(joined.segments.first?.stop == at("12:00"))
    }

    @Test func manyWorkoutsUnderOneLongManualEntry() {
        // Enough ended spans pile up under the winner to make the sweep prune its heap.
        var spans = [span("m", .manual, "Work", "01:00", "23:00")]
        for minute in stride(from: 0, to: 600, by: 3) {
            let start = at("02:00").addingTimeInterval(Double(minute) * 60)
            spans.append(
                ReportSpan(
                    id: "w\(minute)", userID: "u1", source: .appleHealth, category: "Walking", description: "",
                    start: start, stop: start.addingTimeInterval(120)))
        }
        spans.append(span("t", .toggl, "Coding", "22:00", "23:59"))
        let report = TimeReport(spans: spans, options: options())
        #expect(byCategory(report) == ["Work": [22 * 3600, 22 * 3600], "Walking": [0, 200 * 120], "Coding": [3540, 7140]])
    }

    @Test func mergingIsPerPerson() {
        let spans = [span("a", .toggl, "Work", "09:00", "10:00", user: "u1"), span("b", .toggl, "Work", "09:00", "10:00", user: "u2")]
        let report = TimeReport(spans: spans, options: options())
        #expect(report.totalSeconds == 7200)
        #expect(report.rawTotalSeconds == 7200)
    }

    // MARK: Priority

    @Test func parsesPriorities() throws {
        #expect(SourcePriority.default.order == [.manual, .toggl, .clockify, .appleHealth, .healthAutoExport])
        let parsed = try SourcePriority(parsing: " apple_health , toggl")
        #expect(parsed.order == [.appleHealth, .toggl, .manual, .clockify, .healthAutoExport])
        #expect(parsed.rank(of: .appleHealth) == 0 && parsed.rank(of: .manual) == 2)
        #expect(try SourcePriority(parsing: "") == .default)
        #expect(try SourcePriority(parsing: parsed.description) == parsed)
        #expect(SourcePriority([.clockify, .clockify]).order == [.clockify, .manual, .toggl, .appleHealth, .healthAutoExport])
    }

    @Test(arguments: [("toggl,strava", "strava"), ("Toggl", "Toggl"), ("manual,,toggl", "\"\""), ("manual;toggl", "manual;toggl")])
    func rejectsUnknownSources(_ text: String, _ named: String) {
        do {
            _ = try SourcePriority(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.errors.map(\.pointer) == ["#/merge"])
            #expect(error.errors.first?.detail.contains(named) == true, "\(error)")
        }
    }

    @Test func rejectsRepeatedSources() {
        #expect(throws: ValidationError(field: "merge", "lists toggl more than once")) {
            try SourcePriority(parsing: "toggl,manual,toggl")
        }
    }

    // MARK: Clipping and running timers

    @Test func clipsToTheRange() {
        let spans = [
            ReportSpan(id: "night", userID: "u1", source: .toggl, category: "Work", description: "", start: time("2026-03-09T22:00:00Z"), stop: at("02:00")),
            ReportSpan(id: "late", userID: "u1", source: .toggl, category: "Coding", description: "", start: at("23:00"), stop: time("2026-03-11T03:00:00Z")),
            ReportSpan(id: "before", userID: "u1", source: .toggl, category: "Read", description: "", start: time("2026-03-08T10:00:00Z"), stop: time("2026-03-08T11:00:00Z")),
        ]
        let report = TimeReport(spans: spans, options: options(.day))
        #expect(report.rows == [
            TimeReport.Row(key: "2026-03-10", category: "Coding", seconds: 3600, rawSeconds: 3600),
            TimeReport.Row(key: "2026-03-10", category: "Work", seconds: 7200, rawSeconds: 7200),
        ])
    }

    @Test func runningTimerCountsUntilNow() {
        let spans = [
            span("run", .toggl, "Coding", "09:00", nil),
            span("future", .toggl, "Work", "15:00", nil),
            span("done", .manual, "Read", "09:30", "10:00"),
        ]
        let report = TimeReport(spans: spans, options: options(now: at("11:15")))
        #expect(byCategory(report) == ["Coding": [7200 + 900 - 1800, 7200 + 900], "Read": [1800, 1800]])
        let timeline = DayTimeline(userID: "u1", day: day, spans: spans, timeZone: utc, now: at("11:15"))
        #expect(timeline.segments.map(\.isRunning) == [true, false, true])
        #expect(timeline.segments.last?.stop == at("11:15"))
        // A timer running over midnight splits across the days it reaches.
        let overnight = TimeReport(
            spans: [span("run", .toggl, "Coding", "22:00", nil)],
            options: options(.day, now: time("2026-03-11T01:00:00Z"), range: day...day.adding(days: 2)))
        #expect(overnight.rows.map(\.key) == ["2026-03-10", "2026-03-11"])
        #expect(overnight.rows.map(\.seconds) == [7200, 3600])
    }

    @Test func ignoresEmptyAndBackwardsSpans() {
        let spans = [span("zero", .toggl, "Work", "09:00", "09:00"), span("back", .toggl, "Work", "10:00", "09:00")]
        let report = TimeReport(spans: spans, options: options())
        #expect(report.rows.isEmpty && report.totalSeconds == 0 && report.rawTotalSeconds == 0)
    }

    // MARK: Teams

    @Test func teamAcrossZonesUsesEachPersonsDays() {
        // 20:00–23:30 UTC on 2026-03-10: 21:00–00:30 in Amsterdam, 16:00–19:30 in New York (EDT).
        let spans = [
            ReportSpan(id: "a", userID: "ams", source: .toggl, category: "Work", description: "", start: at("20:00"), stop: at("23:30")),
            ReportSpan(id: "b", userID: "nyc", source: .toggl, category: "Work", description: "", start: at("20:00"), stop: at("23:30")),
        ]
        let opts = options(.day, range: day...day.adding(days: 1), zones: ["ams": amsterdam, "nyc": newYork])
        let report = TimeReport(spans: spans, options: opts)
        #expect(report.rows == [
            TimeReport.Row(key: "2026-03-10", category: "Work", seconds: 3 * 3600 + 3 * 3600 + 1800, rawSeconds: 3 * 3600 + 3 * 3600 + 1800),
            TimeReport.Row(key: "2026-03-11", category: "Work", seconds: 1800, rawSeconds: 1800),
        ])
        let perUser = TimeReport.byUser(spans: spans, options: opts)
        #expect(perUser["ams"]?.rows.map(\.seconds) == [3 * 3600, 1800])
        #expect(perUser["nyc"]?.rows.map(\.seconds) == [3 * 3600 + 1800])
        #expect(perUser["nyc"]?.rows.map(\.key) == ["2026-03-10"])

        let window = opts.spanWindow
        #expect(window.lowerBound == time("2026-03-10T00:00:00+01:00"))
        #expect(window.upperBound == time("2026-03-12T00:00:00-04:00"))
    }

    // MARK: Rounding and order

    @Test func roundsOncePerRowAndTotalsAddUp() {
        func tiny(_ id: String, _ category: String, _ offset: Double, _ length: Double) -> ReportSpan {
            let start = at("09:00").addingTimeInterval(offset)
            return ReportSpan(id: id, userID: id, source: .toggl, category: category, description: "", start: start, stop: start.addingTimeInterval(length))
        }
        // Three people's 0.4 s in one row make 1 s; two rows of 0.6 s make 1 s each.
        let spans = [tiny("a", "Work", 0, 0.4), tiny("b", "Work", 0, 0.4), tiny("c", "Work", 0, 0.4), tiny("d", "Read", 0, 0.6), tiny("e", "Yoga", 0, 0.6)]
        let report = TimeReport(spans: spans, options: options())
        #expect(byCategory(report) == ["Work": [1, 1], "Read": [1, 1], "Yoga": [1, 1]])
        #expect(report.totalSeconds == 3)
        #expect(report.totalSeconds == report.rows.reduce(0) { $0 + $1.seconds })
        #expect(report.rawTotalSeconds == report.totals.reduce(0) { $0 + $1.rawSeconds })
    }

    @Test func rowsSortByKeyThenCategoryAndCategoryKeysAreCategories() {
        let spans = [
            span("1", .toggl, "Work", "09:00", "10:00", description: "b"),
            span("2", .toggl, "Coding", "10:00", "12:00", description: "b"),
            span("3", .toggl, "Work", "12:00", "12:30", description: ""),
        ]
        let byDescription = TimeReport(spans: spans, options: options(.description))
        #expect(byDescription.rows.map { "\($0.key)/\($0.category)" } == ["/Work", "b/Coding", "b/Work"])
        let byCategory = TimeReport(spans: spans, options: options(.category))
        #expect(byCategory.rows.map(\.key) == byCategory.rows.map(\.category))
        #expect(byCategory.totals.map(\.category) == ["Coding", "Work"])
    }

    @Test func inputOrderDoesNotMatter() {
        var generator = SplitMix64(seed: 7)
        let spans = RandomSpans.make(count: 400, users: ["u1", "u2", "u3"], using: &generator)
        let reference = TimeReport(spans: spans, options: options(.day, range: day...day.adding(days: 2)))
        for _ in 0..<3 {
            let shuffled = TimeReport(spans: spans.shuffled(using: &generator), options: options(.day, range: day...day.adding(days: 2)))
            #expect(shuffled == reference)
        }
    }

    /// The sweep against counting minute by minute.
    @Test(arguments: [1, 2, 3, 4])
    func mergedTimeMatchesAMinuteByMinuteCount(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let spans = RandomSpans.make(count: 150, users: ["u1", "u2"], using: &generator)
        let priority = SourcePriority(TimeEntrySource.allCases.shuffled(using: &generator))
        let range = LocalDate("2026-03-28")!...LocalDate("2026-03-30")!
        let options = ReportOptions(
            grouping: .day, range: range, timeZones: ["u2": newYork], defaultTimeZone: amsterdam,
            dayStartsAt: DayStartTime(hour: 4, minute: 0)!, priority: priority, now: time("2026-03-29T12:00:00Z"))
        let report = TimeReport(spans: spans, options: options)

        var expected: [String: [Int]] = [:]
        let now = options.now
        for user in ["u1", "u2"] {
            let zone = options.timeZone(of: user)
            let window = options.window(in: zone)
            let mine = spans.filter { $0.userID == user }
            var minute = window.lowerBound
            while minute < window.upperBound {
                let covering = mine.filter { $0.start <= minute && minute < ($0.stop ?? now) }
                if let winner = covering.min(by: { a, b in
                    (priority.rank(of: a.source), a.start.timeIntervalSince1970, a.id) < (priority.rank(of: b.source), b.start.timeIntervalSince1970, b.id)
                }) {
                    let key = "\(LocalDate(containing: minute, in: zone, dayStartsAt: options.dayStartsAt))/\(winner.category)"
                    expected[key, default: [0, 0]][0] += 60
                }
                for span in covering {
                    let key = "\(LocalDate(containing: minute, in: zone, dayStartsAt: options.dayStartsAt))/\(span.category)"
                    expected[key, default: [0, 0]][1] += 60
                }
                minute += 60
            }
        }
        let actual = Dictionary(uniqueKeysWithValues: report.rows.map { ("\($0.key)/\($0.category)", [$0.seconds, $0.rawSeconds]) })
        #expect(actual == expected)
        #expect(report.totalSeconds == expected.values.reduce(0) { $0 + $1[0] })
    }
}

/// Spans on whole minutes around the 2026-03-29 DST night, many overlapping, some running.
enum RandomSpans {
    static func make(count: Int, users: [String], using generator: inout SplitMix64) -> [ReportSpan] {
        let base = RFC3339.parse("2026-03-27T20:00:00Z")!
        let categories = ["Work", "Coding", "Sport", "Read"]
        return (0..<count).map { index in
            let start = base.addingTimeInterval(Double(Int.random(in: 0..<(4 * 24 * 60), using: &generator)) * 60)
            let length = Double(Int.random(in: 1...(Bool.random(using: &generator) ? 90 : 900), using: &generator)) * 60
            return ReportSpan(
                id: "s\(Int.random(in: 0..<50, using: &generator))-\(index)", userID: users.randomElement(using: &generator)!,
                source: TimeEntrySource.allCases.randomElement(using: &generator)!,
                category: categories.randomElement(using: &generator)!, description: "",
                start: start, stop: index % 37 == 0 ? nil : start.addingTimeInterval(length))
        }
    }
}
