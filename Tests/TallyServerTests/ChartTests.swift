import Foundation
import Testing
@testable import TallyServer

/// The dashboard's SVG charts: what they draw is read back through a small XML parser that
/// also proves the markup well formed, since the charts are embedded inline and a stray `<`
/// from a category name would break the whole page.
@Suite struct ChartTests {
    private static let hostile = #"<script>&"'"#
    private static let colours = ["Coding": "#4e79a7", "Work": "#f28e2b", "Sport": "#59a14f", "Read": "#e15759"]

    private func week(_ days: [[StackedBarChart.Segment]], categories: [String] = ["Work", "Coding", "Read"]) -> StackedBarChart {
        let names = ["Mon 16", "Tue 17", "Wed 18", "Thu 19", "Fri 20", "Sat 21", "Sun 22"]
        return StackedBarChart(
            title: "Time per day this week",
            bars: days.enumerated().map { StackedBarChart.Bar(label: names[$0.offset % 7], segments: $0.element) },
            categories: categories, colours: Self.colours, units: .english,
            emptyText: "No time tracked this week"
        )
    }

    // MARK: Escaping and well-formedness

    @Test func escapeCoversAllFiveSpecialsAndDropsControlCharacters() {
        #expect(ChartText.escape(Self.hostile) == "&lt;script&gt;&amp;&quot;&#39;")
        #expect(ChartText.escape("a\u{0}b\u{1B}c\td") == "abc\td")
        #expect(ChartText.escape("Café ☕️") == "Café ☕️")
    }

    @Test func userTextIsEscapedEverywhereInTheBarChart() throws {
        var chart = week([[.init(category: Self.hostile, seconds: 3600)]], categories: [Self.hostile])
        chart.title = "Week of <b>&"
        chart.bars[0].label = "Mon \"16\" <i>"
        chart.colours[Self.hostile] = "#123456\" onload=\"alert(1)"
        let svg = chart.svg()
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("<b>") && !svg.contains("<i>"))
        #expect(!svg.contains("onload=\""))
        #expect(svg.contains(#"data-category="&lt;script&gt;&amp;&quot;&#39;""#))

        let root = try MiniXML.parse(svg)
        let segment = try #require(root.all("rect", class: "chart-segment").first)
        #expect(segment["data-category"] == Self.hostile)
        #expect(segment["fill"] == ChartColours.neutralGrey)
        #expect(segment.first("title")?.text == "\(Self.hostile) — 1 h")
        #expect(root.first("title")?.text == "Week of <b>&")
        #expect(root["aria-label"] == "Week of <b>&")
        #expect(root.all("text", class: "chart-x-label").first?.text == "Mon \"16\" <i>")
        #expect(root.all("g", class: "chart-legend-item").first?["data-category"] == Self.hostile)
    }

    @Test func userTextIsEscapedInTheTimelineAndProgressBar() throws {
        let day = Date(timeIntervalSince1970: 1_773_619_200)  // 2026-03-16 00:00 UTC
        let timeline = DayTimelineChart(
            title: Self.hostile, dayStart: day, dayEnd: day.addingTimeInterval(86_400), timeZone: .gmt,
            segments: [.init(start: day.addingTimeInterval(3600), stop: day.addingTimeInterval(7200), category: Self.hostile, label: "</svg>")],
            colours: [:], emptyText: Self.hostile
        )
        let root = try MiniXML.parse(timeline.svg())
        let segment = try #require(root.all("rect", class: "chart-segment").first)
        #expect(segment["data-category"] == Self.hostile)
        #expect(segment.first("title")?.text == "01:00–02:00 \(Self.hostile) · </svg>")
        #expect(!timeline.svg().contains("<script"))

        let empty = DayTimelineChart(
            title: "t", dayStart: day, dayEnd: day.addingTimeInterval(86_400), timeZone: .gmt,
            segments: [], colours: [:], emptyText: Self.hostile
        )
        #expect(try MiniXML.parse(empty.svg()).all("text", class: "chart-empty").first?.text == Self.hostile)

        let progress = ProgressBar(label: Self.hostile, value: 1, target: 2, achieved: false, unit: "<h>")
        let progressRoot = try MiniXML.parse(progress.svg())
        #expect(progressRoot["aria-label"] == "\(Self.hostile): 1 / 2 <h>")
        #expect(!progress.svg().contains("<script") && !progress.svg().contains("<h>"))
    }

    @Test func everyChartIsWellFormedXMLEvenForOddInput() throws {
        let day = Date(timeIntervalSince1970: 1_773_619_200)
        let outputs = [
            week([]).svg(),
            week([[], [], []]).svg(),
            week([[.init(category: "Coding", seconds: .nan), .init(category: "Work", seconds: .infinity)]]).svg(),
            week([[.init(category: "Coding", seconds: -5)], [.init(category: "Work", seconds: 1e300)]]).svg(),
            week((0..<60).map { _ in [.init(category: String(repeating: "Long name ", count: 20), seconds: 3600)] }).svg(),
            DayTimelineChart(
                title: "t", dayStart: day, dayEnd: day.addingTimeInterval(-5), timeZone: .gmt,
                segments: [
                    .init(start: day.addingTimeInterval(5000), stop: day.addingTimeInterval(100), category: "Work"),
                    .init(start: .distantPast, stop: .distantFuture, category: "Work"),
                    .init(start: Date(timeIntervalSinceReferenceDate: .nan), stop: day, category: "Work"),
                ],
                colours: [:], now: .distantFuture, emptyText: "none"
            ).svg(),
            ProgressBar(label: "g", value: .nan, target: 0, achieved: false).svg(),
            ProgressBar(label: "g", value: -3, target: -1, achieved: true).svg(),
        ]
        for svg in outputs {
            let root = try MiniXML.parse(svg)
            #expect(root.name == "svg")
            #expect(root["role"] == "img")
            #expect(root["viewBox"] != nil)
            #expect(!svg.contains("nan") && !svg.contains("inf") && !svg.contains("e+") && !svg.contains("e-0"))
        }
    }

    @Test func theCheckerRejectsMalformedMarkup() {
        for bad in ["<svg><g></svg>", "<svg a=\"<\"/>", "<svg>&nbsp;</svg>", "<svg>a & b</svg>", "<svg></svg><svg/>", "<svg a=\"1\" a=\"2\"/>"] {
            #expect(throws: MiniXML.Malformed.self) { try MiniXML.parse(bad) }
        }
    }

    // MARK: Stacked bars

    @Test func totalsAndTicksFollowTheTallestBar() throws {
        let chart = week([
            [.init(category: "Coding", seconds: 9000), .init(category: "Work", seconds: 18_000)],  // 7.5 h
            [.init(category: "Work", seconds: 3600)],
            [],
        ])
        let root = try MiniXML.parse(chart.svg())
        #expect(root.all("text", class: "chart-total").map(\.text) == ["7.5 h", "1 h"])
        #expect(root.all("text", class: "chart-tick").map(\.text) == ["0 h", "2 h", "4 h", "6 h", "8 h"])
        #expect(root["viewBox"] == "0 0 720 260")

        // The 7.5 h bar reaches 7.5 / 8 of the plot, and its segments stack without gaps.
        let segments = root.all("rect", class: "chart-segment").filter { $0.parent?["data-label"] == "Mon 16" }
        let top = try #require(segments.map { $0.number("y") }.min())
        let bottom = try #require(segments.map { $0.number("y") + $0.number("height") }.max())
        let height = segments.reduce(0) { $0 + $1.number("height") }
        #expect(abs(height - (bottom - top)) < 0.05)
        let tickYs = root.all("text", class: "chart-tick").map { $0.number("y") }
        let plot = try #require(tickYs.first) - #require(tickYs.last)
        #expect(abs((bottom - top) / plot - 7.5 / 8) < 0.001)
    }

    @Test(arguments: [
        (0.0, [0, 0.5, 1]),
        (600, [0, 0.5, 1]),
        (3600, [0, 0.5, 1]),
        (27_000, [0, 2, 4, 6, 8]),
        (28_800, [0, 2, 4, 6, 8]),
        (32_400, [0, 2, 4, 6, 8, 10]),
        (37_800, [0, 4, 8, 12]),
        (144_000, [0, 10, 20, 30, 40]),
        (-50, [0, 0.5, 1]),
    ] as [(Double, [Double])])
    func hourAxisChoosesRoundTicks(maxSeconds: Double, ticks: [Double]) {
        #expect(HourAxis(maxSeconds: maxSeconds).ticks == ticks)
    }

    @Test func hourAxisSurvivesAbsurdInput() {
        for seconds in [Double.nan, .infinity, 1e300, -1e300] {
            let axis = HourAxis(maxSeconds: seconds)
            #expect(axis.ticks.count >= 3 && axis.ticks.count <= 6)
            #expect(axis.ticks.allSatisfy { $0.isFinite })
        }
    }

    @Test func segmentsCarrySummedClampedSecondsInTheCallersOrder() throws {
        let chart = week([[
            .init(category: "Coding", seconds: 3600),
            .init(category: "Sport", seconds: 1800),
            .init(category: "Coding", seconds: 5400),
            .init(category: "Work", seconds: 2700),
            .init(category: "Read", seconds: -900),
            .init(category: "Read", seconds: 0),
        ]])
        let root = try MiniXML.parse(chart.svg())
        let segments = root.all("rect", class: "chart-segment")
        // Work, Coding as listed; Sport is unlisted so it follows; Read has no time so no rect.
        #expect(segments.map { $0["data-category"] } == ["Work", "Coding", "Sport"])
        #expect(segments.map { $0["data-seconds"] } == ["2700", "9000", "1800"])
        #expect(segments.map { $0.first("title")?.text } == ["Work — 45 min", "Coding — 2 h 30 min", "Sport — 30 min"])
        #expect(segments.map { $0["fill"] } == ["#f28e2b", "#4e79a7", "#59a14f"])
        // The first category sits at the bottom.
        let ys = segments.map { $0.number("y") }
        #expect(ys.count == 3 && ys[0] > ys[1] && ys[1] > ys[2])
        #expect(root.all("text", class: "chart-total").map(\.text) == ["3.8 h"])
        #expect(root.all("text", class: "chart-total").first?["data-seconds"] == "13500")
    }

    @Test func unknownAndInvalidColoursAreNeutralGrey() {
        let colours = ChartColours(["A": "#abc", "B": "red", "C": "#12345", "D": " #A1B2C3 ", "E": "#１２３"])
        #expect(colours.colour(for: "A") == "#abc")
        #expect(colours.colour(for: "B") == ChartColours.neutralGrey)
        #expect(colours.colour(for: "C") == ChartColours.neutralGrey)
        #expect(colours.colour(for: "D") == "#A1B2C3")
        #expect(colours.colour(for: "E") == ChartColours.neutralGrey)
        #expect(colours.colour(for: "missing") == ChartColours.neutralGrey)
    }

    @Test func legendListsOnlyCategoriesWithTime() throws {
        let chart = week([
            [.init(category: "Coding", seconds: 3600)],
            [.init(category: "Sport", seconds: 1800), .init(category: "Work", seconds: 0)],
        ], categories: ["Work", "Coding", "Read"])
        let root = try MiniXML.parse(chart.svg())
        let items = root.all("g", class: "chart-legend-item")
        #expect(items.map { $0["data-category"] } == ["Coding", "Sport"])
        #expect(items.map { $0.first("text")?.text } == ["Coding", "Sport"])
        #expect(items.map { $0.first("rect")?["fill"] } == ["#4e79a7", "#59a14f"])
    }

    @Test func aLongLegendWrapsAndGrowsTheChart() throws {
        let categories = (1...12).map { "Category number \($0)" }
        let chart = week([categories.map { .init(category: $0, seconds: 600) }], categories: categories)
        let root = try MiniXML.parse(chart.svg())
        let rows = Set(root.all("g", class: "chart-legend-item").compactMap { $0.first("text")?["y"] })
        #expect(rows.count > 1)
        let height = try #require(Double(root["height"] ?? ""))
        let lastRow = try #require(rows.compactMap(Double.init).max())
        #expect(height > 260 && lastRow < height)
        for item in root.all("g", class: "chart-legend-item") {
            #expect(item.first("rect")?.number("x") ?? .nan < 708)
        }
    }

    @Test func anAllZeroWeekStillDrawsTheAxisAndTheEmptyText() throws {
        let chart = week(Array(repeating: [.init(category: "Work", seconds: 0)], count: 7))
        let root = try MiniXML.parse(chart.svg())
        #expect(root.all("text", class: "chart-tick").map(\.text) == ["0 h", "0.5 h", "1 h"])
        #expect(root.all("text", class: "chart-empty").map(\.text) == ["No time tracked this week"])
        #expect(root.all("rect", class: "chart-segment").isEmpty)
        #expect(root.all("text", class: "chart-total").isEmpty)
        #expect(root.all("g", class: "chart-legend-item").isEmpty)
        #expect(root.all("text", class: "chart-x-label").count == 7)

        let withTime = try MiniXML.parse(week([[.init(category: "Work", seconds: 60)]]).svg())
        #expect(withTime.all("text", class: "chart-empty").isEmpty)
    }

    @Test func dutchUnitsReachTicksTotalsAndTooltips() throws {
        var chart = week([[.init(category: "Work", seconds: 9000)]])
        chart.units = .dutch
        let root = try MiniXML.parse(chart.svg())
        #expect(root.all("text", class: "chart-total").map(\.text) == ["2.5 u"])
        #expect(root.all("text", class: "chart-tick").map(\.text) == ["0 u", "0.5 u", "1 u", "1.5 u", "2 u", "2.5 u"])
        #expect(root.all("rect", class: "chart-segment").first?.first("title")?.text == "Work — 2 u 30 min")
    }

    @Test func manyBarsThinOutTheirLabels() throws {
        let bars = (1...52).map { StackedBarChart.Bar(label: "Week \($0)", segments: [.init(category: "Work", seconds: 36_000)]) }
        let chart = StackedBarChart(title: "Year", bars: bars, categories: [], colours: [:], emptyText: "")
        let root = try MiniXML.parse(chart.svg())
        let labels = root.all("text", class: "chart-x-label")
        #expect(labels.count < 52 && labels.count > 5)
        #expect(labels.first?.text == "Week 1")
        #expect(root.all("rect", class: "chart-segment").count == 52)
    }

    // MARK: Day timeline

    private static let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!

    private func localMidnight(_ year: Int, _ month: Int, _ day: Int, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    private func tickXs(_ root: MiniXML.Node) -> [String: Double] {
        Dictionary(root.all("text", class: "chart-tick").map { ($0.text, $0.number("x")) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func springForwardDayHasTwentyThreeHoursAndTicksByWallTime() throws {
        let start = localMidnight(2026, 3, 29, in: Self.amsterdam)
        let end = localMidnight(2026, 3, 30, in: Self.amsterdam)
        #expect(end.timeIntervalSince(start) == 23 * 3600)
        let chart = DayTimelineChart(
            title: "Sunday 29 March", dayStart: start, dayEnd: end, timeZone: Self.amsterdam,
            segments: [], colours: [:], emptyText: "Nothing tracked"
        )
        #expect(chart.hourTicks.map(\.label) == ["00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "24:00"])
        // 03:00 comes two real hours after midnight, every later tick three after the one before.
        let offsets = chart.hourTicks.map { $0.instant.timeIntervalSince(start) / 3600 }
        #expect(offsets == [0, 2, 5, 8, 11, 14, 17, 20, 23])

        let root = try MiniXML.parse(chart.svg())
        #expect(root["viewBox"] == "0 0 720 90")
        let xs = tickXs(root)
        let midnight = try #require(xs["00:00"])
        let width = try #require(xs["24:00"]) - midnight
        #expect(abs((xs["03:00", default: .nan] - midnight) / width - 2.0 / 23) < 0.0005)
        #expect(abs((xs["12:00", default: .nan] - midnight) / width - 11.0 / 23) < 0.0005)
        #expect(root.all("text", class: "chart-empty").map(\.text) == ["Nothing tracked"])
    }

    @Test func fallBackDayHasTwentyFiveHours() {
        let start = localMidnight(2026, 10, 25, in: Self.amsterdam)
        let end = localMidnight(2026, 10, 26, in: Self.amsterdam)
        let chart = DayTimelineChart(
            title: "Sunday 25 October", dayStart: start, dayEnd: end, timeZone: Self.amsterdam,
            segments: [], colours: [:], emptyText: ""
        )
        #expect(chart.hourTicks.map(\.label) == ["00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "24:00"])
        #expect(chart.hourTicks.map { $0.instant.timeIntervalSince(start) / 3600 } == [0, 4, 7, 10, 13, 16, 19, 22, 25])
    }

    @Test func segmentsAreClampedToTheDayAndLabelledInLocalTime() throws {
        let start = localMidnight(2026, 3, 16, in: Self.amsterdam)
        let end = start.addingTimeInterval(86_400)
        let chart = DayTimelineChart(
            title: "Monday", dayStart: start, dayEnd: end, timeZone: Self.amsterdam,
            segments: [
                .init(start: start.addingTimeInterval(9 * 3600), stop: start.addingTimeInterval(10.5 * 3600), category: "Coding", label: "Deep work"),
                .init(start: start.addingTimeInterval(-3600), stop: start.addingTimeInterval(3600), category: "Sport"),
                .init(start: start.addingTimeInterval(12 * 3600), stop: start.addingTimeInterval(11 * 3600), category: "Work"),
                .init(start: end.addingTimeInterval(60), stop: end.addingTimeInterval(600), category: "Read"),
            ],
            colours: Self.colours, emptyText: "Nothing tracked"
        )
        let root = try MiniXML.parse(chart.svg())
        let segments = root.all("rect", class: "chart-segment")
        #expect(segments.map { $0["data-category"] } == ["Coding", "Sport"])
        #expect(segments.map { $0.first("title")?.text } == ["09:00–10:30 Coding · Deep work", "23:00–01:00 Sport"])
        #expect(segments.map { $0["data-seconds"] } == ["5400", "3600"])
        #expect(segments.first?["fill"] == "#4e79a7")
        let xs = tickXs(root)
        let midnight = try #require(xs["00:00"])
        let width = try #require(xs["24:00"]) - midnight
        let coding = try #require(segments.first)
        #expect(abs(coding.number("x") - (midnight + width * 9 / 24)) < 0.01)
        #expect(abs(coding.number("width") - width * 1.5 / 24) < 0.01)
        #expect(segments.last?["x"] == ChartSVG.number(midnight))
        #expect(root.all("text", class: "chart-empty").isEmpty)
    }

    @Test func theNowMarkerAppearsOnlyWithinTheDay() throws {
        let start = localMidnight(2026, 3, 29, in: Self.amsterdam)
        let end = localMidnight(2026, 3, 30, in: Self.amsterdam)
        func markers(now: Date?) throws -> [MiniXML.Node] {
            let chart = DayTimelineChart(
                title: "Today", dayStart: start, dayEnd: end, timeZone: Self.amsterdam,
                segments: [], colours: [:], now: now, nowLabel: "Nu", emptyText: ""
            )
            return try MiniXML.parse(chart.svg()).all("line", class: "chart-now")
        }
        let inside = try markers(now: start.addingTimeInterval(2 * 3600 + 35 * 60))
        #expect(inside.count == 1)
        #expect(inside.first?.first("title")?.text == "Nu 03:35")
        #expect(try markers(now: nil).isEmpty)
        #expect(try markers(now: start.addingTimeInterval(-1)).isEmpty)
        #expect(try markers(now: end.addingTimeInterval(1)).isEmpty)
    }

    // MARK: Progress bar

    @Test func progressBarCapsTheFillAndMarksAchievement() throws {
        let partial = ProgressBar(label: "Deep work", value: 7, target: 10, achieved: false)
        #expect(partial.valueText == "7 / 10")
        let partialRoot = try MiniXML.parse(partial.svg())
        let fill = try #require(partialRoot.all("rect", class: "chart-progress-fill").first)
        let track = try #require(partialRoot.all("rect", class: "chart-progress-track").first)
        #expect(fill.number("width") == track.number("width") * 0.7)
        #expect(fill["fill"] == ProgressBar.pendingColour)
        #expect(partialRoot.all("text", class: "chart-progress-text").first?.text == "7 / 10")

        let over = ProgressBar(label: "Sport", value: 12.5, target: 10, achieved: true, unit: "h")
        #expect(over.valueText == "✓ 12.5 / 10 h")
        let overRoot = try MiniXML.parse(over.svg())
        let overFill = try #require(overRoot.all("rect", class: "chart-progress-fill").first)
        #expect(overFill["width"] == track["width"])
        #expect(overFill["fill"] == ProgressBar.achievedColour)
        #expect(overRoot["aria-label"] == "Sport: ✓ 12.5 / 10 h")

        #expect(ProgressBar(label: "x", value: 0, target: 10, achieved: false).fraction == 0)
        #expect(ProgressBar(label: "x", value: 3, target: 0, achieved: false).fraction == 1)
        #expect(ProgressBar(label: "x", value: .nan, target: .nan, achieved: false).fraction == 0)
    }

    // MARK: Text

    @Test(arguments: [
        (9000.0, "2 h 30 min"), (2700, "45 min"), (0, "0 min"), (43_200, "12 h"), (29, "0 min"), (89, "1 min"),
        (3599, "1 h"), (-600, "0 min"), (.nan, "0 min"), (.infinity, "0 min"), (360_000, "100 h"),
    ] as [(Double, String)])
    func durationText(seconds: Double, expected: String) {
        #expect(DurationText().duration(seconds: seconds) == expected)
    }

    @Test func durationTextInDutchAndAsHours() {
        let dutch = DurationText(units: .dutch)
        #expect(dutch.duration(seconds: 9000) == "2 u 30 min")
        #expect(dutch.duration(seconds: 7200) == "2 u")
        #expect(DurationText().hours(seconds: 27_000) == "7.5 h")
        #expect(DurationText().hours(seconds: 43_200) == "12 h")
        #expect(DurationText().hours(seconds: 0) == "0 h")
        #expect(DurationText().hours(seconds: 1000) == "0.3 h")
        #expect(DurationText().hours(seconds: -5) == "0 h")
        #expect(dutch.hours(seconds: 5400) == "1.5 u")
        #expect(DurationText(units: DurationUnits(hour: "std", minute: "min")).duration(seconds: 3660) == "1 std 1 min")
        #expect(DurationText().duration(seconds: 1e300) == "277777777 h 47 min")  // clamped to 1e12 s
    }

    @Test(arguments: [
        (7.5, 1, "7.5"), (8.0, 1, "8"), (0.00001, 2, "0"), (-0.0, 2, "0"), (-0.001, 2, "0"), (1234.5678, 2, "1234.57"),
        (-3.25, 2, "-3.25"), (.nan, 2, "0"), (.infinity, 2, "0"), (1e300, 0, "1000000000000"), (0.1 + 0.2, 2, "0.3"),
        (12.05, 2, "12.05"), (99.999, 2, "100"),
    ] as [(Double, Int, String)])
    func numbersAreLocaleIndependent(value: Double, decimals: Int, expected: String) {
        #expect(ChartNumber.format(value, decimals: decimals) == expected)
    }
}

/// A deliberately strict little XML reader for the charts' output: elements, attributes in
/// quotes, text, and the five predefined or numeric entities. Anything else is malformed —
/// no comments, CDATA or doctype, none of which the charts write.
private enum MiniXML {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    final class Node {
        let name: String
        let attributes: [String: String]
        var children: [Node] = []
        var text = ""
        weak var parent: Node?

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        subscript(attribute: String) -> String? { attributes[attribute] }

        /// A numeric attribute, NaN when missing or not a number, so a broken chart fails
        /// comparisons instead of crashing the test run.
        func number(_ attribute: String) -> Double { attributes[attribute].flatMap(Double.init) ?? .nan }

        /// Every descendant with this name (and class), in document order.
        func all(_ name: String, class className: String? = nil) -> [Node] {
            children.flatMap { child -> [Node] in
                let matches = child.name == name && (className == nil || child["class"] == className)
                return (matches ? [child] : []) + child.all(name, class: className)
            }
        }

        func first(_ name: String) -> Node? { all(name).first }
    }

    static func parse(_ markup: String) throws -> Node {
        var reader = Reader(bytes: Array(markup.utf8))
        reader.skipWhitespace()
        let root = try reader.element()
        reader.skipWhitespace()
        guard reader.atEnd else { throw Malformed(description: "content after the root element") }
        return root
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }
        var current: UInt8? { atEnd ? nil : bytes[index] }

        mutating func skipWhitespace() {
            while let byte = current, [0x20, 0x09, 0x0A, 0x0D].contains(byte) { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard current == byte else { throw Malformed(description: "expected \(Character(Unicode.Scalar(byte))) at \(index)") }
            index += 1
        }

        mutating func name() throws -> String {
            let start = index
            while let byte = current, byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_")
                || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) { index += 1 }
            guard index > start else { throw Malformed(description: "expected a name at \(index)") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func element() throws -> Node {
            try expect(UInt8(ascii: "<"))
            let name = try name()
            var attributes: [String: String] = [:]
            while true {
                let hadSpace = current == 0x20
                skipWhitespace()
                if current == UInt8(ascii: "/") {
                    index += 1
                    try expect(UInt8(ascii: ">"))
                    return Node(name: name, attributes: attributes)
                }
                if current == UInt8(ascii: ">") {
                    index += 1
                    break
                }
                guard hadSpace else { throw Malformed(description: "attributes need a space before them at \(index)") }
                let attribute = try self.name()
                try expect(UInt8(ascii: "="))
                guard let quote = current, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                    throw Malformed(description: "unquoted attribute \(attribute)")
                }
                index += 1
                let value = try characters(until: quote)
                try expect(quote)
                guard attributes.updateValue(value, forKey: attribute) == nil else {
                    throw Malformed(description: "duplicate attribute \(attribute)")
                }
            }
            let node = Node(name: name, attributes: attributes)
            while true {
                node.text += try characters(until: UInt8(ascii: "<"))
                guard !atEnd else { throw Malformed(description: "<\(name)> is never closed") }
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/") {
                    index += 2
                    let closing = try self.name()
                    guard closing == name else { throw Malformed(description: "</\(closing)> closes <\(name)>") }
                    skipWhitespace()
                    try expect(UInt8(ascii: ">"))
                    return node
                }
                let child = try element()
                child.parent = node
                node.children.append(child)
            }
        }

        /// Text up to `end` (not consumed), with entities decoded; a raw `<` or a stray `&` is malformed.
        mutating func characters(until end: UInt8) throws -> String {
            var text: [UInt8] = []
            while let byte = current, byte != end {
                if byte == UInt8(ascii: "<") { throw Malformed(description: "raw < at \(index)") }
                if byte == UInt8(ascii: "&") {
                    guard let semicolon = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                        throw Malformed(description: "stray & at \(index)")
                    }
                    let entity = String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)
                    text += Array(try decode(entity).utf8)
                    index = semicolon + 1
                } else {
                    text.append(byte)
                    index += 1
                }
            }
            return String(decoding: text, as: UTF8.self)
        }

        func decode(_ entity: String) throws -> String {
            switch entity {
            case "amp": return "&"
            case "lt": return "<"
            case "gt": return ">"
            case "quot": return "\""
            case "apos": return "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                guard let number, let scalar = Unicode.Scalar(number) else { throw Malformed(description: "unknown entity &\(entity);") }
                return String(Character(scalar))
            }
        }
    }
}
